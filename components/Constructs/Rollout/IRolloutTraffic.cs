using Infra.Aws.Iam;

namespace Infra.Components;

/// <summary>
/// How a rollout moves traffic between the stable and the target version: the states that read the stable version,
/// put a share of traffic on the target, finish, and restore. Each method returns its states, the first named
/// <c>entry</c>, the last going to <c>next</c>.
/// </summary>
internal interface IRolloutTraffic
{
    /// <summary>The alias the new version's invocations go through (its metrics' <c>Resource</c> dimension).</summary>
    string CanaryAlias { get; }

    /// <summary>True when that alias also carries the stable version, so the new version's metrics need Lambda's <c>ExecutedVersion</c> dimension.</summary>
    bool SplitsWithinAlias { get; }

    /// <summary>Assigns <c>$stable</c>, the version serving now.</summary>
    IEnumerable<KeyValuePair<string, Dictionary<string, object>>> ReadStable(string entry, string next);

    bool HasPreparation { get; }

    /// <summary>Once before the first step (e.g. warm the target's provisioned concurrency).</summary>
    IEnumerable<KeyValuePair<string, Dictionary<string, object>>> Prepare(string entry, string next);

    /// <summary>Puts <paramref name="percent"/> of the traffic on <c>$target</c> (100: all of it).</summary>
    IEnumerable<KeyValuePair<string, Dictionary<string, object>>> Shift(string entry, int percent, string next);

    bool HasFinish { get; }

    /// <summary>After the last bake passed: make the target the stable version for good.</summary>
    IEnumerable<KeyValuePair<string, Dictionary<string, object>>> Finish(string entry, string next);

    /// <summary>The IAM statements its states need, scoped to exactly the resources they touch.</summary>
    IEnumerable<PolicyStatement> Permissions();

    /// <summary>All traffic back on <c>$stable</c>.</summary>
    IEnumerable<KeyValuePair<string, Dictionary<string, object>>> Restore(string entry, string next);
}
