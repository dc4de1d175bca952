using Infra.Local.Batch;
using LambdaEmulator;

namespace Local.Tests;

/// <summary>Runs the batch folder flow with the real built function process on ppocr-cls.</summary>
internal static class RealFunctionBatch
{
    public static void Drop(FolderBatchObjects folders, IReadOnlyDictionary<string, byte[]> inputs)
    {
        foreach (var (key, content) in inputs)
        {
            var path = Path.Combine(folders.InputFolder, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);
        }
    }

    /// <summary>Runs until the output and dead-letter folders hold <paramref name="expectedFiles"/> files together.</summary>
    public static Task RunAsync(FolderBatchObjects folders, BatchPipelineSettings settings, IReadOnlyDictionary<string, string> bindings, int expectedFiles) =>
        RunAsync(folders, settings, bindings, () => PipelineRun.Files(folders.OutputFolder).Length + PipelineRun.Files(folders.DeadLetters.Path).Length == expectedFiles);

    public static async Task RunAsync(IBatchObjects objects, BatchPipelineSettings settings, IReadOnlyDictionary<string, string> bindings, Func<bool> done)
    {
        var environment = new Dictionary<string, string>(bindings)
        {
            ["MODEL_DIR"] = Path.GetDirectoryName(TestStacks.TinyModelDirectory)!,
            ["MODEL_NAME"] = "ppocr-cls",
            ["BATCH_MODEL_NAME"] = settings.ModelName,
            ["BATCH_MODEL_VERSION"] = settings.ModelVersion,
            ["RESULTS_PREFIX"] = settings.ResultsPrefix,
            ["ORT_INTRA_OP_THREADS"] = "1",
        };
        await using var emulator = await FunctionEmulator.StartAsync(FunctionDefinition.ForPublishedFunction(Path.Combine(TestStacks.FunctionDirectory, "InferenceFunction.dll"), environment, TimeSpan.FromSeconds(30)));
        var pipeline = new BatchPipeline(objects, settings, new EmulatedBatchFunction(emulator), TextWriter.Null, "batch");
        await PipelineRun.UntilAsync(pipeline, done, TimeSpan.FromSeconds(60), emulator.RecentOutput);
    }
}
