using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using SchemaCheck.Checking;

namespace AwsSemantics.Tests.Simulation;

/// <summary>
/// A real IAM policy evaluator: npm <c>@cloud-copilot/iam-simulate</c> (pinned in Simulation/node/package-lock.json,
/// AGPL-3.0-or-later, so test-only: installed by <c>npm ci</c> at first use, never shipped). Node starts slowly, so
/// requests go in batches: one process evaluates a whole test class's calls.
/// </summary>
public static class IamSimulator
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Directory =>
        typeof(IamSimulator).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "AwsSemantics.SimulatorDirectory")?.Value
        ?? throw new InvalidOperationException("the build did not record the simulator's folder");

    public static IReadOnlyList<AccessDecision> Evaluate(IReadOnlyList<AccessRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        using var log = new StringWriter();
        try
        {
            // SchemaCheck's installer: npm ci from the lock file, once per lock (a stamp in node_modules), under a file lock.
            new NodeProject(Directory).EnsureInstalled(log);
        }
        catch (InvalidOperationException error)
        {
            throw new InvalidOperationException($"{error.Message}\n{log}", error);
        }

        var batch = Path.Combine(Path.GetTempPath(), $"iam-requests-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(batch, new JsonArray([.. requests.Select(Request)]).ToJsonString());
            var run = ProcessRunner.Run("node", [Path.Combine(Directory, "simulate.mjs"), batch], Directory);
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"the IAM simulator failed with exit code {run.ExitCode}: {run.StandardError}");
            }

            var decisions = JsonSerializer.Deserialize<List<AccessDecision>>(run.StandardOutput, Json)
                ?? throw new InvalidOperationException("the IAM simulator printed no decisions");
            if (decisions.Count != requests.Count)
            {
                throw new InvalidOperationException($"the IAM simulator answered {decisions.Count} of {requests.Count} requests");
            }

            var errors = requests.Zip(decisions).Where(p => p.Second.Error is not null).Select(p => $"{p.First}: {p.Second.Error}").ToList();
            return errors.Count == 0 ? decisions
                : throw new InvalidOperationException("the IAM simulator refused requests (a wrong action, ARN or condition key?):\n" + string.Join("\n", errors));
        }
        finally
        {
            File.Delete(batch);
        }
    }

    private static JsonObject Request(AccessRequest request) => new()
    {
        ["principal"] = request.Principal,
        ["action"] = request.Action,
        ["resource"] = request.Resource,
        ["resourceAccount"] = request.ResourceAccount,
        ["context"] = JsonSerializer.SerializeToNode(request.Context),
        ["identityPolicies"] = new JsonArray([.. request.IdentityPolicies.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["policy"] = p.Policy.DeepClone() })]),
        ["resourcePolicy"] = request.ResourcePolicy?.DeepClone(),
    };
}
