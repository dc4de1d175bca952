using System.Globalization;
using System.Text.Json;
using LambdaEmulator;

namespace Infra.Local.Tuning;

/// <summary>
/// Measures the published function at a number of CPUs: a fresh function process behind the Runtime API emulator,
/// started under <c>taskset</c> so that it and every thread it makes (.NET sizes its thread pool and ONNX Runtime
/// its intra-op threads from the CPUs it may use) run on exactly those CPUs, then warm invocations of one event.
/// </summary>
public sealed class TuneRunner(string executable, IReadOnlyDictionary<string, string> environment, byte[] payload, TextWriter log)
{
    /// <summary>Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ).</summary>
    private const double MillisecondsPerTick = 10;

    public async Task<SizeMeasurement> MeasureAsync(int cpus, int memoryMb, int warmup, int requests, CancellationToken cancellationToken)
    {
        var published = FunctionDefinition.ForPublishedFunction(executable, environment);
        var pinned = published with
        {
            FileName = "taskset",
            Arguments = ["--cpu-list", cpus == 1 ? "0" : $"0-{cpus - 1}", published.FileName, .. published.Arguments],
            MemoryMb = memoryMb,
        };
        await using var emulator = await FunctionEmulator.StartAsync(pinned, cancellationToken: cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < warmup; i++)
        {
            var result = await InvokeAsync(emulator, cancellationToken).ConfigureAwait(false);
            if (i == 0)
            {
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"tune: {cpus} CPU(s): cold start {result.Duration.TotalMilliseconds:0} ms (init {result.InitDuration?.TotalMilliseconds:0} ms)")).ConfigureAwait(false);
            }
        }

        var pid = emulator.ProcessId ?? throw new ServeException("the function process is gone after its warm-up");
        var cpuBefore = CpuTicks(pid);
        var latencies = new List<double>(requests);
        for (var i = 0; i < requests; i++)
        {
            latencies.Add((await InvokeAsync(emulator, cancellationToken).ConfigureAwait(false)).Duration.TotalMilliseconds);
        }

        var cpuMs = (CpuTicks(pid) - cpuBefore) * MillisecondsPerTick;
        var allowed = StatusField(pid, "Cpus_allowed_list");
        var peakRssMb = (int)Math.Ceiling(long.Parse(StatusField(pid, "VmHWM").Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"tune: {cpus} CPU(s): the function process ran on CPUs {allowed}, {cpuMs / requests:0.0} ms of CPU time per request, peak resident memory {peakRssMb} MB")).ConfigureAwait(false);
        return new SizeMeasurement(cpus, latencies, cpuMs / requests, allowed, peakRssMb);
    }

    private async Task<InvocationResult> InvokeAsync(FunctionEmulator emulator, CancellationToken cancellationToken)
    {
        var result = await emulator.InvokeAsync(payload, cancellationToken).ConfigureAwait(false);
        var status = result.Status == InvocationStatus.Succeeded ? StatusCode(result.Payload) : 0;
        if (status != 200)
        {
            throw new ServeException($"an invocation failed ({result.Status}, HTTP status {status}): {Truncate(System.Text.Encoding.UTF8.GetString(result.Payload))}\n{emulator.RecentOutput()}");
        }

        return result;
    }

    /// <summary>utime + stime from /proc/PID/stat (fields 14 and 15, counted after the parenthesised command name).</summary>
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>A field of /proc/PID/status, e.g. <c>VmHWM</c> ("123456 kB").</summary>
    private static string StatusField(int pid, string name) =>
        File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?.Split(':')[1].Trim()
        ?? throw new ServeException($"/proc/{pid}/status has no {name} line");

    private static int StatusCode(byte[] response)
    {
        try
        {
            using var document = JsonDocument.Parse(response);
            return document.RootElement.TryGetProperty("statusCode", out var code) && code.TryGetInt32(out var value) ? value : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
