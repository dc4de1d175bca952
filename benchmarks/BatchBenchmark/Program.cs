using System.Diagnostics;
using System.Globalization;
using Inference.Caching;
using Inference.Service;
using Inference.Imaging;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

// dotnet run -c Release --project benchmarks/BatchBenchmark -- [ROUNDS] [IMAGES] [INTRA_OP_THREADS] [BATCH_MAX_SIZE]
// Each round times, in rotated order: IMAGES single /predict calls one after another, one PredictImagesAsync call over the
// same IMAGES, and the bare session alone on the images' tensors (decoded beforehand) in chunks of 1 and of BATCH_MAX_SIZE.
// Every path uses the same service and so the same session: ONNX Runtime's intra-op threads belong to a session, and
// another session's spinning threads would slow whichever path followed it.
// The table gives each path's median over the rounds; the speed-up compares it with single /predict.
// dotnet run -c Release --project benchmarks/BatchBenchmark -- dynamic ...: dynamic batching of concurrent clients (DynamicBatching.cs).
if (args.Length > 0 && args[0] == "dynamic")
{
    return await BatchBenchmark.DynamicBatching.RunAsync(args[1..], i => TextLine($"Line {i}: the quick brown fox", i % 2 == 1));
}

var invariant = CultureInfo.InvariantCulture;
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], invariant) : fallback;
int rounds = Arg(0, 9), imageCount = Arg(1, 32), threads = Arg(2, 1), batchMaxSize = Arg(3, InferenceOptions.DefaultBatchMaxSize);

var requests = Enumerable.Range(0, imageCount).Select(i => new InferenceRequest("POST", "/v2/models/ppocr-cls/predict",
    new Dictionary<string, string> { ["Content-Type"] = "image/png" }, TextLine($"Line {i}: the quick brown fox", i % 2 == 1), $"bench-{i}")).ToArray();
using var service = await InferenceServiceFactory.CreateAsync(new InferenceOptions
{
    ModelDirectory = Path.Combine(AppContext.BaseDirectory, "models"),
    ModelName = "ppocr-cls",
    IntraOpThreads = threads,
    BatchMaxSize = batchMaxSize,
    Cache = new PredictionCacheOptions { MaxEntries = 0 }, // every round predicts afresh
}, TextWriter.Null);

// The batch answers must be the single answers, byte for byte.
var batched = await service.PredictImagesAsync(requests, default);
for (var i = 0; i < requests.Length; i++)
{
    var alone = await service.HandleAsync(requests[i], default);
    if (batched[i].StatusCode != 200 || !batched[i].Body.Span.SequenceEqual(alone.Body.Span))
    {
        throw new InvalidOperationException($"Image {i}: the batch answer differs from the single /predict answer.");
    }
}

var paths = new List<(string Name, Func<Task> Run)> { ("single /predict × " + imageCount, async () =>
{
    foreach (var request in requests)
    {
        await service.HandleAsync(request, default);
    }
}) };
paths.Add(($"PredictImagesAsync, BATCH_MAX_SIZE={batchMaxSize}", () => service.PredictImagesAsync(requests, default)));
// The bare session on the same images' tensors (decoded and laid out beforehand): IMAGES runs of batch 1 vs chunks of batch size.
var model = await service.Models.GetAsync("ppocr-cls", default);
var preprocessing = model.Definition.Config.Preprocessing!;
var decoder = new ImageDecoder(InferenceOptions.DefaultMaxImagePixels);
var builder = new ImageTensorBuilder(preprocessing);
var pixels = requests.Select(request =>
{
    using var bitmap = decoder.Decode(request.Body, preprocessing.Resize.Width, preprocessing.Resize.Height);
    using var tensor = builder.Build(bitmap);
    return tensor.Value.GetTensorDataAsSpan<float>().ToArray();
}).ToArray();
using var runOptions = new RunOptions();
var bareInputs = new List<OrtValue>();
foreach (var size in new[] { 1, batchMaxSize })
{
    var chunks = pixels.Chunk(size).Select(chunk => OrtValue.CreateTensorValueFromMemory(chunk.SelectMany(p => p).ToArray(), [chunk.Length, 3, 48, 192])).ToArray();
    bareInputs.AddRange(chunks);
    paths.Add(($"bare session Run, chunks of batch {size}", () =>
    {
        foreach (var input in chunks)
        {
            using var outputs = model.Session.Run(runOptions, ["x"], [input], ["softmax_0.tmp_0"]);
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

foreach (var input in bareInputs)
{
    input.Dispose();
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
