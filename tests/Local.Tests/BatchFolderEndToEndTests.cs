using System.Text.Json;
using Infra.Local.Batch;
using TestModels;

namespace Local.Tests;

/// <summary>
/// The batch folder flow with the real function: the published InferenceFunction runs as a separate process behind the
/// Lambda Runtime API emulator, reads the dropped files through its folder store, predicts with ppocr-cls, and writes
/// records and the JSON-lines predictions log; the pipeline dead-letters the poison inputs.
/// </summary>
public sealed class BatchFolderEndToEndTests : IDisposable
{
    private readonly TempFolder _root = new("batch-e2e-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Good_inputs_get_one_result_each_poison_inputs_end_in_the_dead_letter_folder_with_reasons_and_every_input_is_logged_once()
    {
        var folders = new FolderBatchObjects(_root.Path);
        var settings = new BatchPipelineSettings
        {
            ModelName = "ppocr-cls", ModelVersion = "2.0.0", InputPrefix = "incoming/", ResultsPrefix = "results/", BatchSize = 10, BatchingWindow = TimeSpan.FromSeconds(1), MaxReceiveCount = 2,
            StableFor = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(100),
        };
        var inputs = new Dictionary<string, byte[]>
        {
            ["incoming/upright-1.png"] = TextLines.Png("Quick brown fox", upsideDown: false),
            ["incoming/upright 2.png"] = TextLines.Png("Lazy dog jumps", upsideDown: false),
            ["incoming/turned/1.png"] = TextLines.Png("Quick brown fox", upsideDown: true),
            ["incoming/turned/2.png"] = TextLines.Png("Lazy dog jumps", upsideDown: true),
            ["incoming/tensor.json"] = System.Text.Encoding.UTF8.GetBytes(TextLines.TensorRequest(1, 3, 48, 192)),
            ["incoming/corrupt.png"] = [0x89, 0x50, 0x4E, 0x47, 9, 9, 9],
            ["incoming/wrong-shape.json"] = System.Text.Encoding.UTF8.GetBytes(TextLines.TensorRequest(1, 3, 64, 192)),
        };
        RealFunctionBatch.Drop(folders, inputs);

        await RealFunctionBatch.RunAsync(folders, settings, folders.FunctionVariables(), expectedFiles: 9);

        Assert.Equal(["results/ppocr-cls/2.0.0/incoming/tensor.json.json", "results/ppocr-cls/2.0.0/incoming/turned/1.png.json", "results/ppocr-cls/2.0.0/incoming/turned/2.png.json",
            "results/ppocr-cls/2.0.0/incoming/upright 2.png.json", "results/ppocr-cls/2.0.0/incoming/upright-1.png.json"], PipelineRun.Files(folders.OutputFolder));
        foreach (var (key, label) in new[] { ("upright-1.png", "0"), ("upright 2.png", "0"), ("turned/1.png", "180"), ("turned/2.png", "180") })
        {
            var record = Json(Path.Combine(folders.OutputFolder, "results", "ppocr-cls", "2.0.0", "incoming", key + ".json"));
            Assert.Equal(("result", 200), (record.GetProperty("outcome").GetString(), record.GetProperty("status").GetInt32()));
            Assert.Equal(label, record.GetProperty("response").GetProperty("predictions")[0].GetProperty("label").GetString());
        }

        Assert.Equal(["incoming/corrupt.png", "incoming/corrupt.png.reason.json", "incoming/wrong-shape.json", "incoming/wrong-shape.json.reason.json"], PipelineRun.Files(folders.DeadLetters.Path));
        Assert.Equal(inputs["incoming/corrupt.png"], await File.ReadAllBytesAsync(Path.Combine(folders.DeadLetters.Path, "incoming", "corrupt.png")));
        var corrupt = Json(Path.Combine(folders.DeadLetters.Path, "incoming", "corrupt.png.reason.json")).GetProperty("error");
        var wrongShape = Json(Path.Combine(folders.DeadLetters.Path, "incoming", "wrong-shape.json.reason.json")).GetProperty("error");
        Assert.Equal(("error_record", 400, "invalid_image"), (corrupt.GetProperty("kind").GetString(), corrupt.GetProperty("status").GetInt32(), corrupt.GetProperty("code").GetString()));
        Assert.Equal(("error_record", 400, "shape_mismatch"), (wrongShape.GetProperty("kind").GetString(), wrongShape.GetProperty("status").GetInt32(), wrongShape.GetProperty("code").GetString()));
        Assert.Contains("64", wrongShape.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(inputs.Keys.Where(k => !k.Contains("corrupt", StringComparison.Ordinal) && !k.Contains("wrong", StringComparison.Ordinal)).Order(StringComparer.Ordinal),
            PipelineRun.Files(folders.InputFolder));

        var logged = File.ReadAllLines(folders.PredictionsLogFile).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();
        Assert.Equal(inputs.Keys.Select(k => $"s3://input/{k}").Order(StringComparer.Ordinal), logged.Select(l => l.GetProperty("inputKey").GetString()).Order(StringComparer.Ordinal));
        Assert.All(logged, l => Assert.Equal("ppocr-cls@2.0.0", l.GetProperty("modelVersion").GetString()));
        Assert.Equal(2, logged.Count(l => l.GetProperty("status").GetInt32() == 400));
    }

    private static JsonElement Json(string path) => JsonDocument.Parse(File.ReadAllBytes(path)).RootElement.Clone();
}
