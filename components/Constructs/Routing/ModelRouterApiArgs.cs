using Infra.Core;

namespace Infra.Components;

/// <summary>Where a routed model runs.</summary>
public enum ModelPlacement
{
    /// <summary>
    /// Dedicated when the model is large (at least <see cref="ModelMemorySizing.ComputeBoundModelMb"/>) and no ensemble
    /// or rule needs it in the shared function; shared otherwise.
    /// </summary>
    Auto,

    /// <summary>In the router's multi-model function, with the other shared models, ensembles and rules.</summary>
    Shared,

    /// <summary>In a function of its own, sized for it alone; its routes invoke that function's <c>live</c> alias.</summary>
    Dedicated,
}

/// <summary>One model behind the router: its name (the <c>{name}</c> of <c>/v2/models/{name}/infer</c>), version and size.</summary>
public sealed record RoutedModel
{
    /// <summary>The model's name as the function serves it (its model.json <c>name</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Its version, a metric dimension of the function.</summary>
    public required string Version { get; init; }

    /// <summary>The ONNX file's size (model.json's <c>sizeBytes</c>, e.g. <c>DataSize.FromBytes(sizeBytes)</c>): the default memory follows from it.</summary>
    public required DataSize Size { get; init; }

    public ModelPlacement Placement { get; init; } = ModelPlacement.Auto;

    /// <summary>A dedicated function's memory, whole MiB; null derives it from <see cref="Size"/> (<see cref="ModelMemorySizing"/>).</summary>
    public DataSize? Memory { get; init; }

    /// <summary>Whether the model takes images on <c>/predict</c> (its model.json has <c>preprocessing</c>); otherwise only <c>/infer</c> is routed.</summary>
    public bool Images { get; init; } = true;
}

/// <summary>How an ensemble combines its members' answers (the function's <c>ENSEMBLES</c> <c>combine</c>).</summary>
public enum EnsembleCombination
{
    /// <summary>Weighted voting over the members' top-1 classes; every member must be a classifier.</summary>
    Vote,

    /// <summary>Weighted averaging: embeddings, regression outputs, class scores (soft voting).</summary>
    Average,
}

/// <summary>A member of an ensemble: a shared model, its weight and how long the ensemble waits for its answer.</summary>
public sealed record EnsembleMemberArgs(string Model, double Weight = 1)
{
    /// <summary>How long the ensemble waits for this member's answer, whole milliseconds up to 29 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Several shared models answering one request in parallel, served under the ensemble's own name.</summary>
public sealed record EnsembleArgs
{
    public required string Name { get; init; }

    public EnsembleCombination Combine { get; init; } = EnsembleCombination.Vote;

    public required IReadOnlyList<EnsembleMemberArgs> Members { get; init; }
}

/// <summary>What a request-type rule looks at.</summary>
public enum RequestMatch
{
    /// <summary>The body's media type, e.g. <c>image/*</c> or <c>application/json</c>.</summary>
    ContentType,

    /// <summary>A request header with an exact value.</summary>
    Header,

    /// <summary>An Open Inference Protocol request parameter (<c>{"parameters": {"task": "ocr"}}</c>) with an exact value.</summary>
    Parameter,
}

/// <summary>
/// A request-type rule: a request to the router's own name (<c>/v2/models/{RouterName}/infer|predict</c>) that matches goes
/// to <see cref="Target"/>, a shared model or an ensemble. Rules are tried in order; the first match wins.
/// </summary>
public sealed record RequestRule(RequestMatch Match, string Key, string Target, string? Value = null)
{
    public static RequestRule ContentType(string pattern, string target) => new(RequestMatch.ContentType, pattern, target);

    public static RequestRule Header(string name, string value, string target) => new(RequestMatch.Header, name, target, value);

    public static RequestRule Parameter(string name, string value, string target) => new(RequestMatch.Parameter, name, target, value);
}

public sealed record ModelRouterApiArgs : ApiFrontArgs
{
    /// <summary>The models behind the API; each gets its own <c>/v2/models/{name}</c> routes.</summary>
    public required IReadOnlyList<RoutedModel> Models { get; init; }

    /// <summary>Ensembles of shared models, each served under its own name by the shared function.</summary>
    public IReadOnlyList<EnsembleArgs> Ensembles { get; init; } = [];

    /// <summary>Request-type rules for <c>/v2/models/{RouterName}/...</c>, evaluated by the shared function.</summary>
    public IReadOnlyList<RequestRule> Rules { get; init; } = [];

    /// <summary>Where a request to the router's name goes when no rule matches; null answers 400 <c>no_matching_rule</c>.</summary>
    public string? DefaultTarget { get; init; }

    /// <summary>The model name under which the rules answer.</summary>
    public string RouterName { get; init; } = "auto";

    /// <summary>
    /// What every function shares: code, runtime, timeout, architecture, logs, environment. Leave <c>Memory</c> and
    /// <c>ModelName</c> unset: the router sets them per function.
    /// </summary>
    public required InferenceFunctionArgs Function { get; init; }

    /// <summary>The shared function's memory, whole MiB; null derives it from its models' sizes.</summary>
    public DataSize? SharedMemory { get; init; }
}
