using System.Diagnostics;
using System.Globalization;
using Inference.Caching;
using Inference.Hosting;
using Inference.Service;
using SkiaSharp;

// dotnet run -c Release --project tests/BatchBenchmark -- [ROUNDS] [IMAGES] [INTRA_OP_THREADS]
// Each round times, in rotated order: IMAGES single /predict calls one after another, and one PredictImagesAsync call
// over the same IMAGES for each BATCH_MAX_SIZE below, and the bare session alone at each batch size.
// The table gives each path's median over the rounds; the speed-up compares it with single /predict.
var invariant = CultureInfo.InvariantCulture;
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], invariant) : fallback;
int rounds = Arg(0, 9), imageCount = Arg(1, 32), threads = Arg(2, 1);
int[] batchSizes = [1, 4, 16, 32];

var requests = Enumerable.Range(0, imageCount).Select(i => new InferenceRequest("POST", "/v2/models/ppocr-cls/predict",
    new Dictionary<string, string> { ["Content-Type"] = "image/png" }, TextLine($"Line {i}: the quick brown fox", i % 2 == 1), $"bench-{i}")).ToArray();
var services = batchSizes.ToDictionary(size => size, size => InferenceServiceFactory.Create(new InferenceOptions
{
    ModelDirectory = Path.Combine(AppContext.BaseDirectory, "models"),
    ModelName = "ppocr-cls",
    IntraOpThreads = threads,
    BatchMaxSize = size,
    Cache = new PredictionCacheOptions { MaxEntries = 0 }, // every round predicts afresh
}, TextWriter.Null));
var single = services[batchSizes[0]];

// The batch answers must be the single answers, byte for byte.
foreach (var service in services.Values)
{
    var batched = await service.PredictImagesAsync(requests, default);
    for (var i = 0; i < requests.Length; i++)
    {
        var alone = await single.HandleAsync(requests[i], default);
        if (batched[i].StatusCode != 200 || !batched[i].Body.Span.SequenceEqual(alone.Body.Span))
        {
            throw new InvalidOperationException($"Image {i}: the batch answer differs from the single /predict answer.");
        }
    }
}

var paths = new List<(string Name, Func<Task> Run)> { ("single /predict × " + imageCount, async () =>
{
    foreach (var request in requests)
    {
        await single.HandleAsync(request, default);
    }
}) };
paths.AddRange(batchSizes.Select(size => ($"PredictImagesAsync, BATCH_MAX_SIZE={size}", (Func<Task>)(() => services[size].PredictImagesAsync(requests, default)))));
// The bare session on zero tensors, for the model's own share: IMAGES runs of batch 1 vs IMAGES/size runs of batch size.
var session = (await single.Models.GetAsync("ppocr-cls", default)).Session;
using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
foreach (var size in batchSizes.Where(size => imageCount % size == 0))
{
    paths.Add(($"bare session Run, {imageCount / size} runs of batch {size}", () =>
    {
        using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(new float[size * 3 * 48 * 192], [size, 3, 48, 192]);
        for (var run = 0; run < imageCount / size; run++)
        {
            using var outputs = session.Run(runOptions, ["x"], [input], ["softmax_0.tmp_0"]);
        }

        return Task.CompletedTask;
    }));
}

var times = paths.ToDictionary(p => p.Name, _ => new List<double>());
for (var round = -2; round < rounds; round++) // two warm-up rounds
{
    for (var k = 0; k < paths.Count; k++)
    {
        var (name, run) = paths[(k + Math.Max(round, 0)) % paths.Count];
        var started = Stopwatch.GetTimestamp();
        await run();
        if (round >= 0)
        {
            times[name].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}

var baseline = Median(times[paths[0].Name]);
Console.WriteLine(string.Create(invariant, $"ppocr-cls, {imageCount} PNG text lines (384×96), intra-op threads {threads}, {rounds} rounds, {Environment.ProcessorCount} cores"));
Console.WriteLine("| path | median ms for all images | min–max ms | images/s | speed-up vs single |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var (name, _) in paths)
{
    var median = Median(times[name]);
    Console.WriteLine(string.Create(invariant,
        $"| {name} | {median:0.0} | {times[name].Min():0.0}–{times[name].Max():0.0} | {imageCount * 1000 / median:0} | {baseline / median:0.00}× |"));
}

foreach (var service in services.Values)
{
    service.Dispose();
}

return 0;

static double Median(List<double> sample)
{
    var sorted = sample.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static byte[] TextLine(string text, bool upsideDown)
{
    using var bitmap = new SKBitmap(384, 96);
    using var canvas = new SKCanvas(bitmap);
    canvas.Clear(SKColors.White);
    if (upsideDown)
    {
        canvas.RotateDegrees(180, 192, 48);
    }

    using var font = new SKFont(SKTypeface.Default, 40);
    using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
    canvas.DrawText(text, 8, 62, SKTextAlign.Left, font, paint);
    using var image = SKImage.FromBitmap(bitmap);
    using var data = image.Encode(SKEncodedImageFormat.Png, 90);
    return data.ToArray();
}
