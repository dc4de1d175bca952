using Infra.Configuration;
using Infra.Core;
using Infra.Preview;
using Infra.Core.Synthesis;

namespace Infra.Hosting;

/// <summary>
/// Decides which stack runs with which config, runs the stack definition and synthesizes the
/// program. Config comes from Pulumi's environment when Pulumi runs us, from the stack file
/// when a person names a stack, and is absent during Pulumi's dependency discovery.
/// </summary>
public sealed class StackLoader(StackDefinition definition, ProjectLayout layout, Func<string, string?> environment, string defaultStack)
{
    public ProjectLayout Layout { get; } = layout;

    /// <summary>The stack used when neither <c>--stack</c> nor Pulumi names one.</summary>
    public string DefaultStack => defaultStack;

    /// <summary>The project's name, as config keys are qualified with it.</summary>
    public string ProjectName => environment("PULUMI_PROJECT") ?? Layout.ProjectName;

    public (Stack Stack, OrderedMap Program) Synthesize(string? requestedStack)
    {
        var loaded = Load(requestedStack);
        return (loaded.Stack, loaded.Program);
    }

    /// <summary>Runs the stack definition and synthesizes it, with the traffic profile from the same config.</summary>
    public LoadedStack Load(string? requestedStack)
    {
        var (stackName, values, discovery) = Resolve(requestedStack);
        var project = ProjectName;
        var config = new StackConfig(project, values, discovery);
        var stack = new Stack(project, stackName);
        var outputs = definition(new StackContext(stack, config, Layout, environment));

        // Every verb reads the traffic keys, so a stack file that sets them still synthesizes.
        var traffic = TrafficProfile.Read(config);

        // Config problems win over anything else: a program built from bad config is never emitted.
        config.ThrowIfInvalid();
        foreach (var (name, value) in outputs ?? new Dictionary<string, object?>())
        {
            stack.Export(name, value);
        }

        return new LoadedStack(stack, ProgramSynthesizer.Synthesize(stack), traffic);
    }

    /// <summary>
    /// The raw config values the stack would run with (local mode resolves config references,
    /// secrets included, from them). Encrypted stack-file entries are in <c>EncryptedKeys</c> only.
    /// </summary>
    public ConfigValues ConfigValuesOf(string? requestedStack) => Resolve(requestedStack).Values;

    private (string Name, ConfigValues Values, bool Discovery) Resolve(string? requestedStack)
    {
        var pulumiStack = environment("PULUMI_STACK");
        var pulumiConfig = environment("PULUMI_CONFIG");
        var name = requestedStack ?? pulumiStack;
        if (name is null)
        {
            return (defaultStack, ConfigValues.Empty, true);
        }

        if (name == pulumiStack && pulumiConfig is not null)
        {
            return (name, ConfigLoader.FromPulumiConfigJson(pulumiConfig), false);
        }

        var file = Layout.StackFile(name);
        return (name, File.Exists(file) ? ConfigLoader.FromStackFile(file) : ConfigValues.Empty, false);
    }
}

/// <summary>A stack after its definition ran: the resource graph, its program and the traffic profile of its config.</summary>
public sealed record LoadedStack(Stack Stack, OrderedMap Program, TrafficProfile Traffic);
