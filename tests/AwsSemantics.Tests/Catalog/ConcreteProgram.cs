using System.Text.Json.Nodes;
using AwsSemantics.Tests.Deployment;

namespace AwsSemantics.Tests.Catalog;

/// <summary>A deployed stack's program with every resource's inputs evaluated (<see cref="Infra.Testing.Access.Evaluation.DeployedOutputs.Inputs"/>), in the program's JSON shape.</summary>
public static class ConcreteProgram
{
    public static JsonObject Of(DeployedStack stack)
    {
        var resources = new JsonObject();
        foreach (var resource in stack.Program.Resources)
        {
            resources[resource.Name] = new JsonObject { ["type"] = resource.Type, ["properties"] = stack.Outputs.Inputs(resource.Name).DeepClone() };
        }

        return new JsonObject { ["resources"] = resources };
    }

    /// <summary>A concrete program's strings are final; one that still holds a reference cannot be known before deployment.</summary>
    public static string? Final(string text) => text.Contains("${", StringComparison.Ordinal) && !text.Contains("${stageVariables.", StringComparison.Ordinal) ? null : text;
}
