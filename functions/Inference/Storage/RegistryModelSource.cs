using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Inference.Contracts;

namespace Inference.Storage;

/// <summary>
/// Fetches a pinned version's model.json (and the files it names besides the model, such as a preprocessing
/// graph) from the model registry and validates it. The ONNX file itself then comes through
/// <see cref="S3ModelFileProvider"/>, which checks it against this model.json's sha256 and size.
/// Each file is written under a temporary name and renamed into place only when whole and checked: model.json may have
/// at most <see cref="MaxConfigBytes"/>, and a side file must have the sha256 and size its <c>sideFiles</c> entry records.
/// </summary>
public sealed class RegistryModelSource(IAmazonS3 s3, RegistryModel model, string cacheDirectory)
{
    /// <summary>The most bytes a registry model.json may have; real ones, labels inlined, have a few kB to a few hundred.</summary>
    public const long MaxConfigBytes = 1024 * 1024;

    public async Task<ModelDefinition> FetchDefinitionAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(cacheDirectory, "registry", model.Name, model.Version);
        Directory.CreateDirectory(folder);
        var configPath = Path.Combine(folder, ModelConfigLoader.FileName);
        var configKey = ModelRegistryLayout.ConfigKey(model.Name, model.Version);
        await DownloadAsync(configKey, configPath, MaxConfigBytes, null, cancellationToken).ConfigureAwait(false);

        // Validate the references first; only then fetch the side files they name (paths are checked to stay in the folder).
        var references = ModelConfigLoader.Load(configPath, sideFilesPresent: false);
        foreach (var side in SideFiles(references.Config))
        {
            var digest = references.Config.SideFiles?.GetValueOrDefault(side) ?? throw new ModelConfigException(configPath, "sideFiles",
                $"no entry for \"{side}\"", $"allowed: an entry with the sha256 and sizeBytes of every file model.json names besides the model, so the function can check it; push the version again with the current `model push`, which records them");
            await DownloadAsync(ModelRegistryLayout.SideFileKey(model.Name, model.Version, side), Path.Combine(folder, side), digest.SizeBytes, digest, cancellationToken)
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

    /// <param name="cap">The most bytes the object may have; the download stops at the byte after it.</param>
    /// <param name="expected">The side file's recorded digest; null for model.json, which has none.</param>
    private async Task DownloadAsync(string key, string path, long cap, SideFileDigest? expected, CancellationToken cancellationToken)
    {
        var location = new S3ModelLocation(model.Bucket, key, null);
        var what = expected is null ? $"{cap} bytes, the most a {ModelConfigLoader.FileName} may have" : $"the sizeBytes {cap} that model.json's sideFiles declares";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partialPath = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = model.Bucket, Key = key }, cancellationToken)
                .ConfigureAwait(false);
            if (response.ContentLength > cap)
            {
                throw Refused($"{location} exceeds {what}: S3 announces {response.ContentLength} bytes, so it was not downloaded.");
            }

            long length;
            string sha256;
            await using (var file = new FileStream(partialPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: true))
            {
                (length, sha256) = await CappedDownload.CopyAsync(response.ResponseStream, chunk => file.WriteAsync(chunk, cancellationToken).AsTask(), cap,
                    received => Refused($"{location} exceeds {what}: the download stopped after {received} bytes and nothing of it was kept."), cancellationToken)
                    .ConfigureAwait(false);
            }

            if (expected is not null && (length != expected.SizeBytes || sha256 != expected.Sha256))
            {
                throw Refused($"{location} has sha256 {sha256} and {length} bytes, but model.json's sideFiles declares {expected.Sha256} and {expected.SizeBytes} bytes; it was not kept.");
            }

            File.Move(partialPath, path, overwrite: true);
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
        finally
        {
            File.Delete(partialPath); // a no-op after the rename
        }
    }

    private ModelIntegrityException Refused(string detail) => new($"Model '{model.Name}' version '{model.Version}': {detail}");
}
