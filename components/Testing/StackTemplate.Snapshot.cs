using System.Runtime.CompilerServices;

namespace Infra.Testing;

/// <summary>Snapshots: the program's YAML compared with a reviewed file in the repository.</summary>
public sealed partial class StackTemplate
{
    /// <summary>
    /// Compares the program, as the YAML <c>synth</c> prints (<see cref="ToYaml"/>), with the snapshot file. A
    /// difference fails with a unified diff (snapshot first, program second) and how to accept it: rerun with
    /// <c>MLSERVING_UPDATE_SNAPSHOTS=1</c>, which rewrites the file, then review and commit it. A missing snapshot is
    /// written; the test then passes, except on CI (<c>CI=true</c>), where it fails so that a new snapshot is never
    /// accepted unreviewed. A relative path is relative to the folder of the calling source file (the test's own
    /// folder), so snapshots live beside the tests whatever the working folder.
    /// </summary>
    public StackTemplate MatchesSnapshot(string path, SnapshotOptions? options = null, [CallerFilePath] string callerFile = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new SnapshotOptions();
        var file = Resolve(path, callerFile);
        var actual = ToYaml();
        var update = options.Update ?? IsSet(SnapshotOptions.UpdateVariable);
        if (!File.Exists(file))
        {
            Write(file, actual);
            return options.ContinuousIntegration ?? IsSet("CI")
                ? throw new StackAssertionException($"snapshot {file}: expected the file, found none; it was written now. " +
                    "On CI (CI=true) a new snapshot fails the test, so that none is accepted unreviewed: run the tests locally and commit the file.")
                : this;
        }

        var expected = File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected == actual)
        {
            return this;
        }

        if (update)
        {
            Write(file, actual);
            return this;
        }

        var diff = LineDiff.Unified(expected, actual, "snapshot " + file, $"program of stack '{Stack.StackName}'", options.MaxHunks);
        throw new StackAssertionException($"snapshot {file}: expected the program to match it, found differences:\n{diff}" +
            $"If the change is intended, rerun the tests with {SnapshotOptions.UpdateVariable}=1 to rewrite the snapshot, and commit it.");
    }

    private static string Resolve(string path, string callerFile)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        // The caller's folder is known when the test was compiled on this machine; a mapped path (/_/...) is not a folder here.
        var callerFolder = Path.GetDirectoryName(callerFile);
        return Path.GetFullPath(path, !string.IsNullOrEmpty(callerFolder) && Directory.Exists(callerFolder) ? callerFolder : Directory.GetCurrentDirectory());
    }

    private static void Write(string file, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
    }

    private static bool IsSet(string variable) => Environment.GetEnvironmentVariable(variable) is "1" or "true" or "True" or "TRUE";
}
