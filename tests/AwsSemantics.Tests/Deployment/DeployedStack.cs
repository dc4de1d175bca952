using Infra.Testing.Access;
using Infra.Testing.Access.Evaluation;
using Infra.Testing.Programs;

namespace AwsSemantics.Tests.Deployment;

/// <summary>One team stack's program as <c>pulumi up</c> gets it, and its values as deployed (<see cref="Outputs"/>).</summary>
public sealed class DeployedStack
{
    private readonly Lazy<DeployedOutputs> _outputs;

    public DeployedStack(string name, string? variant, IReadOnlyDictionary<string, string> config, string programText, ProgramDocument program)
    {
        Name = name;
        Variant = variant;
        Config = config;
        ProgramText = programText;
        Program = program;
        var region = config.GetValueOrDefault("aws:region")
            ?? throw new InvalidOperationException($"stack '{name}' sets no aws:region in its stack file; the deployed ARNs need one");
        _outputs = new Lazy<DeployedOutputs>(() => new DeployedOutputs(program, new DeploymentTarget(name, ProjectOf(programText), region), config));
    }

    /// <summary>The stack's name (PULUMI_STACK).</summary>
    public string Name { get; }

    /// <summary>What this variant sets beyond the stack file (null: the stack file as it is).</summary>
    public string? Variant { get; }

    /// <summary>The config Pulumi passed (namespaced keys).</summary>
    public IReadOnlyDictionary<string, string> Config { get; }

    public string ProgramText { get; }

    public ProgramDocument Program { get; }

    public DeployedOutputs Outputs => _outputs.Value;

    /// <summary>Who holds which policies in the stack as deployed.</summary>
    public StackPolicies Policies => new(Outputs, ToString());

    public IEnumerable<ResourceEntry> ResourcesOfType(string type) => Program.Resources.Where(r => r.Type == type);

    public override string ToString() => Variant is null ? Name : $"{Name} ({Variant})";

    private static string ProjectOf(string programText) =>
        programText.Split('\n').FirstOrDefault(line => line.StartsWith("name: ", StringComparison.Ordinal))?["name: ".Length..].Trim()
        ?? throw new InvalidOperationException("the program has no 'name:' (project)");
}
