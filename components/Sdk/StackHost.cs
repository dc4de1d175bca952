using Infra.Hosting;
using Infra.Local;
using Infra.Local.Tuning;
using Infra.Registry;

namespace Infra.Sdk;

/// <summary>
/// A stack program's one call, like Pulumi's <c>Deployment.RunAsync</c>: <see cref="Deployment.Run"/> with the standard
/// verbs beyond <c>synth</c> and <c>preview</c>: <c>serve</c> (local mode), <c>tune</c> (power tuning), <c>model</c> (the
/// model registry) and <c>function-builds</c> (what <c>deploy/compile.sh</c> publishes). Verbs do their work only when
/// run, so <c>synth</c> stays fast.
/// </summary>
public static class StackHost
{
    /// <summary>Runs the command line <paramref name="args"/> on the stacks <paramref name="definition"/> defines.</summary>
    /// <param name="args">The program's arguments, as Pulumi or a person passes them.</param>
    /// <param name="definition">The team's stacks.</param>
    /// <param name="options">Host settings; its <see cref="DeploymentOptions.Commands"/> come after the standard verbs.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args, StackDefinition definition, DeploymentOptions? options = null)
    {
        options ??= new DeploymentOptions();
        IHostCommand[] standard = [new ServeCommand(), new TuneCommand(), new ModelCommand(), new FunctionBuildsCommand()];
        return Deployment.Run(args, definition, new DeploymentOptions
        {
            DefaultStack = options.DefaultStack,
            Commands = [.. standard, .. options.Commands],
            Out = options.Out,
            Error = options.Error,
            Environment = options.Environment,
            ProjectDirectory = options.ProjectDirectory,
            Policies = options.Policies,
        });
    }
}
