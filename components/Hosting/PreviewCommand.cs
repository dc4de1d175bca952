using Infra.Preview;
using Infra.Core.Synthesis;

namespace Infra.Hosting;

/// <summary>
/// Shows what a deployment of the stack would create and cost, without AWS: the plan by component,
/// the policy findings, the monthly cost estimate for the stack's traffic profile, and optionally a diagram.
/// </summary>
public sealed class PreviewCommand : IHostCommand
{
    public string Name => "preview";

    public string Summary => "print the plan by component, what a fresh account needs first, the policy findings and the monthly cost estimate; --diagram renders the architecture (needs Graphviz)";

    public string Usage => "preview [--stack NAME] [--diagram FILE.svg|FILE.png]";

    public IReadOnlyCollection<string> Options { get; } = ["stack", "diagram"];

    public int Run(HostInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var diagram = invocation.CommandLine.Option("diagram");
        if (invocation.CommandLine.Flag("diagram") && string.IsNullOrEmpty(diagram))
        {
            invocation.Error.WriteLine("error: --diagram needs a file name ending in .svg or .png");
            return ExitCodes.Usage;
        }

        try
        {
            _ = diagram is null ? null : Graphviz.FormatFor(diagram);
        }
        catch (ArgumentException error)
        {
            invocation.Error.WriteLine($"error: {error.Message}");
            return ExitCodes.Usage;
        }

        var loaded = invocation.Stacks.Load(invocation.CommandLine.Option("stack"));
        var graph = new ProgramGraph(loaded.Stack);
        Measurements measurements;
        try
        {
            measurements = Measurements.Load(invocation.Stacks.Layout.RootDirectory, loaded.Stack.StackName);
        }
        catch (InvalidDataException error)
        {
            invocation.Error.WriteLine($"error: {error.Message}");
            return ExitCodes.Failed;
        }

        var output = invocation.Out;
        PlanWriter.Write(StackPlan.Of(graph), output);
        output.WriteLine();
        PrerequisitesWriter.Write(loaded.Stack, output);
        output.WriteLine();
        var policy = invocation.Policies.Evaluate(loaded.Stack);
        PolicyReportWriter.Write(policy, output);
        output.WriteLine();
        CostWriter.Write(new CostEstimator(graph, loaded.Traffic, measurements).Estimate(), output);
        if (measurements.Source is null)
        {
            output.WriteLine();
            output.WriteLine($"No local measurements ({Path.GetRelativePath(invocation.Stacks.Layout.RootDirectory, Measurements.PathFor(invocation.Stacks.Layout.RootDirectory, loaded.Stack.StackName))}): `serve` writes them.");
        }

        if (diagram is not null)
        {
            try
            {
                Graphviz.Render(DiagramWriter.Dot(graph), diagram);
            }
            catch (InvalidOperationException error)
            {
                invocation.Error.WriteLine($"error: {error.Message}");
                return ExitCodes.Failed;
            }

            invocation.Error.WriteLine($"wrote the diagram of stack '{loaded.Stack.StackName}' ({loaded.Stack.Resources.Count} resources) to {diagram}");
        }

        // Everything is printed first; error findings then fail the preview, as they would fail synth.
        if (policy.HasErrors)
        {
            invocation.Error.WriteLine($"error: the stack violates {policy.Errors.Count()} policy rule(s); see Policy above");
            return ExitCodes.Failed;
        }

        return ExitCodes.Success;
    }
}
