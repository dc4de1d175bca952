namespace Inference.Protocol;

/// <summary>A validated infer request: one tensor per model input, in the model's input order.</summary>
public sealed class InferRequest(string? id, PooledTensor[] inputs, string[] outputNames) : IDisposable
{
    public string? Id { get; } = id;

    /// <summary>One tensor per model input, in <see cref="Sessions.LoadedModel.InputNames"/> order.</summary>
    public IReadOnlyList<PooledTensor> Inputs { get; } = inputs;

    public IReadOnlyList<string> OutputNames { get; } = outputNames;

    public void Dispose()
    {
        foreach (var input in Inputs)
        {
            input.Dispose();
        }
    }
}
