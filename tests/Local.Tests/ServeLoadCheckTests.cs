using System.Diagnostics;

namespace Local.Tests;

/// <summary>
/// The bounded CI run of the load check (benchmarks/ServeLoad; the full one is 20,000 requests, see docs/reliability.md):
/// real serve with ppocr-cls as a child process, two warm-up rounds of 2,000 requests, then 2,000 requests at
/// concurrency 1 to 8. It fails on any answer that is not a 200, an exited process, or descriptors or threads that
/// grew by more than a handful; memory growth is only reported, as such a short run reaches no steady state.
/// </summary>
public sealed class ServeLoadCheckTests
{
    [Fact]
    public async Task Two_thousand_requests_through_serve_get_200_and_leave_no_descriptor_or_thread_behind()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tool = Path.Combine(TestStacks.RepositoryRoot, "benchmarks", "ServeLoad", "bin", testOutput.Parent!.Name, testOutput.Name, "ServeLoad.dll");
        Assert.True(File.Exists(tool), $"{tool} is missing: Local.Tests references benchmarks/ServeLoad so that it is built first");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { tool, "load", "2000", LocalPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture), "report" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var report = await output;
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}\n{report}\n{await errors}");
        Assert.Contains("| 8 | 250 | 0 | 0 |", report, StringComparison.Ordinal);
        Assert.Contains("PASS", report, StringComparison.Ordinal);
    }
}
