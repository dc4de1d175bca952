using AwsSemantics.Tests.Access;
using AwsSemantics.Tests.Capture;
using AwsSemantics.Tests.Deployment;
using AwsSemantics.Tests.Simulation;
using Infra.Testing.Access.Simulation;
using Infra.Testing.Access;

namespace AwsSemantics.Tests;

/// <summary>
/// Every AWS call a deployed function's own code makes (recorded from the code itself, not listed by hand, so a new
/// SDK call without its permission fails here) is allowed by the function role's policies, the resource's policy and,
/// for SSE-KMS, the key's policy.
/// </summary>
[Collection(DeployedStacksCollection.Name)]
public sealed class FunctionCallTests(DeployedStacks deployed, Xunit.Abstractions.ITestOutputHelper output)
{
    // One run of every function for the whole class (xunit makes an instance per test).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DeployedStacks, Task<IReadOnlyList<(string Stack, string Function, IReadOnlyList<AccessRequest> Requests, IReadOnlyList<CapturedRequest> Captured)>>> Runs = new();

    private Task<IReadOnlyList<(string Stack, string Function, IReadOnlyList<AccessRequest> Requests, IReadOnlyList<CapturedRequest> Captured)>> RunsOf() =>
        Runs.GetValue(deployed, RunAllAsync);

    [Fact]
    public async Task Every_call_of_every_function_is_allowed()
    {
        var runs = await RunsOf();

        Assert.NotEmpty(runs);
        Decisions.AssertAllAllowed([.. runs.SelectMany(r => r.Requests)]);
    }

    [Fact]
    public async Task The_batch_function_writes_its_results_without_encryption_headers()
    {
        // The record writer sends none: the results bucket's default encryption (SSE-KMS with its key) applies, so the
        // bucket policy must let a headerless PutObject through.
        var writes = (await RunsOf()).SelectMany(r => r.Captured).Where(c => c.Method == HttpMethod.Put && c.Uri.AbsolutePath.EndsWith(".json", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(writes);
        Assert.All(writes, w => Assert.Null(w.Header("x-amz-server-side-encryption")));
    }

    [Fact]
    public async Task Every_function_serves_the_events_its_sources_send_and_the_calls_are_listed()
    {
        // FunctionRun fails a run whose event was not served (a retried batch item, a non-2xx answer): its later calls would be missing.
        var runs = await RunsOf();

        Assert.Equal(deployed.Stacks.Sum(s => s.ResourcesOfType("aws:lambda/function:Function").Count()), runs.Count);
        foreach (var (stack, function, _, captured) in runs)
        {
            output.WriteLine($"{stack}/{function}: {(captured.Count == 0 ? "no AWS calls" : string.Join("; ", captured))}");
        }
    }

    private static async Task<IReadOnlyList<(string, string, IReadOnlyList<AccessRequest>, IReadOnlyList<CapturedRequest>)>> RunAllAsync(DeployedStacks deployed)
    {
        var runs = new List<(string, string, IReadOnlyList<AccessRequest>, IReadOnlyList<CapturedRequest>)>();
        foreach (var stack in deployed.Stacks)
        {
            var access = stack.Policies;
            var authorizations = new Authorizations(access);
            var actions = new RequestActions(access.Region, StackPolicies.Account);
            foreach (var function in access.Resources("aws:lambda/function:Function"))
            {
                var captured = (await new FunctionRun(access, function, deployed.Root).RunAsync()).ToList();
                var caller = Caller.Role(access, (string)access.Outputs.Inputs(function)["role"]!);
                var requests = captured.SelectMany(c => authorizations.For($"{stack}/{function} code", caller, actions.Map(c))).ToList();
                runs.Add((stack.ToString(), function, requests, captured));
            }
        }

        return runs;
    }
}
