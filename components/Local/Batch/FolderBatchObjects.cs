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

    public FolderBatchObjects(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(InputFolder);
        Directory.CreateDirectory(OutputFolder);
        DeadLetters = new DeadLetterFolder(Path.Combine(Root, "dead-letter"));
    }

    public string Root { get; }

    public string InputBucket => InputBucketName;

    public string InputFolder => Path.Combine(Root, InputBucketName);

    public string OutputFolder => Path.Combine(Root, OutputBucketName);

    public DeadLetterFolder DeadLetters { get; }

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
        try
        {
            return FunctionRecord.Read(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), written, path);
        }
        catch (FileNotFoundException)
        {
            return null; // removed between the check and the read
        }
    }

    public Task DeadLetterAsync(string inputKey, string resultKey, byte[] reasonJson, CancellationToken cancellationToken)
    {
        DeadLetters.WriteReason(inputKey, reasonJson);
        var errorRecord = PathOf(OutputFolder, resultKey);
        if (File.Exists(errorRecord))
        {
            File.Delete(errorRecord);
        }

        var input = PathOf(InputFolder, inputKey);
        if (File.Exists(input))
        {
            File.Move(input, DeadLetters.InputPath(inputKey), overwrite: true);
        }

        return Task.CompletedTask;
    }

    private static string KeyOf(string folder, string path) => Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');

    private static string PathOf(string folder, string key) => Path.Combine([folder, .. key.Split('/')]);
}
