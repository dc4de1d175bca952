using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Objects;
using InferenceFunction.Runtime;

namespace InferenceFunction.Jobs;

/// <summary>
/// What one batch job processes: <c>s3://bucket/key</c> (one object), <c>s3://bucket/prefix/</c> (every object under
/// the prefix; the trailing slash says so) or <c>manifest:s3://bucket/key</c> (a text object listing one key of that
/// bucket, or one <c>s3://</c> URI, per line). Keys are taken literally: unlike an S3 notification, nothing is decoded.
/// </summary>
public sealed record BatchJobInput(string Bucket, string Key, BatchJobInput.Kinds Kind)
{
    public enum Kinds
    {
        Object,
        Prefix,
        Manifest,
    }

    private const string ManifestScheme = "manifest:";

    /// <summary>The largest manifest read (its lines are keys, so this is millions of them).</summary>
    public const long MaxManifestBytes = 256L * 1024 * 1024;

    public static BatchJobInput Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var manifest = text.StartsWith(ManifestScheme, StringComparison.Ordinal);
        var (bucket, key) = SplitUri(manifest ? text[ManifestScheme.Length..] : text, text);
        var kind = manifest ? Kinds.Manifest : key.Length == 0 || key.EndsWith('/') ? Kinds.Prefix : Kinds.Object;
        if (manifest && (key.Length == 0 || key.EndsWith('/')))
        {
            throw Invalid(text, "a manifest names one object");
        }

        return new BatchJobInput(bucket, key, kind);
    }

    /// <summary>The objects the job answers for, each once, in the order given (a prefix: in key order).</summary>
    public async Task<IReadOnlyList<S3ObjectReference>> ObjectsAsync(IObjectStore objects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objects);
        IEnumerable<S3ObjectReference> listed = Kind switch
        {
            Kinds.Object => [new S3ObjectReference(Bucket, Key, null, false)],
            Kinds.Prefix => (await objects.ListKeysAsync(Bucket, Key, cancellationToken).ConfigureAwait(false))
                .Select(key => new S3ObjectReference(Bucket, key, null, false)),
            _ => await ManifestAsync(objects, cancellationToken).ConfigureAwait(false),
        };
        return [.. listed.DistinctBy(o => o.LogKey, StringComparer.Ordinal)];
    }

    public override string ToString() => Kind == Kinds.Manifest ? $"{ManifestScheme}s3://{Bucket}/{Key}" : $"s3://{Bucket}/{Key}";

    private async Task<IEnumerable<S3ObjectReference>> ManifestAsync(IObjectStore objects, CancellationToken cancellationToken)
    {
        // A missing manifest is not a permanent answer the job can record for anyone: it fails, and Batch's retries and
        // then the failed-job rule take it to the dead-letter queue.
        var manifest = await objects.GetAsync(Bucket, Key, null, MaxManifestBytes, cancellationToken).ConfigureAwait(false)
            ?? throw new FunctionException("ManifestNotFound", $"The manifest s3://{Bucket}/{Key} does not exist.");
        var lines = System.Text.Encoding.UTF8.GetString(manifest.Body).Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Trim().Length > 0);
        return lines.Select(line =>
        {
            if (!line.StartsWith("s3://", StringComparison.Ordinal))
            {
                return new S3ObjectReference(Bucket, line, null, false);
            }

            var (bucket, key) = SplitUri(line, line);
            return key.Length == 0 || key.EndsWith('/')
                ? throw new FunctionException("InvalidManifest", $"s3://{Bucket}/{Key} lists '{line}', which is not an object.")
                : new S3ObjectReference(bucket, key, null, false);
        }).ToList();
    }

    private static (string Bucket, string Key) SplitUri(string uri, string original)
    {
        if (!uri.StartsWith("s3://", StringComparison.Ordinal))
        {
            throw Invalid(original, "s3://bucket/key, s3://bucket/prefix/ or manifest:s3://bucket/key");
        }

        var rest = uri["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        return bucket.Length == 0 ? throw Invalid(original, "a bucket name after s3://") : (bucket, slash < 0 ? "" : rest[(slash + 1)..]);
    }

    private static FunctionException Invalid(string text, string expected) =>
        new("InvalidBatchJobInput", $"The batch job's input '{text}' is not valid: expected {expected}.");
}
