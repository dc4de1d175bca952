using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Inference.Contracts;

namespace Infra.Registry;

/// <summary>A version listed in the registry.</summary>
public sealed record RegistryEntry(string Name, SemanticVersion Version, DateTime? PushedAt);

/// <summary>What <c>model verify</c> found: the digest model.json declares and the digest of the stored object.</summary>
public sealed record VerifyResult(ModelVersionId Id, FileDigest Declared, FileDigest Stored)
{
    public bool Intact => Declared == Stored;
}

/// <summary>
/// The model registry in an S3 bucket (layout: <see cref="ModelRegistryLayout"/>). Versions are immutable: a push
/// never overwrites one. Every object is written with SSE-KMS under the bucket's key.
/// </summary>
public sealed class S3ModelRegistry(IAmazonS3 s3, string bucket, TimeProvider? clock = null)
{
    private const string AnyExistingObject = "*";
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public string Bucket => bucket;

    /// <summary>
    /// Uploads the ONNX file (multipart above the transfer utility's threshold), the files model.json names besides it,
    /// and last the registry's model.json, which records their digests and makes the version visible. Refuses a version that exists.
    /// </summary>
    /// <param name="kmsKeyId">The bucket's KMS key; null reads it from the bucket's default encryption.</param>
    public async Task<ModelConfig> PushAsync(ModelVersionId id, string modelPath, string configPath, string? kmsKeyId, CancellationToken cancellationToken)
    {
        var definition = LoadLocalConfig(id, modelPath, configPath);
        var digest = await FileDigest.OfFileAsync(modelPath, cancellationToken).ConfigureAwait(false);
        CheckDeclaredDigest(definition, modelPath, digest);
        var graph = definition.Config.Preprocessing?.Graph;
        var graphDigest = graph is null ? null : await FileDigest.OfFileAsync(Path.Combine(definition.Directory, graph), cancellationToken).ConfigureAwait(false);
        await RefuseExistingAsync(id, cancellationToken).ConfigureAwait(false);
        var key = kmsKeyId ?? await BucketKeyAsync(cancellationToken).ConfigureAwait(false);

        try
        {
            // If-None-Match: * makes S3 refuse the write when the key exists, which closes the race that the
            // check above leaves open (two pushes of one version at the same time).
            using (var transfer = new TransferUtility(s3))
            {
                await transfer.UploadAsync(new TransferUtilityUploadRequest
                {
                    BucketName = bucket,
                    Key = id.ModelKey,
                    FilePath = modelPath,
                    ContentType = "application/octet-stream",
                    ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                    ServerSideEncryptionKeyManagementServiceKeyId = key,
                    IfNoneMatch = AnyExistingObject,
                }, cancellationToken).ConfigureAwait(false);
            }

            if (graph is not null)
            {
                await PutAsync(ModelRegistryLayout.SideFileKey(id.Name, id.Version.Text, graph), key, cancellationToken,
                    request => request.FilePath = Path.Combine(definition.Directory, graph)).ConfigureAwait(false);
            }

            var registered = RegistryConfig(definition, digest, graph is null ? null : new Dictionary<string, SideFileDigest>
            {
                [graph] = new() { Sha256 = graphDigest!.Sha256, SizeBytes = graphDigest.SizeBytes },
            });
            await PutAsync(id.ConfigKey, key, cancellationToken, request =>
            {
                request.ContentBody = ModelConfigLoader.Serialize(registered);
                request.ContentType = "application/json";
            }).ConfigureAwait(false);
            return registered;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw new RegistryException($"model '{id.Name}' version '{id.Version}' was pushed by someone else meanwhile; versions are immutable, push a new version", ex);
        }
    }

    /// <summary>Every version, or every version of one model, ordered by name and by semantic-version precedence.</summary>
    public async Task<IReadOnlyList<RegistryEntry>> ListAsync(string? name, CancellationToken cancellationToken)
    {
        if (name is not null && !ModelConfigLoader.IsValidName(name))
        {
            throw new RegistryException($"model name '{name}' is invalid: expected {ModelConfigLoader.NameRules}");
        }

        var entries = new List<RegistryEntry>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = name is null ? ModelRegistryLayout.Root : $"{ModelRegistryLayout.Root}{name}/" };
        ListObjectsV2Response response;
        do
        {
            response = await Call(() => s3.ListObjectsV2Async(request, cancellationToken), $"listing s3://{bucket}/{request.Prefix}").ConfigureAwait(false);
            foreach (var item in response.S3Objects ?? [])
            {
                // models/{name}/{version}/model.json: only a version whose model.json exists is complete.
                var parts = item.Key.Split('/');
                if (parts.Length == 4 && parts[3] == ModelConfigLoader.FileName && SemanticVersion.TryParse(parts[2], out var version))
                {
                    entries.Add(new RegistryEntry(parts[1], version, item.LastModified));
                }
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return [.. entries.OrderBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.Version)];
    }

    /// <summary>The version's model.json text, validated.</summary>
    public async Task<(string Json, ModelDefinition Definition)> ShowAsync(ModelVersionId id, CancellationToken cancellationToken)
    {
        string json;
        try
        {
            using var response = await s3.GetObjectAsync(bucket, id.ConfigKey, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(response.ResponseStream);
            json = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw await UnknownVersionAsync(id, ex, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex)
        {
            throw Failed($"reading s3://{bucket}/{id.ConfigKey}", ex);
        }

        try
        {
            return (json, ModelConfigLoader.Parse(json, $"s3://{bucket}/{id.ConfigKey}"));
        }
        catch (ModelConfigException ex)
        {
            throw new RegistryException(ex.Message, ex);
        }
    }

    /// <summary>Re-reads the stored ONNX file and compares its sha256 and size with the version's model.json.</summary>
    public async Task<VerifyResult> VerifyAsync(ModelVersionId id, CancellationToken cancellationToken)
    {
        var (_, definition) = await ShowAsync(id, cancellationToken).ConfigureAwait(false);
        var declared = new FileDigest(definition.Config.Sha256 ?? "", definition.Config.SizeBytes ?? -1);
        try
        {
            using var response = await s3.GetObjectAsync(bucket, id.ModelKey, cancellationToken).ConfigureAwait(false);
            return new VerifyResult(id, declared, await FileDigest.OfAsync(response.ResponseStream, cancellationToken).ConfigureAwait(false));
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new RegistryException($"model '{id.Name}' version '{id.Version}' has a model.json but no s3://{bucket}/{id.ModelKey}", ex);
        }
    }

    private static ModelDefinition LoadLocalConfig(ModelVersionId id, string modelPath, string configPath)
    {
        if (!File.Exists(modelPath))
        {
            throw new RegistryException($"model file '{modelPath}' does not exist");
        }

        if (!File.Exists(configPath))
        {
            throw new RegistryException($"model config '{configPath}' does not exist: pass --config with the model's model.json (by default the model.json next to the model file)");
        }

        ModelDefinition definition;
        try
        {
            definition = ModelConfigLoader.Load(configPath);
        }
        catch (ModelConfigException ex)
        {
            throw new RegistryException(ex.Message, ex);
        }

        if (definition.Name != id.Name || definition.Version != id.Version.Text)
        {
            throw new RegistryException(
                $"{configPath} declares name '{definition.Name}' and version '{definition.Version}', but the push names '{id.Name}' '{id.Version}': make them agree");
        }

        return definition;
    }

    private static void CheckDeclaredDigest(ModelDefinition definition, string modelPath, FileDigest digest)
    {
        if (definition.Config.Sha256 is { } sha256 && sha256 != digest.Sha256)
        {
            throw new RegistryException($"{definition.ConfigPath} declares sha256 {sha256} but '{modelPath}' has sha256 {digest.Sha256}");
        }

        if (definition.Config.SizeBytes is { } size && size != digest.SizeBytes)
        {
            throw new RegistryException($"{definition.ConfigPath} declares sizeBytes {size} but '{modelPath}' has {digest.SizeBytes} bytes");
        }
    }

    /// <summary>
    /// The registry's model.json: the fixed file name, the measured digest, the push time, labels inlined, and the digest of
    /// each side file uploaded with it (the function refuses a side file that does not match).
    /// </summary>
    private ModelConfig RegistryConfig(ModelDefinition definition, FileDigest digest, IReadOnlyDictionary<string, SideFileDigest>? sideFiles) => definition.Config with
    {
        SideFiles = sideFiles,
        File = ModelRegistryLayout.ModelFileName,
        Sha256 = digest.Sha256,
        SizeBytes = digest.SizeBytes,
        CreatedAt = _clock.GetUtcNow(),
        Labels = definition.Labels.Count > 0 ? definition.Labels : null,
        LabelsFile = null,
    };

    private async Task RefuseExistingAsync(ModelVersionId id, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(id.ConfigKey, cancellationToken).ConfigureAwait(false))
        {
            throw new RegistryException(
                $"model '{id.Name}' version '{id.Version}' already exists in s3://{bucket}/{id.Folder}: versions are immutable, so it is not overwritten; push a new version");
        }

        if (await ExistsAsync(id.ModelKey, cancellationToken).ConfigureAwait(false))
        {
            throw new RegistryException(
                $"s3://{bucket}/{id.ModelKey} exists without its model.json: an earlier push of '{id.Name}' '{id.Version}' did not finish; " +
                "it is not overwritten: delete that object (or push a new version)");
        }
    }

    private async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await s3.GetObjectMetadataAsync(bucket, key, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (AmazonS3Exception ex)
        {
            throw Failed($"checking s3://{bucket}/{key}", ex);
        }
    }

    /// <summary>
    /// The key of the bucket's default SSE-KMS encryption. A put that asks for aws:kms without a key id would get the
    /// account's AWS-managed key instead, which the bucket policy of <c>EncryptedBucket</c> refuses.
    /// </summary>
    private async Task<string> BucketKeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);
            var rule = response.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules?
                .Select(r => r.ServerSideEncryptionByDefault)
                .FirstOrDefault(d => d?.ServerSideEncryptionAlgorithm == ServerSideEncryptionMethod.AWSKMS && !string.IsNullOrEmpty(d.ServerSideEncryptionKeyManagementServiceKeyId));
            return rule?.ServerSideEncryptionKeyManagementServiceKeyId
                ?? throw new RegistryException($"bucket '{bucket}' has no default SSE-KMS key: pass --kms-key with the key ARN to encrypt with");
        }
        catch (AmazonS3Exception ex)
        {
            throw new RegistryException($"the default encryption of bucket '{bucket}' cannot be read ({ex.ErrorCode}: {ex.Message}): pass --kms-key with the bucket's key ARN", ex);
        }
    }

    private async Task PutAsync(string key, string kmsKeyId, CancellationToken cancellationToken, Action<PutObjectRequest> content)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId,
            IfNoneMatch = AnyExistingObject,
        };
        content(request);
        await s3.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RegistryException> UnknownVersionAsync(ModelVersionId id, Exception cause, CancellationToken cancellationToken)
    {
        var known = (await ListAsync(id.Name, cancellationToken).ConfigureAwait(false)).Select(e => e.Version.Text).ToList();
        return new RegistryException(known.Count == 0
            ? $"model '{id.Name}' is not in the registry s3://{bucket}/{ModelRegistryLayout.Root}"
            : $"model '{id.Name}' has no version '{id.Version}' in s3://{bucket}/{ModelRegistryLayout.Root}; it has: {string.Join(", ", known)}", cause);
    }

    private async Task<T> Call<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex)
        {
            throw Failed(what, ex);
        }
    }

    private RegistryException Failed(string what, AmazonS3Exception ex) =>
        new(ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode == "NoSuchBucket"
            ? $"bucket '{bucket}' does not exist: check --bucket or the stack's modelBucket config"
            : $"{what} failed: {ex.ErrorCode} ({(int)ex.StatusCode}): {ex.Message}", ex);
}
