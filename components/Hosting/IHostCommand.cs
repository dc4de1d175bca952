namespace Infra.Hosting;

/// <summary>A verb of the stack host (<c>synth</c>, <c>preview</c>; later issues add <c>serve</c>).</summary>
public interface IHostCommand
{
    string Name { get; }

    /// <summary>One line for <c>--help</c>.</summary>
    string Summary { get; }

    /// <summary>Usage text with the options this verb accepts, e.g. <c>synth [--stack NAME] [--out FILE]</c>.</summary>
    string Usage { get; }

    /// <summary>The option names this verb accepts; any other is a usage error.</summary>
    IReadOnlyCollection<string> Options { get; }

    /// <summary>Whether the verb takes positional arguments (sub-verbs, names, files); it then checks them itself.</summary>
    bool TakesArguments => false;

    int Run(HostInvocation invocation);
}

/// <summary>Everything a verb needs: its command line, the stack loader and the output streams.</summary>
public sealed record HostInvocation(CommandLine CommandLine, StackLoader Stacks, TextWriter Out, TextWriter Error)
{
    /// <summary>The policy pack that checks every synthesized stack.</summary>
    public Policy.PolicyPack Policies { get; init; } = Policy.PolicyPack.Default;
}
