using ServeLoad;
using Xunit.Abstractions;

namespace InferenceServer.Tests;

/// <summary>
/// The load check of the Lambda host's serve run (ServeLoadCheckTests, benchmarks/ServeLoad), against the server
/// process: two warm-up rounds, then 2,000 distinct /predict requests (the cache misses, the model runs each time) at
/// concurrency 1 to 8, all concurrent in one process here. It fails on any answer that is not a 200, an exit, or
/// descriptors or threads that grew by more than a handful (LeakBounds); memory is only reported, as in the CI serve run.
/// </summary>
public sealed class ServerLoadTests(ITestOutputHelper output)
{
    private const int Requests = 2_000;
    private const int MaxConcurrency = 8;

    [Fact]
    public async Task Two_thousand_concurrent_predictions_get_200_and_leave_no_descriptor_or_thread_behind()
    {
        using var server = ServerProcess.Start(("MODEL_NAME", "ppocr-cls"));
        await server.WaitUntilReadyAsync();
        using var driver = new LoadDriver(new Uri(server.Address, "/v2/models/ppocr-cls/predict"), "unused");

        for (var round = 0; round < 2; round++)
        {
            AssertAll200(await driver.SendAsync(Requests / 4, MaxConcurrency), "warm-up");
        }

        var before = ProcessSample.Take(server.Pid, "server");
        for (var concurrency = 1; concurrency <= MaxConcurrency; concurrency++)
        {
            AssertAll200(await driver.SendAsync(Requests / MaxConcurrency, concurrency), $"concurrency {concurrency}");
        }

        // Idle connections of the last step may still be closing; the bound allows for a handful.
        var after = ProcessSample.Take(server.Pid, "server");
        output.WriteLine($"server before: {before}; after: {after}");
        Assert.Empty(LeakBounds.Check([before], [after], checkMemory: false));
        Assert.False(server.HasExited);
    }

    private static void AssertAll200(Outcome[] outcomes, string step)
    {
        var failed = outcomes.Where(o => o.Status != 200).GroupBy(o => o.Status).Select(g => $"{g.Count()} × {g.Key}").ToList();
        Assert.True(failed.Count == 0, $"{step}: {string.Join(", ", failed)} of {outcomes.Length}");
    }
}
