using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Infra.Core;

namespace Infra.Configuration;

/// <summary>
/// Typed access to a stack's config, in the spirit of Pulumi's <c>Config</c> class. Problems are
/// collected rather than thrown one by one, so a user sees every bad key at once; the host
/// reports them and emits no program. Keys without a namespace belong to the project.
/// </summary>
public sealed class StackConfig
{
    private readonly string _project;
    private readonly ConfigValues _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];

    public StackConfig(string project, ConfigValues values, bool isDiscovery = false)
    {
        _project = project;
        _values = values;
        IsDiscovery = isDiscovery;
    }

    /// <summary>
    /// True while Pulumi only asks which packages the program needs and passes no config:
    /// every getter then answers its default, and required keys a placeholder.
    /// </summary>
    public bool IsDiscovery { get; }

    public IReadOnlyList<string> Problems => _problems;

    public string GetString(string key, string defaultValue) => Read(key) ?? defaultValue;

    public string? GetString(string key) => Read(key);

    public string RequireString(string key) => Read(key) ?? Missing(key, "a string", "");

    public int GetInt32(string key, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var raw = Read(key);
        if (raw is null)
        {
            return defaultValue;
        }

        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        return Invalid(key, raw, Range("an integer", min, max), defaultValue);
    }

    /// <summary>An integer from a fixed set, such as the retention periods CloudWatch accepts.</summary>
    public int GetInt32(string key, int defaultValue, IReadOnlyCollection<int> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var raw = Read(key);
        if (raw is null)
        {
            return defaultValue;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && allowed.Contains(value)
            ? value
            : Invalid(key, raw, "one of " + string.Join(", ", allowed), defaultValue);
    }

    public double GetDouble(string key, double defaultValue, double min = double.MinValue, double max = double.MaxValue)
    {
        var raw = Read(key);
        if (raw is null)
        {
            return defaultValue;
        }

        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= min && value <= max)
        {
            return value;
        }

        return Invalid(key, raw, Range("a number", min, max), defaultValue);
    }

    public bool GetBoolean(string key, bool defaultValue)
    {
        var raw = Read(key);
        return raw switch
        {
            null => defaultValue,
            "true" => true,
            "false" => false,
            _ => Invalid(key, raw, "true or false", defaultValue),
        };
    }

    /// <summary>One of a fixed set of words, compared exactly.</summary>
    public string GetChoice(string key, string defaultValue, params string[] allowed)
    {
        var raw = Read(key);
        if (raw is null || allowed.Contains(raw, StringComparer.Ordinal))
        {
            return raw ?? defaultValue;
        }

        return Invalid(key, raw, "one of " + string.Join(", ", allowed), defaultValue);
    }

    /// <summary>One of a provider's fixed words (e.g. <c>arm64</c>), as its type; an unknown word is a problem naming what is allowed.</summary>
    public T GetChoice<T>(string key, T defaultValue, IReadOnlyList<T> allowed)
        where T : NamedValue
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var word = GetChoice(key, defaultValue.Value, [.. allowed.Select(value => value.Value)]);
        return allowed.FirstOrDefault(value => value.Value == word) ?? defaultValue;
    }

    /// <summary>A list of strings, written in the stack file as a YAML list.</summary>
    public IReadOnlyList<string> GetStringList(string key, IReadOnlyList<string>? defaultValue = null)
    {
        var raw = Read(key);
        if (raw is null)
        {
            return defaultValue ?? [];
        }

        List<string?>? items;
        try
        {
            items = JsonSerializer.Deserialize<List<string?>>(raw);
        }
        catch (JsonException)
        {
            return Invalid(key, raw, "a list of strings", defaultValue ?? []);
        }

        // "null" and [null] parse, but are not lists of strings, and the components would throw on a null item.
        return items is null || items.Contains(null) ? Invalid(key, raw, "a list of strings", defaultValue ?? []) : items!;
    }

    /// <summary>
    /// A secret the engine reads itself: the program references the key, and the value never
    /// appears in the program text. Requires the key to exist (outside discovery).
    /// </summary>
    public Output<string> RequireSecret(Stack stack, string key)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var qualified = Qualify(key);
        _read.Add(qualified);
        if (!IsDiscovery && !_values.Values.ContainsKey(qualified) && !_values.EncryptedKeys.Contains(qualified))
        {
            _problems.Add($"config key '{qualified}' is required and missing: set it with `pulumi config set --secret {key} <value>`");
        }

        return stack.ConfigReference<string>(key, "string", secret: true);
    }

    /// <summary>An optional secret, referenced like <see cref="RequireSecret"/>; null when the key is not set.</summary>
    public Output<string>? GetSecret(Stack stack, string key)
    {
        _read.Add(Qualify(key));
        return Has(key) ? RequireSecret(stack, key) : null;
    }

    /// <summary>Whether the key has a value (plain or encrypted).</summary>
    public bool Has(string key)
    {
        var qualified = Qualify(key);
        return _values.Values.ContainsKey(qualified) || _values.EncryptedKeys.Contains(qualified);
    }

    /// <summary>Records a problem found by the caller's own validation of a value.</summary>
    public void AddProblem(string key, string value, string allowed) =>
        _problems.Add($"config key '{Qualify(key)}' has value '{value}': expected {allowed}");

    /// <summary>
    /// Project keys that were set but never read: almost always a typo, which would otherwise
    /// be silently ignored and deploy the default.
    /// </summary>
    public IEnumerable<string> UnreadProjectKeys() =>
        _values.Values.Keys.Concat(_values.EncryptedKeys)
            .Where(k => k.StartsWith(_project + ":", StringComparison.Ordinal) && !_read.Contains(k))
            .Distinct()
            .Order(StringComparer.Ordinal);

    /// <summary>Throws a <see cref="ConfigException"/> with every problem found so far, including unread keys.</summary>
    public void ThrowIfInvalid()
    {
        var problems = _problems
            .Concat(UnreadProjectKeys().Select(k => $"config key '{k}' is not a setting of this stack: check its spelling (known keys: {string.Join(", ", KnownKeys())})"))
            .ToList();
        if (problems.Count > 0)
        {
            throw new ConfigException(problems);
        }
    }

    private IEnumerable<string> KnownKeys() =>
        _read.Where(k => k.StartsWith(_project + ":", StringComparison.Ordinal)).Select(k => k[(_project.Length + 1)..]).Order(StringComparer.Ordinal);

    private string? Read(string key)
    {
        var qualified = Qualify(key);
        _read.Add(qualified);
        if (IsDiscovery)
        {
            return null;
        }

        if (_values.EncryptedKeys.Contains(qualified) && !_values.Values.ContainsKey(qualified))
        {
            _problems.Add($"config key '{qualified}' is encrypted and cannot be read here: read it with RequireSecret, or run under `pulumi`, which decrypts it");
            return null;
        }

        return _values.Values.GetValueOrDefault(qualified);
    }

    private string Missing(string key, string expected, string placeholder)
    {
        if (!IsDiscovery)
        {
            _problems.Add($"config key '{Qualify(key)}' is required and missing: expected {expected}; set it with `pulumi config set {key} <value>`");
        }

        return placeholder;
    }

    private T Invalid<T>(string key, string raw, string allowed, T fallback)
    {
        AddProblem(key, raw, allowed);
        return fallback;
    }

    private string Qualify(string key) => key.Contains(':', StringComparison.Ordinal) ? key : _project + ":" + key;

    private static string Range<T>(string kind, T min, T max)
        where T : IMinMaxValue<T>, IComparisonOperators<T, T, bool>, IFormattable
    {
        var hasMin = min > T.MinValue;
        var hasMax = max < T.MaxValue;
        return (hasMin, hasMax) switch
        {
            (true, true) => $"{kind} from {Format(min)} to {Format(max)}",
            (true, false) => $"{kind} of at least {Format(min)}",
            (false, true) => $"{kind} of at most {Format(max)}",
            _ => kind,
        };
    }

    private static string Format(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
