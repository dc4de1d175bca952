using System.Diagnostics;
using System.Globalization;
using CacheBenchmark;
using Inference.Caching;
using Inference.Protocol;
using SkiaSharp;

// dotnet run -c Release --project benchmarks/CacheBenchmark -- [PREVIOUS_Inference.dll] [ITERATIONS] [WARMUP]
// Without a previous library, the baseline is this build with the cache off. benchmarks/CacheBenchmark/run.sh builds the previous one.
var invariant = CultureInfo.InvariantCulture;
var previousPath = args.Length > 0 && args[0] != "-" ? args[0] : null;
var iterations = args.Length > 1 ? int.Parse(args[1], invariant) : 200;
var warmup = args.Length > 2 ? int.Parse(args[2], invariant) : 20;
var modelDirectory = Path.Combine(AppContext.BaseDirectory, "models");
var current = typeof(JsonBody).Assembly;
var previous = previousPath is null ? null : ReflectedService.LoadPrevious(previousPath);

Console.WriteLine($"/predict, 1 intra-op thread, {iterations} interleaved iterations after {warmup} warm-ups; median (p95) in ms; ratio = median ÷ baseline median");
Console.WriteLine();
Console.WriteLine("| model | variant | median | p95 | ÷ baseline |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var (model, contentType, images) in new[]
{
    ("ppocr-cls", "image/png", Images(i => TestImage.TextLine($"line {i}"), iterations + warmup)),
    ("resnet18", "image/jpeg", Images(i => TestImage.Gradient(224, i), iterations + warmup)),
})
{
    var variants = new List<(string Name, ReflectedService Service, Func<int, byte[]> Image)>();
    if (previous is not null)
    {
        variants.Add(("previous library (no cache)", await ReflectedService.CreateAsync(previous, modelDirectory, model, contentType, null), i => images[i]));
    }

    variants.Add(("cache off (PREDICTION_CACHE_MAX_ENTRIES=0)", await ReflectedService.CreateAsync(current, modelDirectory, model, contentType, 0), i => images[i]));
    variants.Add(("LRU on, every request a miss", await ReflectedService.CreateAsync(current, modelDirectory, model, contentType, 1000), i => images[i]));
    variants.Add(("LRU on, every request a hit", await ReflectedService.CreateAsync(current, modelDirectory, model, contentType, 1000), _ => images[0]));

    var samples = variants.Select(_ => new List<double>()).ToArray();
    var path = $"/v2/models/{model}/predict";
    for (var i = 0; i < warmup + iterations; i++)
    {
        for (var k = 0; k < variants.Count; k++)
        {
            var v = (i + k) % variants.Count; // rotate the order so no variant always runs first
            var started = Stopwatch.GetTimestamp();
            var status = await variants[v].Service.PostAsync(path, variants[v].Image(i), $"bench-{i}");
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (status != 200)
            {
                throw new InvalidOperationException($"{variants[v].Name} answered {status}");
            }

            if (i >= warmup)
            {
                samples[v].Add(ms);
            }
        }
    }

    var baseline = Median(samples[0]);
    for (var v = 0; v < variants.Count; v++)
    {
        Console.WriteLine(string.Create(invariant,
            $"| {model} | {variants[v].Name} | {Median(samples[v]):0.000} | {Percentile(samples[v], 95):0.000} | {Median(samples[v]) / baseline:0.000}× |"));
        variants[v].Service.Dispose();
    }
}

// The cache's own work on a miss, alone: the key's sha256 over the image, the LRU lookup, and the store
// (into an LRU already holding its 1000 entries, so every store also evicts).
foreach (var (model, image) in new[] { ("ppocr-cls", TestImage.TextLine("line 0")), ("resnet18", TestImage.Gradient(224, 0)) })
{
    var definition = Inference.Contracts.ModelConfigLoader.Load(Path.Combine(modelDirectory, model, "model.json"));
    var cache = new PredictionCache(new LruPredictionCache(1000, PredictionCacheOptions.DefaultMaxBytes), null, TimeSpan.FromSeconds(1));
    var answer = new CachedPrediction(new byte[model == "resnet18" ? 4953 : 180], "application/json");
    var missSamples = new List<double>();
    for (var i = 0; i < 21_000; i++)
    {
        var started = Stopwatch.GetTimestamp();
        var key = PredictionKeys.ForPredict(definition, image) + i.ToString(invariant); // a new key each time: always a miss
        if ((await cache.GetAsync(key, default)).Value is not null)
        {
            throw new InvalidOperationException("a new key hit");
        }

        await cache.SetAsync(key, answer, default);
        if (i >= 1000)
        {
            missSamples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds * 1000);
        }
    }

    Console.WriteLine(string.Create(invariant,
        $"{(model == "ppocr-cls" ? "\n" : "")}Cache work on a miss, {model} ({image.Length}-byte image): median {Median(missSamples):0.0} µs, p95 {Percentile(missSamples, 95):0.0} µs over {missSamples.Count} calls"));
}

// The shared cache's round trips on a miss (a GET that finds nothing, then the SET that the answer waits for), against a
// real Redis: set REDIS_ENDPOINT=host:port (no TLS), e.g. a redis-server started as tests/Inference.Tests/redis-local.sh does.
if (Environment.GetEnvironmentVariable("REDIS_ENDPOINT") is { } redis)
{
    var endpoint = RedisEndpoint.TryParse(redis) ?? throw new InvalidOperationException($"REDIS_ENDPOINT is '{redis}'; expected host:port.");
    using var shared = new PredictionCache(null, new RedisPredictionCache(endpoint, tls: false, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1)),
        TimeSpan.FromSeconds(1));
    Console.WriteLine();
    foreach (var bodyBytes in new[] { 180, 4953 })
    {
        var answer = new CachedPrediction(new byte[bodyBytes], "application/json");
        var (gets, sets) = (new List<double>(), new List<double>());
        for (var i = 0; i < 3000; i++)
        {
            var key = "bench-" + Guid.NewGuid().ToString("N");
            var started = Stopwatch.GetTimestamp();
            var lookup = await shared.GetAsync(key, default);
            var looked = Stopwatch.GetTimestamp();
            var store = await shared.SetAsync(key, answer, default);
            if ((lookup.Error ?? store.Error) is { } error)
            {
                throw new InvalidOperationException($"Redis at {endpoint}: {error}");
            }

            if (i >= 500)
            {
                gets.Add(Stopwatch.GetElapsedTime(started, looked).TotalMilliseconds * 1000);
                sets.Add(Stopwatch.GetElapsedTime(looked).TotalMilliseconds * 1000);
            }
        }

        Console.WriteLine(string.Create(invariant,
            $"Redis shared cache at {endpoint}, {bodyBytes}-byte answer: GET (miss) median {Median(gets):0.0} µs (p95 {Percentile(gets, 95):0.0}), SET median {Median(sets):0.0} µs (p95 {Percentile(sets, 95):0.0}) over {gets.Count} misses"));
    }
}

// The one step every answer now takes: adding the request id to the body (a ResNet18 embedding body is about 10 KB).
var embeddingBody = JsonBody.WriteObject(w =>
{
    w.WriteString("model_name", "resnet18");
    w.WriteStartArray("embedding");
    for (var i = 0; i < 512; i++)
    {
        w.WriteNumberValue(0.0123456f * i);
    }

    w.WriteEndArray();
});
var idSamples = new List<double>();
for (var i = 0; i < 20_000; i++)
{
    var started = Stopwatch.GetTimestamp();
    JsonBody.WithId(embeddingBody, "0f8fad5b-d9cb-469f-a165-70867728950e");
    idSamples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds * 1000);
}

Console.WriteLine(string.Create(invariant, $"JsonBody.WithId on a {embeddingBody.Length}-byte body: median {Median(idSamples):0.00} µs over {idSamples.Count} calls"));
return 0;

static byte[][] Images(Func<int, byte[]> make, int count) => [.. Enumerable.Range(0, count).Select(make)];

static double Median(List<double> sample) => Percentile(sample, 50);

static double Percentile(List<double> sample, double percentile)
{
    var sorted = sample.Order().ToArray();
    return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Distinct images generated in code, so a cache that should miss cannot hit.</summary>
internal static class TestImage
{
    public static byte[] TextLine(string text)
    {
        using var bitmap = new SKBitmap(384, 96);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 48);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(text, 12, 64, SKTextAlign.Left, font, paint);
        return Encode(bitmap, SKEncodedImageFormat.Png);
    }

    public static byte[] Gradient(int size, int seed)
    {
        using var bitmap = new SKBitmap(size, size);
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint();
        paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(size, size),
            [new SKColor((byte)(seed * 37), (byte)(seed * 11), 200), SKColors.Orange], SKShaderTileMode.Clamp);
        canvas.DrawRect(0, 0, size, size, paint);
        return Encode(bitmap, SKEncodedImageFormat.Jpeg);
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }
}
