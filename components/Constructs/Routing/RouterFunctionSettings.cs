using Inference.Contracts;

namespace Infra.Components;

/// <summary>
/// The shared function's <c>ENSEMBLES</c> and <c>ROUTER</c> variables (functions/README.md documents their format), written
/// from the validated args, so the function and the component agree on one schema.
/// </summary>
internal static class RouterFunctionSettings
{
    public static string? Ensembles(IReadOnlyList<EnsembleArgs> ensembles) => ensembles.Count == 0 ? null : EnsembleConfig.ToJson(
    [
        .. ensembles.Select(e => new EnsembleConfig
        {
            Name = e.Name,
            Combine = e.Combine == EnsembleCombination.Vote ? EnsembleConfig.Vote : EnsembleConfig.Average,
            Members = [.. e.Members.Select(m => new EnsembleMemberConfig { Model = m.Model, Weight = m.Weight, TimeoutMs = (int)m.Timeout.TotalMilliseconds })],
        }),
    ]);

    public static string? Router(string name, IReadOnlyList<RequestRule> rules, string? defaultTarget) =>
        rules.Count == 0 && defaultTarget is null ? null : new RouterConfig
        {
            Name = name,
            Rules = [.. rules.Select(Rule)],
            Default = defaultTarget,
        }.ToJson();

    private static RouterRuleConfig Rule(RequestRule rule) => rule.Match switch
    {
        RequestMatch.ContentType => new RouterRuleConfig { ContentType = rule.Key, Model = rule.Target },
        RequestMatch.Header => new RouterRuleConfig { Header = rule.Key, Value = rule.Value, Model = rule.Target },
        _ => new RouterRuleConfig { Parameter = rule.Key, Value = rule.Value, Model = rule.Target },
    };

    /// <summary>Lambda's limit on all of a function's variables together (names and values).</summary>
    public const int EnvironmentLimitBytes = 4096;

    public static int Size(IEnumerable<KeyValuePair<string, string>> literals) =>
        literals.Sum(v => System.Text.Encoding.UTF8.GetByteCount(v.Key) + System.Text.Encoding.UTF8.GetByteCount(v.Value));

}
