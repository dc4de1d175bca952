using Infra.Testing.Access;
using Infra.Testing.Access.Evaluation;
using Infra.Testing.Programs;
using Infra.Core.Synthesis;

namespace Infra.Testing;

/// <summary>The IAM access assertion on a <see cref="StackTemplate"/>: <c>template.Access().Role(...).Can(...).On(...)</c>.</summary>
public static class StackTemplateAccess
{
    /// <summary>
    /// What the program's roles may do once deployed. The program is evaluated to concrete values first: names and
    /// ARNs as AWS gives them (account 123456789012; <paramref name="region"/>, else the config's <c>aws:region</c>, else
    /// us-east-1), with <paramref name="config"/> for the config keys the program reads (keys with or without the project prefix). Needs Node.js 20 or later and npm on
    /// PATH: the first evaluation installs the pinned IAM evaluator into the test's output folder.
    /// </summary>
    public static ProgramAccess Access(this StackTemplate template, IReadOnlyDictionary<string, string>? config = null, string? region = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        config ??= new Dictionary<string, string>(StringComparer.Ordinal);
        region ??= config.GetValueOrDefault("aws:region") ?? "us-east-1";
        var program = ProgramReader.Read(JsonProgramWriter.Write(template.Program));
        var target = new DeploymentTarget(template.Stack.StackName, template.Stack.ProjectName, region);
        var outputs = new DeployedOutputs(program, target, config);
        return new ProgramAccess(new StackPolicies(outputs, $"{template.Stack.ProjectName}/{template.Stack.StackName}"));
    }
}
