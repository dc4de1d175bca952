using Infra.Hosting;

namespace Infra.Quantization;

/// <summary>
/// The <c>dynamic-batch</c> verb of the quantize host: a copy of a model whose batch dimension is dynamic, for models
/// exported with a fixed batch of 1 (the bundled ResNet18) that must run batched (the GPU check, dynamic batching).
/// </summary>
public sealed class DynamicBatchCommand : IHostCommand
{
    public string Name => "dynamic-batch";

    public string Summary => "copy of a model (its model.json) whose first input/output dimension is dynamic, so it runs at any batch size";

    public string Usage => "dynamic-batch <model.json> --out DIR";

    public IReadOnlyCollection<string> Options => ["out"];

    public bool TakesArguments => true;

    public int Run(HostInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var line = invocation.CommandLine;
        if (line.Arguments.Count != 1 || line.Option("out") is not { Length: > 0 } output)
        {
            invocation.Error.WriteLine(line.Arguments.Count != 1
                ? $"error: dynamic-batch takes one model.json; got '{string.Join(' ', line.Arguments)}'"
                : "error: dynamic-batch needs --out DIR, a new folder for the rewritten model and its model.json");
            invocation.Error.WriteLine($"usage: {Usage}");
            return ExitCodes.Usage;
        }

        try
        {
            var result = DynamicBatchModel.Write(line.Arguments[0], output);
            foreach (var change in result.Changes)
            {
                invocation.Out.WriteLine($"  {change}");
            }

            invocation.Out.WriteLine($"wrote {result.ModelPath} and {result.ModelConfigPath} ({result.Changes.Count} change(s))");
            return ExitCodes.Success;
        }
        catch (QuantizationException error)
        {
            invocation.Error.WriteLine($"error: {error.Message}");
            return ExitCodes.Failed;
        }
    }
}
