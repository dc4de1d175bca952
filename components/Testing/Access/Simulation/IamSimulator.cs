using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Testing.Node;

namespace Infra.Testing.Access.Simulation;

/// <summary>
/// A real IAM policy evaluator: npm <c>@cloud-copilot/iam-simulate</c>, pinned in the kit's iam-simulate/package-lock.json.
/// It is AGPL-3.0-or-later, so the kit does not carry it: the folder next to Infra.Testing.dll (in the test's output)
/// holds only our simulate.mjs and the pins, and <c>npm ci</c> installs the evaluator there at first use. It needs
/// Node.js 20 or later and npm on PATH. Node starts slowly, so requests go in batches: one process evaluates them all.
/// </summary>
public static class IamSimulator
{
    /// <summary>The oldest Node.js major version the evaluator supports.</summary>
    public const int NodeMajorVersion = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly Lazy<string> Ready = new(Install);

    /// <summary>The folder of simulate.mjs and the pins: iam-simulate/ next to the kit's assembly.</summary>
    public static string Directory { get; } = Path.Combine(
        Path.GetDirectoryName(typeof(IamSimulator).Assembly.Location) is { Length: > 0 } folder ? folder : AppContext.BaseDirectory, "iam-simulate");

    public static IReadOnlyList<AccessDecision> Evaluate(IReadOnlyList<AccessRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        var directory = Ready.Value;
        var batch = Path.Combine(Path.GetTempPath(), $"iam-requests-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(batch, new JsonArray([.. requests.Select(Request)]).ToJsonString());
            var run = ProcessRunner.Run("node", [Path.Combine(directory, "simulate.mjs"), batch], directory);
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

    /// <summary>Checks for Node.js and npm, then installs the pinned evaluator (npm ci, once per lock file) and returns its folder.</summary>
    private static string Install()
    {
        if (!File.Exists(Path.Combine(Directory, "simulate.mjs")))
        {
            throw new InvalidOperationException($"the IAM simulator's files are missing from {Directory}: they come with the Infra.Testing package (contentFiles iam-simulate/); is the package referenced by the test project itself?");
        }

        RequireNode();
        using var log = new StringWriter();
        try
        {
            new NodeFolder(Directory).EnsureInstalled(log);
        }
        catch (InvalidOperationException error)
        {
            throw new InvalidOperationException($"installing the IAM simulator failed: {error.Message}\n{log}", error);
        }

        return Directory;
    }

    private static void RequireNode()
    {
        const string Needed = "the IAM access assertion runs the pinned IAM evaluator with Node.js, so it needs Node.js {0} or later and npm on PATH";
        ProcessRunner.Result version;
        try
        {
            version = ProcessRunner.Run("node", ["--version"], Directory);
        }
        catch (InvalidOperationException error)
        {
            throw new InvalidOperationException(string.Format(System.Globalization.CultureInfo.InvariantCulture, Needed, NodeMajorVersion) + $" ({error.Message})", error);
        }

        var text = version.StandardOutput.Trim(); // v20.11.1
        if (version.ExitCode != 0 || !int.TryParse(text.TrimStart('v').Split('.')[0], System.Globalization.CultureInfo.InvariantCulture, out var major) || major < NodeMajorVersion)
        {
            throw new InvalidOperationException(string.Format(System.Globalization.CultureInfo.InvariantCulture, Needed, NodeMajorVersion) + $"; found node '{text}'");
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
