using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Inference.Contracts;

/// <summary>
/// The <see cref="FunctionEnvironment.TrafficSplit"/> document: weighted variants, an optional sticky header and optional
/// shadow traffic (docs/rollout.md). The components write it (<see cref="ToJson"/>); the function reads it field by field
/// (functions/Inference/Variants/TrafficSplit.cs) so that each problem names its field, under <see cref="Fields"/>.
/// </summary>
public sealed record TrafficSplitConfig
{
    [JsonPropertyName(Fields.Variants)] public required IReadOnlyList<VariantConfig> Variants { get; init; }

    [JsonPropertyName(Fields.StickyHeader)] public string? StickyHeader { get; init; }

    [JsonPropertyName(Fields.Shadow)] public ShadowConfig? Shadow { get; init; }

    /// <summary>The variable's value: compact JSON without the unset fields.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ContractJsonContext.Default.TrafficSplitConfig);

    /// <summary>The JSON field names of the document, its variants and its shadow.</summary>
    public static class Fields
    {
        public const string Variants = "variants";
        public const string StickyHeader = "stickyHeader";
        public const string Shadow = "shadow";

        public const string Name = "name";
        public const string Weight = "weight";
        public const string ModelVersion = "modelVersion";
        public const string ModelDirectory = "modelDir";
        public const string Url = "url";
        public const string TimeoutMs = "timeoutMs";
        public const string Version = "version";

        public const string ShadowVariant = "variant";
        public const string ShadowPercent = "percent";
    }
}

/// <summary>One variant: its own model (no source), a registry version, a bundled folder, or an HTTP backend.</summary>
public sealed record VariantConfig
{
    [JsonPropertyName(TrafficSplitConfig.Fields.Name)] public required string Name { get; init; }

    [JsonPropertyName(TrafficSplitConfig.Fields.Weight)] public required int Weight { get; init; }

    [JsonPropertyName(TrafficSplitConfig.Fields.ModelVersion)] public string? ModelVersion { get; init; }

    [JsonPropertyName(TrafficSplitConfig.Fields.ModelDirectory)] public string? ModelDirectory { get; init; }

    [JsonPropertyName(TrafficSplitConfig.Fields.Url)] public string? Url { get; init; }

    /// <summary>Only with <see cref="Url"/>: how long the backend may take (default <see cref="TrafficSplitRules.DefaultBackendTimeoutMs"/>).</summary>
    [JsonPropertyName(TrafficSplitConfig.Fields.TimeoutMs)] public int? TimeoutMs { get; init; }

    /// <summary>Only with <see cref="Url"/>: the version label of the backend's answers (default <see cref="TrafficSplitRules.DefaultBackendVersion"/>).</summary>
    [JsonPropertyName(TrafficSplitConfig.Fields.Version)] public string? Version { get; init; }
}

/// <summary>A share of requests (0 to 100 percent) also sent to <see cref="Variant"/>, whose answers are only compared.</summary>
public sealed record ShadowConfig
{
    [JsonPropertyName(TrafficSplitConfig.Fields.ShadowVariant)] public required string Variant { get; init; }

    [JsonPropertyName(TrafficSplitConfig.Fields.ShadowPercent)] public required double Percent { get; init; }
}

/// <summary>The rules a traffic split obeys on both sides: the components check them at synth, the function at init.</summary>
public static partial class TrafficSplitRules
{
    /// <summary>The most variants one split has.</summary>
    public const int MaxVariants = 8;

    /// <summary>The variants' weights, in whole percent, add up to this.</summary>
    public const int TotalWeight = 100;

    public const int DefaultBackendTimeoutMs = 10_000;

    public const string DefaultBackendVersion = "legacy";

    public const string VariantNameRules = "1 to 32 characters of a-z, 0-9 and '-', starting with a letter or digit";

    /// <summary>A variant name, which is also a metric dimension value and the <c>X-Model-Variant</c> header's value.</summary>
    public static bool IsVariantName(string? name) => name is not null && VariantName().IsMatch(name);

    /// <summary>A lower-case HTTP header name (an RFC 9110 token) of at most 64 characters.</summary>
    public static bool IsHeaderName(string? header) => header is not null && HeaderName().IsMatch(header);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex VariantName();

    [GeneratedRegex("^[a-z0-9!#$%&'*+.^_`|~-]{1,64}$")]
    private static partial Regex HeaderName();
}
