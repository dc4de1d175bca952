using Infra.Local.Batch;

namespace Local.Tests;

/// <summary>Runs a pipeline until a condition holds (or fails the test after a time limit), then stops it.</summary>
internal static class PipelineRun
{
    public static async Task UntilAsync(BatchPipeline pipeline, Func<bool> done, TimeSpan limit, Func<string>? describe = null)
    {
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!done())
        {
            if (run.IsCompleted)
            {
                await run; // surfaces the pipeline's own failure
            }

            Assert.True(clock.Elapsed < limit, $"Not done within {limit.TotalSeconds} s. {describe?.Invoke()}");
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    /// <summary>Runs a pipeline for a while, to show what it does (or does not do) meanwhile.</summary>
    public static Task ForAsync(BatchPipeline pipeline, TimeSpan duration)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        return UntilAsync(pipeline, () => clock.Elapsed >= duration, duration + TimeSpan.FromSeconds(10));
    }

    /// <summary>Keys of the files under a folder, relative and with '/' separators; symbolic links are neither listed nor followed.</summary>
    public static string[] Files(string folder) =>
        Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal)]
            : [];
}
