using System.Globalization;

namespace ServeLoad;

/// <summary>
/// The soak: a constant concurrency through serve for a given time, with one table row per interval (requests,
/// errors, latency percentiles, and serve's and the functions' memory, descriptors and threads). Fails like the
/// load check: on any answer that is not a 200, or a broken leak bound between the first and the last interval.
/// </summary>
internal static class SoakRun
{
    public static async Task<int> RunAsync(TimeSpan duration, TimeSpan interval, int concurrency, int port, TextWriter output, TextWriter progress)
    {
        var c = CultureInfo.InvariantCulture;
        using var serve = await ServeProcess.StartAsync(port, progress).ConfigureAwait(false);
        using var driver = new LoadDriver(serve.PredictUrl, serve.ApiKey);
        var (warm, start) = await LoadCheck.WarmUpAsync(driver, serve.Pid, LoadCheck.MaxWarmUpRounds, progress).ConfigureAwait(false);

        await output.WriteLineAsync("| minute | requests | not 200 | p50 | p95 | per second | serve RSS / fds / threads | function RSS / fds / threads (each) | load average |").ConfigureAwait(false);
        await output.WriteLineAsync("|---|---|---|---|---|---|---|---|---|").ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(c, $"| 0 (after warm-up) | {warm.Count} | {warm.Count(o => o.Status != 200)} | {Percentiles.Of(warm, 50):0.0} ms | {Percentiles.Of(warm, 95):0.0} ms | | {Describe(start, "serve")} | {Describe(start, "function")} | {LoadAverage()} |")).ConfigureAwait(false);
        var total = new List<Outcome>(warm);
        var elapsed = TimeSpan.Zero;
        var last = start;
        while (elapsed < duration)
        {
            using var window = new CancellationTokenSource(interval);
            var outcomes = await driver.SendUntilAsync(concurrency, window.Token).ConfigureAwait(false);
            elapsed += interval;
            total.AddRange(outcomes);
            last = ProcessSample.Tree(serve.Pid);
            await output.WriteLineAsync(string.Create(c,
                $"| {elapsed.TotalMinutes:0.#} | {outcomes.Count} | {outcomes.Count(o => o.Status != 200)} | {Percentiles.Of(outcomes, 50):0.0} ms | {Percentiles.Of(outcomes, 95):0.0} ms | {outcomes.Count / interval.TotalSeconds:0} | {Describe(last, "serve")} | {Describe(last, "function")} | {LoadAverage()} |")).ConfigureAwait(false);
        }

        var failures = LeakBounds.Check(start, last);
        failures.AddRange(total.Where(o => o.Status != 200).GroupBy(o => o.Status).Select(g => string.Create(c, $"{g.Count()} request(s) answered {(g.Key == 0 ? "no response" : $"HTTP {g.Key}")}")));
        var exitCode = await serve.StopAsync().ConfigureAwait(false);
        if (exitCode != 0)
        {
            failures.Add($"serve exited with code {exitCode}");
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(c, $"{total.Count} requests in all, {total.Count(o => o.Status != 200)} not 200, {total.Count(o => o.Status >= 500)} 5xx; p50 {Percentiles.Of(total, 50):0.0} ms, p95 {Percentiles.Of(total, 95):0.0} ms")).ConfigureAwait(false);
        foreach (var failure in failures)
        {
            await output.WriteLineAsync($"FAIL: {failure}").ConfigureAwait(false);
        }

        await output.WriteLineAsync(failures.Count == 0 ? "PASS" : $"{failures.Count} problem(s)").ConfigureAwait(false);
        return failures.Count == 0 ? 0 : 1;
    }

    private static string Describe(IReadOnlyList<ProcessSample> samples, string role) =>
        string.Join("; ", samples.Where(s => s.Role == role).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.RssKb / 1024.0:0.0} MB / {s.FileDescriptors} / {s.Threads}")));

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
