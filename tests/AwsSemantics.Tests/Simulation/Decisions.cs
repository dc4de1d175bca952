using Infra.Testing.Access.Simulation;

namespace AwsSemantics.Tests.Simulation;

/// <summary>Evaluates a batch and asserts the outcome of each request, listing every one that went the other way.</summary>
public static class Decisions
{
    public static void AssertAllAllowed(IReadOnlyList<AccessRequest> requests) => AssertAll(requests, allowed: true);

    public static void AssertAllDenied(IReadOnlyList<AccessRequest> requests) => AssertAll(requests, allowed: false);

    /// <summary>Evaluates requests expected allowed and requests expected denied in one simulator run.</summary>
    public static void Assert(IReadOnlyList<AccessRequest> allowed, IReadOnlyList<AccessRequest> denied)
    {
        var all = allowed.Concat(denied).ToList();
        var decisions = IamSimulator.Evaluate(all);
        var wrong = all.Zip(decisions).Select((pair, i) => (pair.First, pair.Second, Expected: i < allowed.Count))
            .Where(p => p.Expected ? p.Second.Result != AccessDecision.Allowed : !p.Second.IsDenied)
            .Select(p => $"- expected {(p.Expected ? "Allowed" : "Denied")}, got {p.Second.Result} [{string.Join(", ", p.Second.Deciding)}]: {p.First}")
            .ToList();
        Xunit.Assert.True(wrong.Count == 0, $"{wrong.Count} of {all.Count} requests were decided otherwise:\n{string.Join("\n", wrong)}");
    }

    private static void AssertAll(IReadOnlyList<AccessRequest> requests, bool allowed)
    {
        Xunit.Assert.NotEmpty(requests);
        Assert(allowed ? requests : [], allowed ? [] : requests);
    }
}
