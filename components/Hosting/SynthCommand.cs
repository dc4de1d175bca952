using Infra.Core.Synthesis;

namespace Infra.Hosting;

/// <summary>
/// Prints the stack's Pulumi YAML program. This is what <c>Pulumi.yaml</c>'s compiler runs:
/// stdout carries the program and nothing else.
/// </summary>
public sealed class SynthCommand : IHostCommand
{
    public string Name => "synth";

    public string Summary => "print the stack's Pulumi YAML program (what `pulumi up` deploys)";

    public string Usage => "synth [--stack NAME] [--out FILE] [--format yaml|json]";

    public IReadOnlyCollection<string> Options { get; } = ["stack", "out", "format"];

    public int Run(HostInvocation invocation)
    {
        var format = invocation.CommandLine.Option("format") ?? "yaml";
        if (format is not ("yaml" or "json"))
        {
            invocation.Error.WriteLine($"error: --format '{format}' is not supported: use yaml or json");
            return ExitCodes.Usage;
        }

        var (stack, program) = invocation.Stacks.Synthesize(invocation.CommandLine.Option("stack"));
        if (!PolicyGate.Passes(invocation.Policies.Evaluate(stack), invocation.Error))
        {
            return ExitCodes.Failed;
        }

        var text = format == "json" ? JsonProgramWriter.Write(program) : YamlProgramWriter.Write(program);
        var outFile = invocation.CommandLine.Option("out");
        if (outFile is null)
        {
            invocation.Out.Write(text);
        }
        else
        {
            File.WriteAllText(outFile, text);
            invocation.Error.WriteLine($"wrote {stack.Resources.Count} resources of stack '{stack.StackName}' to {outFile}");
        }

        return ExitCodes.Success;
    }
}

public static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;
}
