using System.Text.Json;
using Inference.Contracts;
using F = Inference.Contracts.TrafficSplitConfig.Fields;

namespace Inference.Variants;

/// <summary>Where one variant's answers come from.</summary>
public enum VariantSource
{
    /// <summary>The function's own model: MODEL_VERSION from the registry, MODEL_DIR, or the bundled model.</summary>
    Primary,

    /// <summary>Another version of the same model in the registry (MODEL_REGISTRY_BUCKET).</summary>
    RegistryVersion,

    /// <summary>A model folder shipped with the function (a second bundled model).</summary>
    ModelDirectory,

    /// <summary>An existing HTTP model endpoint that speaks the same API (the legacy backend of a migration).</summary>
    HttpBackend,
}

/// <summary>One variant: a name (the metric dimension and the <c>X-Model-Variant</c> header), its share of traffic, its source.</summary>
public sealed record VariantSpec(string Name, int Weight, VariantSource Source)
{
    public string? ModelVersion { get; init; }
    public string? ModelDirectory { get; init; }
    public Uri? Url { get; init; }

    /// <summary>How long an HTTP backend may take before the client gets a 504.</summary>
    public int TimeoutMs { get; init; } = TrafficSplit.DefaultBackendTimeoutMs;

    /// <summary>The version an HTTP backend's answers are labelled with (headers, metrics); model variants report their model's version.</summary>
    public string? Version { get; init; }
}

/// <summary>A share of requests that also goes to a candidate variant after the client has its answer.</summary>
public sealed record ShadowSpec(string Variant, double Percent);

/// <summary>
/// The traffic split of one function, from the JSON in <c>TRAFFIC_SPLIT</c> (documented in docs/rollout.md):
/// weighted variants, optional sticky assignment by a header, optional shadow traffic to one variant.
/// </summary>
public sealed record TrafficSplit(IReadOnlyList<VariantSpec> Variants, string? StickyHeader, ShadowSpec? Shadow)
{
    public const string VariableName = FunctionEnvironment.TrafficSplit;
    public const int DefaultBackendTimeoutMs = TrafficSplitRules.DefaultBackendTimeoutMs;
    public const string NameRules = TrafficSplitRules.VariantNameRules;

    public static bool IsValidVariantName(string? name) => TrafficSplitRules.IsVariantName(name);

    /// <summary>Parses and validates the JSON; every problem is an <see cref="InvalidOperationException"/> naming the variable and the field.</summary>
    public static TrafficSplit Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw Invalid("", $"is not JSON ({ex.Message})", "an object such as {\"variants\":[{\"name\":\"a\",\"weight\":90},{\"name\":\"b\",\"weight\":10,\"modelVersion\":\"1.1.0\"}]}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("", $"is a JSON {root.ValueKind}", "a JSON object with 'variants'");
            }

            RejectUnknown(root, "", F.Variants, F.StickyHeader, F.Shadow);
            if (!root.TryGetProperty(F.Variants, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(F.Variants, "is missing or not an array", "an array of 1 to 8 variants");
            }

            var variants = list.EnumerateArray().Select((v, i) => ParseVariant(v, $"variants[{i}]")).ToArray();
            var sticky = OptionalString(root, F.StickyHeader, "");
            var shadow = root.TryGetProperty(F.Shadow, out var s) && s.ValueKind != JsonValueKind.Null ? ParseShadow(s) : null;
            return Validate(new TrafficSplit(variants, sticky?.ToLowerInvariant(), shadow));
        }
    }

    /// <summary>The variant that answers requests outside the split (health, metadata): the first one that runs a model here.</summary>
    public VariantSpec DefaultModelVariant => Variants.First(v => v.Source != VariantSource.HttpBackend);

    private static TrafficSplit Validate(TrafficSplit split)
    {
        var variants = split.Variants;
        if (variants.Count is < 1 or > TrafficSplitRules.MaxVariants)
        {
            throw Invalid(F.Variants, $"has {variants.Count} entries", $"1 to {TrafficSplitRules.MaxVariants} variants");
        }

        if (variants.GroupBy(v => v.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw Invalid(F.Variants, $"names '{twice.Key}' twice", "distinct variant names");
        }

        if (variants.Sum(v => v.Weight) != TrafficSplitRules.TotalWeight)
        {
            throw Invalid("variants[].weight", $"adds up to {variants.Sum(v => v.Weight)}", "weights (whole percentages) that add up to 100");
        }

        if (variants.Count(v => v.Source == VariantSource.Primary) > 1)
        {
            throw Invalid(F.Variants, "has more than one variant without modelVersion, modelDir or url", "at most one variant that is the function's own model");
        }

        if (variants.All(v => v.Source == VariantSource.HttpBackend))
        {
            throw Invalid(F.Variants, "has only HTTP backends", "at least one variant that runs a model in the function (health and metadata come from it)");
        }

        if (variants.Where(v => v.ModelVersion is not null).GroupBy(v => v.ModelVersion).FirstOrDefault(g => g.Count() > 1) is { } sameVersion)
        {
            throw Invalid("variants[].modelVersion", $"names '{sameVersion.Key}' twice", "distinct registry versions");
        }

        if (split.StickyHeader is { } header && !TrafficSplitRules.IsHeaderName(header))
        {
            throw Invalid(F.StickyHeader, $"is '{header}'", "an HTTP header name such as x-api-key");
        }

        if (split.Shadow is { } shadow && variants.All(v => v.Name != shadow.Variant))
        {
            throw Invalid("shadow.variant", $"is '{shadow.Variant}'", "the name of one of the variants: " + string.Join(", ", variants.Select(v => v.Name)));
        }

        return split;
    }

    private static VariantSpec ParseVariant(JsonElement v, string at)
    {
        if (v.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(at, $"is a JSON {v.ValueKind}", "an object with name and weight");
        }

        RejectUnknown(v, at, F.Name, F.Weight, F.ModelVersion, F.ModelDirectory, F.Url, F.TimeoutMs, F.Version);
        var name = OptionalString(v, F.Name, at);
        if (!IsValidVariantName(name))
        {
            throw Invalid($"{at}.name", $"is '{name}'", NameRules);
        }

        var weight = Integer(v, F.Weight, at, 0, TrafficSplitRules.TotalWeight) ?? throw Invalid($"{at}.weight", "is missing", "a whole percentage from 0 to 100");
        var version = OptionalString(v, F.ModelVersion, at);
        var directory = OptionalString(v, F.ModelDirectory, at);
        var url = OptionalString(v, F.Url, at);
        var sources = new[] { version, directory, url }.Count(s => s is not null);
        if (sources > 1)
        {
            throw Invalid(at, "sets more than one of modelVersion, modelDir and url", "at most one source per variant (none: the function's own model)");
        }

        if (version is not null && !SemanticVersion.IsValid(version))
        {
            throw Invalid($"{at}.modelVersion", $"is '{version}'", SemanticVersion.Rules);
        }

        Uri? uri = null;
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0 || uri.Query.Length > 0))
        {
            throw Invalid($"{at}.url", $"is '{url}'", "an absolute http or https URL without credentials or query, the base the request's /v2/... path is appended to");
        }

        var label = OptionalString(v, F.Version, at);
        if (label is not null && url is null)
        {
            throw Invalid($"{at}.version", $"is '{label}'", "unset: only an HTTP backend is labelled; a model variant reports its model.json's version");
        }

        return new VariantSpec(name!, weight, version is not null ? VariantSource.RegistryVersion
            : directory is not null ? VariantSource.ModelDirectory
            : uri is not null ? VariantSource.HttpBackend
            : VariantSource.Primary)
        {
            ModelVersion = version,
            ModelDirectory = directory,
            Url = uri,
            TimeoutMs = Integer(v, F.TimeoutMs, at, 1, 900_000) ?? DefaultBackendTimeoutMs,
            Version = uri is null ? null : label ?? TrafficSplitRules.DefaultBackendVersion,
        };
    }

    private static ShadowSpec ParseShadow(JsonElement s)
    {
        if (s.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(F.Shadow, $"is a JSON {s.ValueKind}", "an object with variant and percent");
        }

        RejectUnknown(s, F.Shadow, F.ShadowVariant, F.ShadowPercent);
        var variant = OptionalString(s, F.ShadowVariant, F.Shadow) ?? throw Invalid("shadow.variant", "is missing", "the name of the candidate variant");
        if (!s.TryGetProperty(F.ShadowPercent, out var p) || p.ValueKind != JsonValueKind.Number || !p.TryGetDouble(out var percent) || percent is < 0 or > 100)
        {
            throw Invalid("shadow.percent", $"is {(s.TryGetProperty(F.ShadowPercent, out var raw) ? raw.GetRawText() : "missing")}", "a number from 0 to 100: the share of requests also sent to the candidate");
        }

        return new ShadowSpec(variant, percent);
    }

    private static void RejectUnknown(JsonElement element, string at, params string[] known)
    {
        foreach (var property in element.EnumerateObject().Where(p => !known.Contains(p.Name)))
        {
            throw Invalid(at.Length == 0 ? property.Name : $"{at}.{property.Name}", "is not a known field", "one of " + string.Join(", ", known));
        }
    }

    private static string? OptionalString(JsonElement element, string name, string at)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim()
            : throw Invalid(at.Length == 0 ? name : $"{at}.{name}", $"is {value.GetRawText()}", "a non-empty string");
    }

    private static int? Integer(JsonElement element, string name, string at, int min, int max)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max
            ? number
            : throw Invalid($"{at}.{name}", $"is {value.GetRawText()}", $"a whole number from {min} to {max}");
    }

    private static InvalidOperationException Invalid(string field, string problem, string allowed) =>
        new($"{VariableName}{(field.Length == 0 ? "" : "." + field)} {problem}; allowed: {allowed}.");
}
