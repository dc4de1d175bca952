using System.Globalization;
using Infra.Aws.Iam;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// Traffic split by the <c>live</c> alias's routing weights: <c>live</c> keeps the stable version as its primary and sends
/// the step's share to the target (<c>AdditionalVersionWeights</c>); the 100 % step points <c>live</c> at the target with no
/// weights, and a rollback points it back. Works for every caller of the alias (API Gateway, SQS event source mappings),
/// but not with provisioned concurrency on <c>live</c>, which Lambda refuses on a weighted alias.
/// </summary>
internal sealed class AliasWeightsTraffic(Input<string> functionName, Input<string> functionArn, string alias) : IRolloutTraffic
{
    // Lambda authorizes alias calls on the function's ARN; the alias's own ARN is listed too, so the grant holds either
    // way, and both name only this function.
    public IEnumerable<PolicyStatement> Permissions() =>
        [PolicyDocuments.Allow("ShiftLiveAlias", ["lambda:GetAlias", "lambda:UpdateAlias"], [functionArn, Output.Format($"{functionArn}:{alias}")])];

    public string CanaryAlias => alias;

    public bool SplitsWithinAlias => true;

    public bool HasPreparation => false;

    public bool HasFinish => false;

    public IEnumerable<KeyValuePair<string, Dictionary<string, object>>> ReadStable(string entry, string next)
    {
        yield return new(entry, RolloutDefinition.Task("lambda:getAlias", new Dictionary<string, object> { ["FunctionName"] = functionName, ["Name"] = alias }, next,
            new Dictionary<string, object> { ["stable"] = "{% $states.result.FunctionVersion %}" }));
    }

    public IEnumerable<KeyValuePair<string, Dictionary<string, object>>> Prepare(string entry, string next) => [];

    public IEnumerable<KeyValuePair<string, Dictionary<string, object>>> Shift(string entry, int percent, string next)
    {
        var weight = (percent / 100.0).ToString("0.0##", CultureInfo.InvariantCulture);
        yield return new(entry, RolloutDefinition.Shifting(percent == 100
            ? Point("{% $target %}", next)
            : Point("{% $stable %}", next, $"{{% {{ $target: {weight} }} %}}")));
    }

    public IEnumerable<KeyValuePair<string, Dictionary<string, object>>> Finish(string entry, string next) => [];

    public IEnumerable<KeyValuePair<string, Dictionary<string, object>>> Restore(string entry, string next)
    {
        yield return new(entry, Point("{% $stable %}", next));
    }

    /// <summary>UpdateAlias: the primary version, and the target's weight (none: an empty map removes the split).</summary>
    private Dictionary<string, object> Point(string version, string next, string? weights = null) =>
        RolloutDefinition.Task("lambda:updateAlias", new Dictionary<string, object>
        {
            ["FunctionName"] = functionName,
            ["Name"] = alias,
            ["FunctionVersion"] = version,
            ["RoutingConfig"] = new Dictionary<string, object> { ["AdditionalVersionWeights"] = weights is null ? new Dictionary<string, object>() : weights },
        }, next);
}
