using Infra.Components;
using Infra.Configuration;
using Infra.Hosting;

namespace Infra.Sdk;

/// <summary>
/// <c>function-builds</c>: prints the zip function build the stack asks for, its runtime identifier and the function's
/// source root (<see cref="FunctionSource"/>, materialized first in a team's repository), one line such as
/// <c>auto linux-x64 /home/team/repo</c>, for <c>deploy/compile.sh</c> to publish before it runs <c>synth</c>. It reads
/// only those keys; with a bad value it prints nothing, and <c>synth</c> then reports the config error.
/// </summary>
public sealed class FunctionBuildsCommand : IHostCommand
{
    public string Name => "function-builds";

    public string Summary => "print the function build (functionBuild), runtime identifier (architecture) and function source root the stack needs, for deploy/compile.sh";

    public string Usage => "function-builds [--stack NAME]";

    public IReadOnlyCollection<string> Options { get; } = ["stack"];

    public int Run(HostInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var stacks = invocation.Stacks;
        var config = new StackConfig(stacks.ProjectName, stacks.ConfigValuesOf(invocation.CommandLine.Option("stack")));
        var choice = FunctionBuildChoice.Read(config);
        if (config.Problems.Count == 0)
        {
            invocation.Out.WriteLine($"{choice.Requested} {choice.RuntimeIdentifier} {FunctionSource.Resolve(stacks.Layout).RootDirectory}");
        }

        return ExitCodes.Success;
    }
}
