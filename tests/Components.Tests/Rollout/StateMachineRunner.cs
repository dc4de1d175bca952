using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Core.Synthesis;
using Infra.Testing.Node;
using SchemaCheck.Checking;

namespace Components.Tests.Rollout;

/// <summary>
/// Runs a synthesized state machine definition through <c>StateMachineRunner/run.js</c>: the states stepped through as
/// Step Functions does, every JSONata expression evaluated by the JSONata reference implementation (pinned npm package,
/// installed by <c>npm ci</c> at first use), and every SDK call answered from the given responses.
/// </summary>
internal static class StateMachineRunner
{
    private static readonly Lazy<NodeProject> Project = new(() =>
    {
        var project = new NodeProject(Path.Combine(TeamStackTests.RepositoryRoot(), "tests", "Components.Tests", "Rollout", "StateMachineRunner"));
        project.EnsureInstalled(TextWriter.Null);
        return project;
    });

    /// <summary>The outcome: the state it ended in, the SDK calls with their evaluated arguments, and the variables.</summary>
    internal sealed record Outcome(string End, IReadOnlyList<(string Api, JsonNode? Arguments)> Calls, JsonObject Variables);

    /// <param name="responses">By SDK API (e.g. <c>ssm:getParameter</c>): its results in call order; the last one repeats.</param>
    public static Outcome Run(OrderedMap definition, IReadOnlyDictionary<string, object[]> responses)
    {
        var project = Project.Value;
        var scenario = new JsonObject
        {
            ["definition"] = Json(definition),
            ["responses"] = JsonSerializer.SerializeToNode(responses),
        };
        var file = Path.Combine(Path.GetTempPath(), $"state-machine-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, scenario.ToJsonString());
        try
        {
            var result = ProcessRunner.Run("node", [Path.Combine(project.Directory, "run.js"), file], project.Directory);
            Assert.True(result.ExitCode == 0, $"run.js failed: {result.StandardError}");
            var outcome = JsonNode.Parse(result.StandardOutput)!.AsObject();
            var calls = outcome["calls"]!.AsArray().Select(c => ((string)c!["api"]!, c["arguments"])).ToList();
            return new Outcome((string)outcome["end"]!, calls, outcome["variables"]!.AsObject());
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The definition as the engine hands it to AWS: the program's <c>$$</c> escapes are single <c>$</c> again.</summary>
    private static JsonNode? Json(object? node) => node switch
    {
        OrderedMap map => new JsonObject(map.Select(e => KeyValuePair.Create(e.Key, Json(e.Value)))),
        List<object?> list => new JsonArray([.. list.Select(Json)]),
        string text => JsonValue.Create(text.Replace("$$", "$", StringComparison.Ordinal)),
        null => null,
        _ => JsonSerializer.SerializeToNode(node),
    };
}
