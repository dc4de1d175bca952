using System.Text.RegularExpressions;

namespace InferenceFunction.Tests;

/// <summary>
/// The function's code awaits its tasks: init is one async composition root, and a request never blocks a thread-pool
/// thread on another task (the 1-vCPU function starts with one pool worker). The composition root used to block on the
/// registry fetch, the eager model loads and the cache warm-up with <c>.GetAwaiter().GetResult()</c>.
/// </summary>
public sealed partial class SyncOverAsyncTests
{
    [Fact]
    public void No_source_file_under_functions_blocks_on_a_task()
    {
        var functions = Path.Combine(BuiltFunction.RepositoryRoot, "functions");
        var blocking =
            from file in Directory.EnumerateFiles(functions, "*.cs", SearchOption.AllDirectories)
            let relative = Path.GetRelativePath(functions, file)
            where !relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")
            from line in File.ReadLines(file).Select((text, index) => (Text: text, Number: index + 1))
            where Blocking().IsMatch(line.Text)
            select $"functions/{relative.Replace(Path.DirectorySeparatorChar, '/')}:{line.Number}: {line.Text.Trim()}";

        Assert.Empty(blocking);
    }

    /// <summary>Waiting on a task: GetAwaiter().GetResult(), Wait(), WaitAll(...).</summary>
    [GeneratedRegex(@"\.GetAwaiter\(\)\s*\.GetResult\(\)|\.Wait\(\)|Task\.WaitAll\(")]
    private static partial Regex Blocking();
}
