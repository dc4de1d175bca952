using System.Text.Json;
using System.Text.Json.Serialization;

namespace Inference.Contracts;

/// <summary>
/// One entry of the <see cref="FunctionEnvironment.Ensembles"/> document: models answered together and combined. The
/// components write it (<see cref="ToJson"/>); the function reads it field by field (functions/Inference/Ensembles).
/// </summary>
public sealed record EnsembleConfig
{
    /// <summary>The <see cref="Combine"/> values.</summary>
    public const string Vote = "vote";
    public const string Average = "average";

    [JsonPropertyName(Fields.Name)] public required string Name { get; init; }

    [JsonPropertyName(Fields.Combine)] public required string Combine { get; init; }

    [JsonPropertyName(Fields.Members)] public required IReadOnlyList<EnsembleMemberConfig> Members { get; init; }

    /// <summary>The variable's value for these ensembles: a compact JSON array.</summary>
    public static string ToJson(IReadOnlyList<EnsembleConfig> ensembles) =>
        JsonSerializer.Serialize(ensembles, ContractJsonContext.Default.IReadOnlyListEnsembleConfig);

    /// <summary>The JSON field names of an ensemble and of its members.</summary>
    public static class Fields
    {
        public const string Name = "name";
        public const string Combine = "combine";
        public const string Members = "members";

        public const string Model = "model";
        public const string Weight = "weight";
        public const string TimeoutMs = "timeoutMs";
    }
}

/// <summary>One member of an ensemble: a served model, its weight in the combination and how long it may take.</summary>
public sealed record EnsembleMemberConfig
{
    [JsonPropertyName(EnsembleConfig.Fields.Model)] public required string Model { get; init; }

    [JsonPropertyName(EnsembleConfig.Fields.Weight)] public required double Weight { get; init; }

    [JsonPropertyName(EnsembleConfig.Fields.TimeoutMs)] public required int TimeoutMs { get; init; }
}

/// <summary>
/// The <see cref="FunctionEnvironment.Router"/> document: the model name the router answers under, its rules in order,
/// and the target of requests no rule matches. The components write it; the function reads it (functions/Inference/Routing).
/// </summary>
public sealed record RouterConfig
{
    [JsonPropertyName(Fields.Name)] public required string Name { get; init; }

    [JsonPropertyName(Fields.Rules)] public required IReadOnlyList<RouterRuleConfig> Rules { get; init; }

    [JsonPropertyName(Fields.Default)] public string? Default { get; init; }

    /// <summary>The variable's value: compact JSON without the unset fields.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ContractJsonContext.Default.RouterConfig);

    /// <summary>The JSON field names of the router and of its rules.</summary>
    public static class Fields
    {
        public const string Name = "name";
        public const string Rules = "rules";
        public const string Default = "default";

        public const string ContentType = "contentType";
        public const string Header = "header";
        public const string Parameter = "parameter";
        public const string EqualsValue = "equals";
        public const string Model = "model";
    }
}

/// <summary>One rule: exactly one of <see cref="ContentType"/>, <see cref="Header"/> and <see cref="Parameter"/> (the last two with <see cref="Value"/>).</summary>
public sealed record RouterRuleConfig
{
    [JsonPropertyName(RouterConfig.Fields.ContentType)] public string? ContentType { get; init; }

    [JsonPropertyName(RouterConfig.Fields.Header)] public string? Header { get; init; }

    [JsonPropertyName(RouterConfig.Fields.Parameter)] public string? Parameter { get; init; }

    [JsonPropertyName(RouterConfig.Fields.EqualsValue)] public string? Value { get; init; }

    [JsonPropertyName(RouterConfig.Fields.Model)] public required string Model { get; init; }
}
