using Infra.Configuration;
using Infra.Core;

namespace Infra.Hosting;

/// <summary>
/// What a stack definition receives: the stack to add resources to, its config, the project layout and the
/// host's environment variables (the process's unless the host was given others).
/// </summary>
public sealed class StackContext(Stack stack, StackConfig config, ProjectLayout layout, Func<string, string?>? environment = null)
{
    public Stack Stack { get; } = stack;

    public StackConfig Config { get; } = config;

    public ProjectLayout Layout { get; } = layout;

    public Func<string, string?> Environment { get; } = environment ?? System.Environment.GetEnvironmentVariable;

    public string StackName => Stack.StackName;

    /// <summary>True during Pulumi's dependency discovery, when no stack or config is given.</summary>
    public bool IsDiscovery => Config.IsDiscovery;
}

/// <summary>
/// A team's stack program: adds components to <see cref="StackContext.Stack"/> and returns the
/// stack outputs, like the function passed to Pulumi's <c>Deployment.RunAsync</c>.
/// </summary>
public delegate IDictionary<string, object?>? StackDefinition(StackContext context);
