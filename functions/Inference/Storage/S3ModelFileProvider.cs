using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Inference.Contracts;

namespace Inference.Storage;

/// <summary>
/// Downloads a model's ONNX file from S3 into a local cache once, verifying its size and sha256 against
/// model.json. The file is written under a temporary name and renamed only after verification, so a
/// later start never trusts a half-written or corrupt file. An object larger than model.json's sizeBytes is
/// refused from its announced length, or cut off once it passes sizeBytes, so it cannot fill the disk.
/// </summary>
/// <param name="createPartialFile">Opens the temporary file a download is written to; a seam for tests that fill the disk.</param>
public sealed class S3ModelFileProvider(
    IAmazonS3 s3,
    S3ModelLocation location,
    string cacheDirectory,
    DownloadRetryPolicy retryPolicy,
    Func<TimeSpan, CancellationToken, Task>? delay = null,
    Random? random = null,
    Func<string, Stream>? createPartialFile = null) : IModelFileProvider
{
    private readonly Func<TimeSpan, CancellationToken, Task> _delay = delay ?? Task.Delay;
    private readonly Random _random = random ?? Random.Shared;
    private readonly Func<string, Stream> _createPartialFile = createPartialFile
        ?? (path => new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: true)); // unbuffered: a failed write is not retried by Dispose

    public string Source => "s3";

    /// <summary>How many GetObject calls this provider made.</summary>
    public int Attempts { get; private set; }

    public async Task<string> GetModelFileAsync(ModelDefinition model, CancellationToken cancellationToken)
    {
        var sha256 = model.Config.Sha256 ?? throw new ModelConfigException(model.ConfigPath, "sha256", null,
            $"allowed: 64 lower-case hex digits; it is required when the model file comes from {location}");
        Directory.CreateDirectory(cacheDirectory);
        var finalPath = Path.Combine(cacheDirectory, $"{model.Name}-{sha256}.onnx");
        if (File.Exists(finalPath))
        {
            return finalPath; // only ever renamed into place after verification
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await DownloadVerifiedAsync(model, sha256, finalPath, cancellationToken).ConfigureAwait(false);
                return finalPath;
            }
            catch (Exception ex) when (attempt < retryPolicy.MaxAttempts && IsTransient(ex, cancellationToken))
            {
                await _delay(retryPolicy.DelayBefore(attempt - 1, _random), cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                throw new ModelNotFoundException($"Model '{model.Name}': {location} does not exist ({ex.ErrorCode}).", ex);
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new ModelAccessDeniedException(
                    $"Model '{model.Name}': access to {location} is denied ({ex.ErrorCode}); grant the function's role s3:GetObject" +
                    (location.VersionId is null ? "" : " and s3:GetObjectVersion") + " on it.", ex);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                throw new ModelStorageException(
                    $"Model '{model.Name}': downloading {location} failed {attempt} times; last error: {ex.Message}", ex);
            }
        }
    }

    private async Task DownloadVerifiedAsync(ModelDefinition model, string sha256, string finalPath, CancellationToken cancellationToken)
    {
        Attempts++;
        var request = new GetObjectRequest { BucketName = location.Bucket, Key = location.Key, VersionId = location.VersionId };
        var partialPath = $"{finalPath}.{Guid.NewGuid():N}.partial";
        try
        {
            using var response = await s3.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            var declared = model.Config.SizeBytes;
            if (response.ContentLength > declared)
            {
                // S3 announces the object's length before its body is read: a larger object is refused without a byte of it.
                throw new ModelIntegrityException(
                    $"Model '{model.Name}': {location} exceeds the sizeBytes {declared} that {model.ConfigPath} declares: S3 announces {response.ContentLength} bytes, so it was not downloaded.");
            }

            long written;
            string actualHash;
            await using (var file = _createPartialFile(partialPath))
            {
                (written, actualHash) = await CappedDownload.CopyAsync(response.ResponseStream,
                    chunk => WriteToCacheAsync(model, () => file.WriteAsync(chunk, cancellationToken).AsTask()),
                    declared,
                    received => new ModelIntegrityException(
                        $"Model '{model.Name}': {location} exceeds the sizeBytes {declared} that {model.ConfigPath} declares: the download stopped after {received} bytes and nothing of it was kept."),
                    cancellationToken).ConfigureAwait(false);
                await WriteToCacheAsync(model, () => file.FlushAsync(cancellationToken)).ConfigureAwait(false);
            }

            VerifySize(model, written, response.ContentLength);
            if (actualHash != sha256)
            {
                throw new ModelIntegrityException(
                    $"Model '{model.Name}': {location} has sha256 {actualHash} but {model.ConfigPath} declares {sha256}.");
            }

            File.Move(partialPath, finalPath, overwrite: true);
        }
        finally
        {
            File.Delete(partialPath); // a no-op after the rename
        }
    }

    private void VerifySize(ModelDefinition model, long written, long? contentLength)
    {
        if (contentLength is { } announced && announced != written)
        {
            // The connection ended early: transient, so it is retried.
            throw new IOException($"received {written} of {announced} bytes of {location}");
        }

        if (model.Config.SizeBytes is { } declared && declared != written)
        {
            throw new ModelIntegrityException(
                $"Model '{model.Name}': {location} has {written} bytes but {model.ConfigPath} declares sizeBytes {declared}.");
        }
    }

    /// <summary>
    /// A failed write to the cache (ENOSPC when /tmp is full) is not the network's fault: retrying the download cannot
    /// help, so it is reported at once as a <see cref="ModelCacheWriteException"/> naming the directory.
    /// </summary>
    private async Task WriteToCacheAsync(ModelDefinition model, Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new ModelCacheWriteException(
                $"Model '{model.Name}': writing {location} to the cache directory {cacheDirectory} failed: {ex.Message}. " +
                "If the disk is full, free it or raise the function's ephemeral storage (/tmp holds 512 MB by default).", ex);
        }
    }

    /// <summary>Throttling, server errors, timeouts and broken connections are worth retrying; 4xx answers are not.</summary>
    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        AmazonS3Exception s3 => s3.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
            || (int)s3.StatusCode >= 500
            || s3.ErrorCode is "SlowDown" or "Throttling" or "RequestTimeout",
        AmazonServiceException service => (int)service.StatusCode >= 500,
        HttpRequestException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // an HTTP timeout, not our caller
        _ => false,
    };
}
