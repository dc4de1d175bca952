using Infra.Configuration;
using Infra.Core;
using Infra.Policy;

namespace Infra.Hosting;

/// <summary>Settings of the stack host; the defaults suit a team's <c>Program.cs</c>.</summary>
public sealed class DeploymentOptions
{
    /// <summary>The stack used when none is named and Pulumi passes none (dependency discovery).</summary>
    public string DefaultStack { get; init; } = "dev";

    /// <summary>Verbs beyond the built-in <c>synth</c> and <c>preview</c>, such as <c>serve</c>.</summary>
    public IList<IHostCommand> Commands { get; init; } = [];

    public TextWriter? Out { get; init; }

    public TextWriter? Error { get; init; }

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Where to look for <c>Pulumi.yaml</c>; by default the working folder, then the executable's.</summary>
    public string? ProjectDirectory { get; init; }

    /// <summary>The policy rules every synthesized stack must pass; <see cref="PolicyPack.Default"/> unless a team adds its own.</summary>
    public PolicyPack Policies { get; init; } = PolicyPack.Default;
}

/// <summary>
/// The entry point of a team's stack program, like Pulumi's <c>Deployment.RunAsync</c>:
/// <c>return Deployment.Run(args, context => { ...; return outputs; });</c>
/// </summary>
public static class Deployment
{
    public static Task<int> RunAsync(string[] args, StackDefinition definition, DeploymentOptions? options = null) =>
        Task.FromResult(Run(args, definition, options));

    public static int Run(string[] args, StackDefinition definition, DeploymentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(definition);
        options ??= new DeploymentOptions();
        var stdout = options.Out ?? Console.Out;
        var stderr = options.Error ?? Console.Error;
        var commands = new List<IHostCommand> { new SynthCommand(), new PreviewCommand() };
        commands.AddRange(options.Commands);

        var commandLine = CommandLine.Parse(args, "synth");
        var command = commands.FirstOrDefault(c => c.Name == commandLine.Verb);
        if (commandLine.Flag("help") || command is null)
        {
            if (command is null && !commandLine.Flag("help"))
            {
                stderr.WriteLine($"error: unknown command '{commandLine.Verb}'");
            }

            (command is null ? stderr : stdout).Write(Help(commands, command));
            return command is null && !commandLine.Flag("help") ? ExitCodes.Usage : ExitCodes.Success;
        }

        var unknown = commandLine.OptionNames.Where(o => !command.Options.Contains(o)).Select(o => "--" + o)
            .Concat(command.TakesArguments ? [] : commandLine.Arguments).ToList();
        if (unknown.Count > 0)
        {
            stderr.WriteLine($"error: {command.Name} does not accept {string.Join(", ", unknown)}");
            stderr.WriteLine($"usage: {command.Usage}");
            return ExitCodes.Usage;
        }

        try
        {
            var layout = ProjectLayout.Find(
                options.ProjectDirectory ?? options.Environment("PULUMI_ROOT_DIRECTORY"),
                Directory.GetCurrentDirectory(),
                AppContext.BaseDirectory);
            var loader = new StackLoader(definition, layout, options.Environment, options.DefaultStack);
            return command.Run(new HostInvocation(commandLine, loader, stdout, stderr) { Policies = options.Policies });
        }
        catch (ConfigException error)
        {
            return Fail(stderr, "invalid config, no program was emitted", error.Problems);
        }
        catch (SynthesisException error)
        {
            return Fail(stderr, "the program cannot be synthesized", error.Problems);
        }
    }

    private static int Fail(TextWriter stderr, string headline, IEnumerable<string> problems)
    {
        stderr.WriteLine($"error: {headline}:");
        foreach (var problem in problems)
        {
            stderr.WriteLine($"  - {problem}");
        }

        return ExitCodes.Failed;
    }

    private static string Help(IEnumerable<IHostCommand> commands, IHostCommand? selected)
    {
        var text = new StringWriter();
        if (selected is not null)
        {
            text.WriteLine($"usage: {selected.Usage}");
            text.WriteLine($"  {selected.Summary}");
            return text.ToString();
        }

        text.WriteLine("usage: <command> [options]   (no command: synth, as Pulumi's YAML runtime calls it)");
        text.WriteLine();
        foreach (var command in commands)
        {
            text.WriteLine($"  {command.Usage}");
            text.WriteLine($"      {command.Summary}");
        }

        text.WriteLine();
        text.WriteLine("  --stack NAME  the stack; config comes from Pulumi.NAME.yaml, or from Pulumi when it runs the program");
        return text.ToString();
    }
}
