using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Inference.Configuration;

namespace Inference.Storage;

/// <summary>
/// Fetches a pinned version's model.json (and the files it names besides the model, such as a preprocessing
/// graph) from the model registry and validates it. The ONNX file itself then comes through
/// <see cref="S3ModelFileProvider"/>, which checks it against this model.json's sha256 and size.
/// </summary>
public sealed class RegistryModelSource(IAmazonS3 s3, RegistryModel model, string cacheDirectory)
{
    public async Task<ModelDefinition> FetchDefinitionAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(cacheDirectory, "registry", model.Name, model.Version);
        Directory.CreateDirectory(folder);
        var configPath = Path.Combine(folder, ModelConfigLoader.FileName);
        await DownloadAsync(ModelRegistryLayout.ConfigKey(model.Name, model.Version), configPath, cancellationToken).ConfigureAwait(false);

        // Validate the references first; only then fetch the side files they name (paths are checked to stay in the folder).
        var references = ModelConfigLoader.Load(configPath, sideFilesPresent: false);
        foreach (var side in SideFiles(references.Config))
        {
            await DownloadAsync(ModelRegistryLayout.SideFileKey(model.Name, model.Version, side), Path.Combine(folder, side), cancellationToken)
                .ConfigureAwait(false);
        }

        var definition = ModelConfigLoader.Load(configPath);
        if (definition.Name != model.Name || definition.Version != model.Version)
        {
            throw new ModelConfigException(configPath, "name and version",
                $"\"{definition.Name}\" \"{definition.Version}\"", $"allowed: \"{model.Name}\" \"{model.Version}\", the pinned registry version it was fetched as ({model})");
        }

        return definition;
    }

    /// <summary>The files model.json names besides the ONNX file.</summary>
    public static IEnumerable<string> SideFiles(ModelConfig config)
    {
        if (config.LabelsFile is { } labels)
        {
            yield return labels;
        }

        if (config.Preprocessing?.Graph is { } graph)
        {
            yield return graph;
        }
    }

    private async Task DownloadAsync(string key, string path, CancellationToken cancellationToken)
    {
        var location = new S3ModelLocation(model.Bucket, key, null);
        try
        {
            using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = model.Bucket, Key = key }, cancellationToken)
                .ConfigureAwait(false);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var file = File.Create(path);
            await response.ResponseStream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ModelNotFoundException(
                $"Model '{model.Name}' version '{model.Version}': {location} does not exist ({ex.ErrorCode}); push the version with `model push` or pin one that exists.", ex);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new ModelAccessDeniedException(
                $"Model '{model.Name}' version '{model.Version}': access to {location} is denied ({ex.ErrorCode}); grant the function's role s3:GetObject on {model}*.", ex);
        }
    }
}
