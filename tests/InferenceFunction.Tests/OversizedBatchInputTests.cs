using System.Globalization;
using System.Text;
using System.Text.Json;
using Inference.Service;
using LambdaEmulator;
using TestModels;

namespace InferenceFunction.Tests;

/// <summary>
/// The real function process reading batch inputs through its folder store (LOCAL_OBJECT_ROOT): an input far larger
/// than the body limit is refused from its file length, without being read, so the process's peak resident memory
/// (VmHWM in /proc) does not grow by the input's size; the other input of the batch is predicted as usual.
/// </summary>
public sealed class OversizedBatchInputTests : IDisposable
{
    private const long HugeBytes = 1L << 30; // 1 GiB, sparse: it takes no disk space, but reading it takes 1 GiB of memory

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("oversized-batch-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task A_sparse_input_far_over_the_limit_gets_a_413_record_naming_its_size_and_the_limit_and_the_process_never_holds_it()
    {
        var objects = Path.Combine(_root.FullName, "objects");
        var incoming = Directory.CreateDirectory(Path.Combine(objects, "inputs", "incoming")).FullName;
        using (var huge = File.Create(Path.Combine(incoming, "huge.png")))
        {
            huge.SetLength(HugeBytes);
        }

        await File.WriteAllBytesAsync(Path.Combine(incoming, "line.png"), TextLines.Png("Quick brown fox", upsideDown: false));
        var environment = new Dictionary<string, string>
        {
            ["MODEL_DIR"] = Path.Combine(AppContext.BaseDirectory, "models"),
            ["MODEL_NAME"] = "ppocr-cls",
            ["ORT_INTRA_OP_THREADS"] = "1",
            ["LOCAL_OBJECT_ROOT"] = objects,
            ["RESULTS_BUCKET"] = "results",
            ["BATCH_MODEL_NAME"] = "ppocr-cls",
            ["BATCH_MODEL_VERSION"] = "2.0.0",
        };

        long peakBefore, peakAfter;
        InvocationResult batch;
        await using (var emulator = await FunctionEmulator.StartAsync(FunctionDefinition.ForPublishedFunction(BuiltFunction.AssemblyPath, environment, TimeSpan.FromSeconds(60))))
        {
            var warm = await emulator.InvokeAsync(Encoding.UTF8.GetBytes("""{"warmup": true}"""));
            Assert.True(warm.Status == InvocationStatus.Succeeded, emulator.RecentOutput());
            peakBefore = PeakResidentKilobytes(emulator.ProcessId!.Value);
            batch = await emulator.InvokeAsync(Encoding.UTF8.GetBytes(SqsS3Events.For("inputs", ("m-huge", "incoming/huge.png"), ("m-line", "incoming/line.png"))));
            peakAfter = PeakResidentKilobytes(emulator.ProcessId!.Value);
            Assert.True(batch.Status == InvocationStatus.Succeeded, emulator.RecentOutput());
        }

        // Reading the input would raise the peak by about 1 GiB; refusing it from its length costs next to nothing.
        Assert.True(peakAfter - peakBefore < 64 * 1024, $"peak RSS grew from {peakBefore} kB to {peakAfter} kB during the batch");
        Assert.Empty(JsonDocument.Parse(batch.Payload).RootElement.GetProperty("batchItemFailures").EnumerateArray());
        var records = Path.Combine(objects, "results", "results", "ppocr-cls", "2.0.0", "incoming");
        var refused = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(records, "huge.png.json"))).RootElement;
        Assert.Equal(("error", 413), (refused.GetProperty("outcome").GetString(), refused.GetProperty("status").GetInt32()));
        Assert.Equal("payload_too_large", refused.GetProperty("response").GetProperty("code").GetString());
        var reason = refused.GetProperty("response").GetProperty("error").GetString();
        Assert.Contains($"s3://inputs/incoming/huge.png has {HugeBytes} bytes", reason, StringComparison.Ordinal);
        Assert.Contains($"at most {InferenceOptions.DefaultMaxBodyBytes} (MAX_BODY_BYTES)", reason, StringComparison.Ordinal);
        var predicted = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(records, "line.png.json"))).RootElement;
        Assert.Equal(200, predicted.GetProperty("status").GetInt32());
    }

    /// <summary>The process's peak resident set size (VmHWM), in kB.</summary>
    private static long PeakResidentKilobytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
