using System.Text.RegularExpressions;
using Inference.Contracts;

namespace InferenceFunction.Objects;

/// <summary>
/// Objects as files for local runs: bucket <c>b</c> is the folder <c>root/b</c> and key <c>k</c> the file <c>root/b/k</c>.
/// Names that could reach outside the root are refused. A put writes a temporary file next to the target and renames
/// it over the target, so a reader (or a crash) never sees half an object and a failed put leaves the previous one.
/// </summary>
public sealed partial class DirectoryObjectStore : IObjectStore
{
    public const string RootVariable = FunctionEnvironment.LocalObjectRoot;

    /// <summary>The suffix of the temporary files a put writes before renaming them over the target.</summary>
    public const string PartialSuffix = ".partial";

    private readonly string _root;

    public DirectoryObjectStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public async Task<StoredObject?> GetAsync(string bucket, string key, string? versionId, long maxBytes, CancellationToken cancellationToken)
    {
        var path = PathOf(bucket, key);
        try
        {
            // The file's length refuses an oversized input before it is read; the bounded read catches a file that grows meanwhile.
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, useAsync: true);
            var body = await BoundedRead.ReadAsync(file, file.Length, maxBytes, size => new ObjectTooLargeException(bucket, key, size, maxBytes), cancellationToken).ConfigureAwait(false);

            // The folder keeps no content type: the handler routes by the key's extension.
            return new StoredObject(body, null);
        }
        catch (Exception missing) when (missing is FileNotFoundException or DirectoryNotFoundException || (missing is UnauthorizedAccessException && Directory.Exists(path)))
        {
            return null;
        }
    }

    public async Task PutAsync(string bucket, string key, byte[] content, string contentType, CancellationToken cancellationToken)
    {
        var path = PathOf(bucket, key);
        var partial = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{PartialSuffix}");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(partial, content, cancellationToken).ConfigureAwait(false);
            File.Move(partial, path, overwrite: true);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }

            throw new IOException($"Could not store s3://{bucket}/{key} as {path}: {failure.Message}", failure);
        }
    }

    public Task<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix, CancellationToken cancellationToken)
    {
        var folder = BucketFolder(bucket);
        IReadOnlyList<string> keys = !Directory.Exists(folder) ? [] : [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(path => !path.EndsWith(PartialSuffix, StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(folder, path).Replace('\\', '/'))
            .Where(key => key.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
        return Task.FromResult(keys);
    }

    /// <summary>The file of an object; throws <see cref="ArgumentException"/> for a name that is not a plain bucket name or relative key.</summary>
    public string PathOf(string bucket, string key) => ObjectKeyPaths.Under(BucketFolder(bucket), key, RootVariable);

    private string BucketFolder(string bucket) => BucketName().IsMatch(bucket)
        ? Path.Combine(_root, bucket)
        : throw new ArgumentException($"Bucket name '{bucket}' is not allowed in {RootVariable}: use 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.", nameof(bucket));

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}
