using System.Text.Json;

namespace Infra.Local.Batch;

/// <summary>
/// The batch pipeline on folders: <c>root/input/</c> is the input bucket, <c>root/output/</c> the results bucket (the
/// function writes there through its folder store, LOCAL_OBJECT_ROOT=root) and <c>root/dead-letter/</c> keeps poison
/// inputs under their key, each next to <c>&lt;key&gt;.reason.json</c>.
/// </summary>
public sealed class FolderBatchObjects : IBatchObjects
{
    public const string InputBucketName = "input";
    public const string OutputBucketName = "output";
    public const string ReasonSuffix = ".reason.json";

    public FolderBatchObjects(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(InputFolder);
        Directory.CreateDirectory(OutputFolder);
        Directory.CreateDirectory(DeadLetterFolder);
    }

    public string Root { get; }

    public string InputBucket => InputBucketName;

    public string InputFolder => Path.Combine(Root, InputBucketName);

    public string OutputFolder => Path.Combine(Root, OutputBucketName);

    public string DeadLetterFolder => Path.Combine(Root, "dead-letter");

    /// <summary>The JSON-lines predictions log of local runs without emulators.</summary>
    public string PredictionsLogFile => Path.Combine(Root, "predictions.jsonl");

    /// <summary>
    /// What the function needs to run this pipeline on folders: its folder store at <see cref="Root"/> and the results
    /// bucket's folder, and the predictions log: the given table (in DynamoDB Local, with emulators) or else the
    /// JSON-lines file.
    /// </summary>
    public IReadOnlyDictionary<string, string> FunctionVariables(string? predictionsTable = null)
    {
        var variables = new Dictionary<string, string>
        {
            ["LOCAL_OBJECT_ROOT"] = Root,
            ["RESULTS_BUCKET"] = OutputBucketName,
        };
        if (predictionsTable is null)
        {
            variables["PREDICTIONS_LOG_FILE"] = PredictionsLogFile;
        }
        else
        {
            variables["PREDICTIONS_TABLE"] = predictionsTable;
        }

        return variables;
    }

    public Task<IReadOnlyList<InputObject>> ListInputsAsync(CancellationToken cancellationToken)
    {
        var inputs = new List<InputObject>();
        foreach (var file in new DirectoryInfo(InputFolder).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            // Dot-files are the temporary files of programs still writing (editors, rsync, our own atomic writes).
            if (!file.Name.StartsWith('.'))
            {
                inputs.Add(new InputObject(KeyOf(InputFolder, file.FullName), file.Length, file.LastWriteTimeUtc));
            }
        }

        return Task.FromResult<IReadOnlyList<InputObject>>(inputs);
    }

    public async Task<FunctionRecord?> ReadRecordAsync(string resultKey, CancellationToken cancellationToken)
    {
        var path = PathOf(OutputFolder, resultKey);
        if (!File.Exists(path))
        {
            return null;
        }

        var written = File.GetLastWriteTimeUtc(path);
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null; // removed between the check and the read
        }

        return new FunctionRecord(IsResult(content, path), written, content);
    }

    public Task DeadLetterAsync(string inputKey, string resultKey, byte[] reasonJson, CancellationToken cancellationToken)
    {
        var target = PathOf(DeadLetterFolder, inputKey);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var reason = target + ReasonSuffix;
        var partial = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(reason)}.{Guid.NewGuid():N}.partial");
        File.WriteAllBytes(partial, reasonJson);
        File.Move(partial, reason, overwrite: true);
        var errorRecord = PathOf(OutputFolder, resultKey);
        if (File.Exists(errorRecord))
        {
            File.Delete(errorRecord);
        }

        var input = PathOf(InputFolder, inputKey);
        if (File.Exists(input))
        {
            File.Move(input, target, overwrite: true);
        }

        return Task.CompletedTask;
    }

    private static bool IsResult(byte[] content, string path)
    {
        try
        {
            using var record = JsonDocument.Parse(content);
            return record.RootElement.GetProperty("outcome").GetString() == "result";
        }
        catch (Exception unreadable) when (unreadable is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is not a batch record with an \"outcome\": {unreadable.Message}", unreadable);
        }
    }

    private static string KeyOf(string folder, string path) => Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');

    private static string PathOf(string folder, string key) => Path.Combine([folder, .. key.Split('/')]);
}
