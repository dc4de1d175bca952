using Inference.Contracts;

namespace Infra.Local.Batch;

/// <summary>
/// The batch pipeline on folders: <c>root/input/</c> is the input bucket, <c>root/output/</c> the results bucket (the
/// function writes there through its folder store, LOCAL_OBJECT_ROOT=root) and <c>root/dead-letter/</c> keeps poison
/// inputs under their key, each next to <c>&lt;key&gt;.reason.json</c>. Symbolic links in the input folder are not
/// followed: a link to a folder is not entered (so a link loop cannot repeat the tree) and a link to a file is not read,
/// so nothing outside the input folder is read or moved; each link is listed as an input to refuse.
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
            [FunctionEnvironment.LocalObjectRoot] = Root,
            [FunctionEnvironment.ResultsBucket] = OutputBucketName,
        };
        if (predictionsTable is null)
        {
            variables[FunctionEnvironment.PredictionsLogFile] = PredictionsLogFile;
        }
        else
        {
            variables[FunctionEnvironment.PredictionsTable] = predictionsTable;
        }

        return variables;
    }

    public Task<IReadOnlyList<InputObject>> ListInputsAsync(CancellationToken cancellationToken)
    {
        var inputs = new List<InputObject>();
        var folders = new Stack<DirectoryInfo>([new DirectoryInfo(InputFolder)]);
        while (folders.TryPop(out var folder))
        {
            foreach (var entry in folder.EnumerateFileSystemInfos())
            {
                // Dot-files are the temporary files of programs still writing (editors, rsync, our own atomic writes).
                if (entry.Name.StartsWith('.') && entry is FileInfo)
                {
                    continue;
                }

                if (entry.LinkTarget is { } target)
                {
                    inputs.Add(new InputObject(KeyOf(InputFolder, entry.FullName), 0, entry.LastWriteTimeUtc,
                        $"it is a symbolic link to '{target}', and the folder pipeline follows no links, so that nothing outside {InputFolder} is read or moved: copy the file itself into the folder"));
                }
                else if (entry is DirectoryInfo subfolder)
                {
                    folders.Push(subfolder);
                }
                else
                {
                    inputs.Add(new InputObject(KeyOf(InputFolder, entry.FullName), ((FileInfo)entry).Length, entry.LastWriteTimeUtc));
                }
            }
        }

        return Task.FromResult<IReadOnlyList<InputObject>>(inputs);
    }

    public async Task<FunctionRecord?> ReadRecordAsync(string resultKey, CancellationToken cancellationToken)
    {
        // A key that cannot be a file has no record here (the function's folder store refuses it too).
        if (PathOf(OutputFolder, resultKey) is not { } path || !File.Exists(path))
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
        if (PathOf(OutputFolder, resultKey) is { } errorRecord && File.Exists(errorRecord))
        {
            File.Delete(errorRecord);
        }

        var input = new FileInfo(ListedPath(inputKey));
        if (input.LinkTarget is not null)
        {
            input.Delete(); // the link only: its target may be anywhere, and stays as it is
        }
        else if (input.Exists)
        {
            input.MoveTo(DeadLetters.InputPath(inputKey), overwrite: true);
        }

        return Task.CompletedTask;
    }

    private static string KeyOf(string folder, string path) => Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');

    /// <returns>The file of a key under the folder, or null for a key that cannot be a file (<see cref="ObjectKeyPaths"/>).</returns>
    private static string? PathOf(string folder, string key) => ObjectKeyPaths.Problem(key) is null ? ObjectKeyPaths.Under(folder, key, folder) : null;

    /// <summary>
    /// The entry of an input key this folder's listing made (<see cref="KeyOf"/>) from a name in the input folder. Such a
    /// key may hold a backslash, an ordinary character in a Linux file name, which the pipeline refuses as a key but must
    /// still move out; the entry must resolve inside the input folder.
    /// </summary>
    private string ListedPath(string key)
    {
        var path = Path.GetFullPath(Path.Combine([InputFolder, .. key.Split('/')]));
        return path.StartsWith(InputFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"Input key '{key}' resolves outside input folder {InputFolder}.", nameof(key));
    }
}
