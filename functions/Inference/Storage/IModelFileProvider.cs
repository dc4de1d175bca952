using Inference.Contracts;

namespace Inference.Storage;

/// <summary>Makes a model's ONNX file available on local disk and returns its path.</summary>
public interface IModelFileProvider
{
    /// <summary>Where the file comes from, for logs: "bundled" or "s3".</summary>
    string Source { get; }

    Task<string> GetModelFileAsync(ModelDefinition model, CancellationToken cancellationToken);
}
