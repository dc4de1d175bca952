using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Infra.Local.Lambda;
using Infra.Local.StackReading;
using LambdaEmulator;

namespace Local.Tests;

/// <summary>Lambda's concurrency model on real function processes (the built function with the small ppocr-cls model).</summary>
public sealed class FunctionPoolTests
{
    private static readonly byte[] Health = Encoding.UTF8.GetBytes("""{"httpMethod":"GET","path":"/v2/health/live","headers":{}}""");

    [Fact]
    public async Task The_first_request_is_a_cold_start_and_the_second_is_warm_on_the_same_instance()
    {
        await using var pool = await StartAsync(new PoolLimits(null, 2, 0, TimeSpan.FromMinutes(5)));

        var first = await pool.InvokeAsync(Health, CancellationToken.None);
        var second = await pool.InvokeAsync(Health, CancellationToken.None);

        Assert.Equal(InvocationOutcome.Answered, first.Outcome);
        Assert.Equal(200, JsonDocument.Parse(first.Payload).RootElement.GetProperty("statusCode").GetInt32());
        Assert.True(first.ColdStart);
        Assert.False(second.ColdStart);
        Assert.Equal("embed#1", first.Instance);
        Assert.Equal(first.Instance, second.Instance);
        Assert.Equal(1, pool.InstanceCount);
        Assert.Equal(2, pool.Measurements.Summarize(DateTimeOffset.UtcNow)!.Invocations);
    }

    [Fact]
    public async Task Two_concurrent_requests_run_on_two_instances_each_a_cold_start()
    {
        await using var pool = await StartAsync(new PoolLimits(null, 2, 0, TimeSpan.FromMinutes(5)));

        var both = await Task.WhenAll(pool.InvokeAsync(Health, CancellationToken.None), pool.InvokeAsync(Health, CancellationToken.None));

        Assert.All(both, invocation => Assert.True(invocation.ColdStart));
        Assert.Equal(["embed#1", "embed#2"], both.Select(i => i.Instance).Order());
        Assert.Equal(2, pool.InstanceCount);
    }

    [Fact]
    public async Task Above_the_reserved_concurrency_Lambda_throttles_and_above_the_machine_limit_requests_wait()
    {
        await using var reserved = await StartAsync(new PoolLimits(1, 4, 0, TimeSpan.FromMinutes(5)));
        await using var machine = await StartAsync(new PoolLimits(null, 1, 0, TimeSpan.FromMinutes(5)));

        var throttled = await Task.WhenAll(reserved.InvokeAsync(Health, CancellationToken.None), reserved.InvokeAsync(Health, CancellationToken.None));
        var waited = await Task.WhenAll(machine.InvokeAsync(Health, CancellationToken.None), machine.InvokeAsync(Health, CancellationToken.None));

        Assert.Equal([InvocationOutcome.Answered, InvocationOutcome.Throttled], throttled.Select(i => i.Outcome).Order());
        Assert.All(waited, invocation => Assert.Equal(InvocationOutcome.Answered, invocation.Outcome));
        Assert.Equal(["embed#1", "embed#1"], waited.Select(i => i.Instance));
        Assert.Equal(1, machine.InstanceCount);
    }

    [Fact]
    public async Task A_provisioned_instance_is_initialized_at_start_so_the_first_request_is_warm()
    {
        var log = new StringWriter();
        await using var pool = await StartAsync(new PoolLimits(null, 2, 1, TimeSpan.FromMinutes(5)), log);

        Assert.Contains("embed#1: provisioned, initialized in", log.ToString(), StringComparison.Ordinal);
        var first = await pool.InvokeAsync(Health, CancellationToken.None);

        Assert.False(first.ColdStart);
        Assert.Equal("embed#1", first.Instance);
    }

    [Fact]
    public async Task An_idle_instance_stops_after_the_idle_timeout_and_the_next_request_is_cold_again()
    {
        var environments = new List<EmulatedEnvironment>();
        var log = new StringWriter();
        await using var pool = await StartAsync(new PoolLimits(null, 2, 0, TimeSpan.FromMilliseconds(400)), log, environments);

        var first = await pool.InvokeAsync(Health, CancellationToken.None);
        var processId = environments.Single().ProcessId!.Value;
        var deadline = Stopwatch.StartNew();
        // The reaper removes the instance, stops its process, then logs it.
        while (!log.ToString().Contains("stopped", StringComparison.Ordinal) && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        Assert.True(first.ColdStart);
        Assert.Equal(0, pool.InstanceCount);
        Assert.Contains("embed#1: stopped after 0.4 s idle", log.ToString(), StringComparison.Ordinal);
        // The kill is a signal: give the process a moment to be gone.
        while (!ProcessHasExited(processId) && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(50);
        }

        Assert.True(ProcessHasExited(processId), $"process {processId} still runs after its instance stopped");
        var next = await pool.InvokeAsync(Health, CancellationToken.None);
        Assert.True(next.ColdStart);
        Assert.Equal("embed#2", next.Instance);
    }

    private static bool ProcessHasExited(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static async Task<FunctionPool> StartAsync(PoolLimits limits, StringWriter? log = null, List<EmulatedEnvironment>? started = null)
    {
        var function = TestStacks.RunningTheBuiltFunction(TestStacks.RestApi()).Apis.Single().Function;
        var pool = new FunctionPool("embed", limits, async cancellationToken =>
        {
            var environment = (EmulatedEnvironment)await EmulatedEnvironment.StartAsync(Definition(function), cancellationToken);
            started?.Add(environment);
            return environment;
        }, TextWriter.Synchronized(log ?? new StringWriter()));
        await pool.StartAsync(CancellationToken.None);
        return pool;
    }

    private static FunctionDefinition Definition(LocalFunction function) =>
        FunctionDefinition.ForPublishedFunction(function.Executable, function.Environment, TimeSpan.FromSeconds(function.TimeoutSeconds));
}
