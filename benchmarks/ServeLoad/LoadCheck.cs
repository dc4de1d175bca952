using System.Globalization;

namespace ServeLoad;

/// <summary>
/// The load check: after a warm-up, <c>requests</c> /predict requests through serve, in equal steps at concurrency
/// 1 to 8, between two identical reference steps that measure memory. It fails (exit code 1) on any answer that is not a 200, or when serve's process tree broke a leak bound.
/// </summary>
internal static class LoadCheck
{
    public const int MaxConcurrency = 8;

    /// <summary>A warm-up round: this many requests, spread over concurrency 1 to 8.</summary>
    public const int WarmUpRound = 2_000;

    /// <summary>Warm-up ends once no process's resident memory grew by more than this over a round...</summary>
    public const double SteadyGrowth = 0.005;

    /// <summary>...or after this many rounds; a leak then shows in the measured requests.</summary>
    public const int MaxWarmUpRounds = 15;

    /// <param name="checkMemory">Whether memory growth fails the check; the CI run is too short for a steady state, so it only reports it.</param>
    public static async Task<int> RunAsync(int requests, int port, bool checkMemory, TextWriter output, TextWriter progress)
    {
        var c = CultureInfo.InvariantCulture;
        using var serve = await ServeProcess.StartAsync(port, progress).ConfigureAwait(false);
        using var driver = new LoadDriver(serve.PredictUrl, serve.ApiKey);
        var failures = new List<string>();

        var (warm, _) = await WarmUpAsync(driver, serve.Pid, checkMemory ? MaxWarmUpRounds : 2, progress).ConfigureAwait(false);
        CountFailures(warm, "warm-up", failures);
        var before = await ReferenceAsync(driver, serve.Pid, "reference before", failures).ConfigureAwait(false);

        await output.WriteLineAsync("| concurrency | requests | not 200 | 5xx | p50 | p95 | p99 | per second |").ConfigureAwait(false);
        await output.WriteLineAsync("|---|---|---|---|---|---|---|---|").ConfigureAwait(false);
        var all = new List<Outcome>();
        for (var concurrency = 1; concurrency <= MaxConcurrency; concurrency++)
        {
            var started = driver.ElapsedSeconds;
            var step = await driver.SendAsync(requests / MaxConcurrency, concurrency).ConfigureAwait(false);
            var seconds = driver.ElapsedSeconds - started;
            all.AddRange(step);
            await output.WriteLineAsync(string.Create(c,
                $"| {concurrency} | {step.Length} | {step.Count(o => o.Status != 200)} | {step.Count(o => o.Status >= 500)} | {Percentiles.Of(step, 50):0.0} ms | {Percentiles.Of(step, 95):0.0} ms | {Percentiles.Of(step, 99):0.0} ms | {step.Length / seconds:0} |")).ConfigureAwait(false);
        }

        CountFailures(all, "load", failures);
        var after = await ReferenceAsync(driver, serve.Pid, "reference after", failures).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await WriteSamplesAsync(output, before, after).ConfigureAwait(false);
        failures.AddRange(LeakBounds.Check(before, after, checkMemory));

        var exitCode = await serve.StopAsync().ConfigureAwait(false);
        if (exitCode != 0)
        {
            failures.Add($"serve exited with code {exitCode}");
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(c, $"{all.Count} requests after {warm.Count} warm-up ones; memory growth {(checkMemory ? "checked" : "reported only")}; load average {File.ReadAllText("/proc/loadavg").Trim()}")).ConfigureAwait(false);
        foreach (var failure in failures)
        {
            await output.WriteLineAsync($"FAIL: {failure}").ConfigureAwait(false);
        }

        if (failures.Count > 0)
        {
            await progress.WriteLineAsync($"serve's last output:\n{serve.RecentOutput()}").ConfigureAwait(false);
        }

        await output.WriteLineAsync(failures.Count == 0 ? "PASS: no errors, and no process broke a leak bound" : $"{failures.Count} problem(s)").ConfigureAwait(false);
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// Rounds of <see cref="WarmUpRound"/> requests at concurrency 1 to 8 until serve's and every function's resident
    /// memory grew by less than <see cref="SteadyGrowth"/> over the last round (at least two rounds, at most
    /// <paramref name="maxRounds"/>): the runtimes' heaps, JIT code and the functions' prediction caches (1,000
    /// entries each) reach their working size first, so what grows afterwards is growth under steady load.
    /// </summary>
    /// <returns>The warm-up's outcomes and the process tree at its end.</returns>
    public static async Task<(List<Outcome> Outcomes, IReadOnlyList<ProcessSample> Tree)> WarmUpAsync(LoadDriver driver, int servePid, int maxRounds, TextWriter progress)
    {
        var c = CultureInfo.InvariantCulture;
        var outcomes = new List<Outcome>();
        var tree = ProcessSample.Tree(servePid);
        for (var round = 1; round <= maxRounds; round++)
        {
            for (var concurrency = 1; concurrency <= MaxConcurrency; concurrency++)
            {
                outcomes.AddRange(await driver.SendAsync(WarmUpRound / MaxConcurrency, concurrency).ConfigureAwait(false));
            }

            var previous = tree;
            tree = await SettledSampleAsync(servePid).ConfigureAwait(false);
            var growth = tree.Max(now => previous.FirstOrDefault(p => p.Pid == now.Pid) is { } then ? (double)(now.RssKb - then.RssKb) / then.RssKb : 1);
            await progress.WriteLineAsync(string.Create(c, $"warm-up round {round}: {outcomes.Count} requests, largest memory growth over the round {growth:P1}")).ConfigureAwait(false);
            if (round >= 2 && growth < SteadyGrowth)
            {
                break;
            }
        }

        return (outcomes, tree);
    }

    /// <summary>
    /// A reference step, the same before and after the measured load: <see cref="ReferenceRequests"/> requests at
    /// concurrency 8 while the tree is sampled every 250 ms. A garbage-collected process's memory saws up and down
    /// under load (serve's by some 3%), so one sample could land on a peak before and a trough after, or the other
    /// way round; the median over the step does not.
    /// </summary>
    /// <returns>The tree after two quiet seconds (descriptors, threads), with each process's median resident memory during the step.</returns>
    private static async Task<IReadOnlyList<ProcessSample>> ReferenceAsync(LoadDriver driver, int servePid, string phase, List<string> failures)
    {
        var samples = new List<ProcessSample>();
        var step = driver.SendAsync(ReferenceRequests, MaxConcurrency);
        while (!step.IsCompleted)
        {
            samples.AddRange(ProcessSample.Tree(servePid));
            await Task.WhenAny(step, Task.Delay(250)).ConfigureAwait(false);
        }

        CountFailures(await step.ConfigureAwait(false), phase, failures);
        var settled = await SettledSampleAsync(servePid).ConfigureAwait(false);
        return [.. settled.Select(s => s with { RssKb = Median(samples.Where(x => x.Pid == s.Pid).Select(x => x.RssKb).DefaultIfEmpty(s.RssKb)) })];
    }

    /// <summary>Requests of each reference step.</summary>
    public const int ReferenceRequests = 2_500;

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>The process tree after two quiet seconds, so in-flight work and its buffers are done.</summary>
    public static async Task<IReadOnlyList<ProcessSample>> SettledSampleAsync(int servePid)
    {
        await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        return ProcessSample.Tree(servePid);
    }

    private static void CountFailures(IReadOnlyCollection<Outcome> outcomes, string phase, List<string> failures)
    {
        foreach (var group in outcomes.Where(o => o.Status != 200).GroupBy(o => o.Status).OrderBy(g => g.Key))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{phase}: {group.Count()} request(s) answered {(group.Key == 0 ? "no response (connection failed)" : $"HTTP {group.Key}")}"));
        }
    }

    private static async Task WriteSamplesAsync(TextWriter output, IReadOnlyList<ProcessSample> before, IReadOnlyList<ProcessSample> after)
    {
        var c = CultureInfo.InvariantCulture;
        await output.WriteLineAsync("| process | RSS after warm-up (median of the reference step) | RSS at the end (same) | growth | descriptors | threads |").ConfigureAwait(false);
        await output.WriteLineAsync("|---|---|---|---|---|---|").ConfigureAwait(false);
        foreach (var first in before)
        {
            var last = after.FirstOrDefault(s => s.Pid == first.Pid);
            await output.WriteLineAsync(last is null
                ? string.Create(c, $"| {first.Role} {first.Pid} | {first.RssKb / 1024.0:0.0} MB | exited | | {first.FileDescriptors} | {first.Threads} |")
                : string.Create(c, $"| {first.Role} {first.Pid} | {first.RssKb / 1024.0:0.0} MB | {last.RssKb / 1024.0:0.0} MB | {(double)(last.RssKb - first.RssKb) / first.RssKb:+0.0%;-0.0%} | {first.FileDescriptors} → {last.FileDescriptors} | {first.Threads} → {last.Threads} |")).ConfigureAwait(false);
        }

        foreach (var late in after.Where(a => before.All(b => b.Pid != a.Pid)))
        {
            await output.WriteLineAsync(string.Create(c, $"| {late.Role} {late.Pid} (started during the load) | | {late.RssKb / 1024.0:0.0} MB | | {late.FileDescriptors} | {late.Threads} |")).ConfigureAwait(false);
        }
    }
}
