using Infra.Core;

namespace Infra.Components;

/// <summary>
/// What a pattern builds its <see cref="InferenceFunction"/> from: the user's function Args (with the fields the pattern
/// owns set, such as the registry pin or the image) plus what only a pattern decides, which is no public setting of
/// the function: the variables it adds, the registry versions of its traffic-split variants, and whether a rollout
/// moves the <c>live</c> alias. One plan per function replaces a chain of rewrites of the function's Args.
/// </summary>
internal sealed record FunctionPlan
{
    public required InferenceFunctionArgs Args { get; init; }

    /// <summary>Variables the pattern adds to the user's, in order; a pattern's variable replaces the user's of the same name.</summary>
    public IReadOnlyList<KeyValuePair<string, Input<string>>> AddedEnvironment { get; init; } = [];

    /// <summary>
    /// Further registry versions of the function's model it serves beside <see cref="InferenceFunctionArgs.ModelVersion"/>
    /// (traffic-split variants): its role may read their folders too, and no others.
    /// </summary>
    public IReadOnlyList<string> VariantModelVersions { get; init; } = [];

    /// <summary>
    /// A <see cref="GradualRollout"/> moves the <c>live</c> alias: Pulumi creates it at the first version and then leaves its
    /// version and routing to the rollout's state machine (ignoreChanges), so the two never fight; a refresh records what
    /// the state machine set and plans no change.
    /// </summary>
    public bool AliasShiftedByRollout { get; init; }

    public static FunctionPlan Of(InferenceFunctionArgs args) => new() { Args = args ?? throw new ArgumentNullException(nameof(args)) };

    /// <summary>The plan of an API pattern's function: the registry pin, the rollout, the traffic split and the data layer.</summary>
    public static FunctionPlan ForApi(InferenceApiArgs api, InferenceFunctionArgs function, ApiDataLayer data) =>
        Of(RegistryPin.Apply(function, api.ModelName, api.ModelVersion))
            .WithRollout(api.Rollout)
            .WithTrafficSplit(api.TrafficSplit)
            .WithEnvironment(data.Environment);

    public FunctionPlan WithRollout(GradualRolloutArgs? rollout) => rollout is null ? this : this with { AliasShiftedByRollout = true };

    /// <summary><c>TRAFFIC_SPLIT</c> set, and the variants' registry versions readable.</summary>
    public FunctionPlan WithTrafficSplit(TrafficSplitArgs? split) =>
        split is null
            ? this
            : this.WithEnvironment([new(Inference.Contracts.FunctionEnvironment.TrafficSplit, TrafficSplitSettings.Json(split))]) with
            {
                VariantModelVersions = [.. split.Variants.Where(v => v.ModelVersion is not null).Select(v => v.ModelVersion!)],
            };

    public FunctionPlan WithEnvironment(IEnumerable<KeyValuePair<string, Input<string>>> variables) =>
        this with { AddedEnvironment = [.. AddedEnvironment, .. variables] };

    /// <summary>The function's variables: the user's, then the pattern's, a later value replacing an earlier one in place.</summary>
    public IReadOnlyDictionary<string, Input<string>> Environment()
    {
        if (AddedEnvironment.Count == 0)
        {
            return Args.Environment;
        }

        var environment = new Dictionary<string, Input<string>>(Args.Environment);
        foreach (var (key, value) in AddedEnvironment)
        {
            environment[key] = value;
        }

        return environment;
    }
}
