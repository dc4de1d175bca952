using System.Text.Json;
using Inference.Caching;
using Inference.Service;
using SkiaSharp;

using TestModels;

namespace Inference.Tests;

/// <summary>Batch prediction on real ONNX Runtime sessions: stacked for PP-OCR's dynamic batch, one by one for ResNet18.</summary>
public sealed class MicroBatchTests
{
    private const string ClsPredict = "/v2/models/ppocr-cls/predict";

    [Fact]
    public async Task A_dynamic_batch_model_answers_every_item_exactly_as_single_predict_and_runs_once_per_chunk()
    {
        var log = new StringWriter();
        using var service = await ServiceAsync("ppocr-cls", batchMaxSize: 4, log);
        var requests = new List<InferenceRequest>();
        for (var i = 0; i < 9; i++)
        {
            var format = i % 2 == 0 ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg;
            requests.Add(Requests.Post(ClsPredict, TestImages.TextLine($"Line {i} of text", upsideDown: i % 3 == 0, format),
                format == SKEncodedImageFormat.Png ? "image/png" : "image/jpeg"));
        }

        requests.Insert(2, Requests.Post(ClsPredict, [0x89, 0x50, 0x4E, 0x47, 1, 2, 3], "image/png"));
        requests.Insert(7, Requests.Post(ClsPredict, TestImages.TextLine("wrong type", upsideDown: false), "text/plain"));
        requests.Add(Requests.Post(ClsPredict, [], "image/png"));
        var model = await service.Models.GetAsync("ppocr-cls", default);

        var runsBefore = model.RunCount;
        var batch = await service.PredictImagesAsync(requests, default);
        var batchRuns = model.RunCount - runsBefore;

        Assert.Equal(3, batchRuns); // ceil(9 good images / 4)
        Assert.Equal(9, CountOccurrences(log.ToString(), "\"batchSize\":"));
        Assert.Equal(requests.Count, batch.Count);
        Assert.Equal([200, 200, 400, 200, 200, 200, 200, 415, 200, 200, 200, 400], batch.Select(r => r.StatusCode));
        foreach (var (request, batched) in requests.Zip(batch))
        {
            AssertSameAnswer(await service.HandleAsync(request, default), batched);
        }

        Assert.Contains(batch, r => r.Json().GetProperty("predictions")[0].GetProperty("label").GetString() == "180");
        Assert.Contains(batch, r => r.StatusCode == 200 && r.Json().GetProperty("predictions")[0].GetProperty("label").GetString() == "0");
    }

    [Fact]
    public async Task A_fixed_batch_model_falls_back_to_one_run_per_image_and_still_answers_each()
    {
        using var service = await ServiceAsync("resnet18", batchMaxSize: 16, TextWriter.Null);
        var requests = new[]
        {
            Requests.Post("/v2/models/resnet18/predict", TestImages.Gradient(320, 240, SKEncodedImageFormat.Jpeg, SKColors.Red), "image/jpeg"),
            Requests.Post("/v2/models/resnet18/predict", [1, 2, 3, 4], "image/jpeg"),
            Requests.Post("/v2/models/resnet18/predict", TestImages.Gradient(200, 300, SKEncodedImageFormat.Png, SKColors.Blue), "image/png"),
            Requests.Post("/v2/models/resnet18/predict", TestImages.Gradient(224, 224, SKEncodedImageFormat.Webp, SKColors.Yellow), "image/webp"),
        };
        var model = await service.Models.GetAsync("resnet18", default);

        var runsBefore = model.RunCount;
        var batch = await service.PredictImagesAsync(requests, default);

        Assert.Equal(3, model.RunCount - runsBefore);
        Assert.Equal([200, 400, 200, 200], batch.Select(r => r.StatusCode));
        foreach (var (request, batched) in requests.Zip(batch))
        {
            AssertSameAnswer(await service.HandleAsync(request, default), batched);
        }
    }

    [Fact]
    public async Task Requests_that_are_not_predict_are_answered_one_by_one_in_their_place()
    {
        using var service = await ServiceAsync("ppocr-cls", batchMaxSize: 16, TextWriter.Null);
        var requests = new[]
        {
            Requests.PostJson("/v2/models/ppocr-cls/infer", Requests.ClsInfer()),
            Requests.Post(ClsPredict, TestImages.TextLine("hello", upsideDown: true), "image/png"),
            Requests.Post("/v2/models/nope/predict", [1], "image/png"),
        };

        var batch = await service.PredictImagesAsync(requests, default);

        Assert.Equal([200, 200, 404], batch.Select(r => r.StatusCode));
        foreach (var (request, batched) in requests.Zip(batch))
        {
            AssertSameAnswer(await service.HandleAsync(request, default), batched);
        }
    }

    [Fact]
    public async Task A_batch_logs_each_request_that_is_not_predict_in_its_place_and_the_predict_requests_after_their_model_run_in_order()
    {
        var log = new StringWriter();
        using var service = await InferenceServiceFactory.CreateAsync(new InferenceOptions
        {
            ModelDirectory = ServiceFixture.ModelsDirectory,
            ModelName = "ppocr-cls",
            IntraOpThreads = 2,
            EagerLoading = false,
            Cache = new PredictionCacheOptions { MaxEntries = 0 },
        }, log);
        var requests = new[]
        {
            Requests.Get("/v2/health/live"),
            Requests.Post(ClsPredict, TestImages.TextLine("first", upsideDown: false), "image/png"),
            Requests.Get("/v2/health/ready"),
            Requests.Post(ClsPredict, TestImages.TextLine("second", upsideDown: true), "image/png"),
        };

        await service.PredictImagesAsync(requests, default);

        // The first image loads the model (lazily) between the two health requests; the images' lines follow their run.
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["request", "model_loaded", "request", "request", "request"], lines.Select(l => l.GetProperty("message").GetString()));
        var requestLines = lines.Where(l => l.GetProperty("message").GetString() == "request").ToArray();
        Assert.Equal([requests[0].RequestId, requests[2].RequestId, requests[1].RequestId, requests[3].RequestId],
            requestLines.Select(l => l.GetProperty("requestId").GetString()));
        Assert.Equal([true, false, false, false], requestLines.Select(l => l.GetProperty("coldStart").GetBoolean()));
        Assert.Equal([1, 1, 2, 2], requestLines.Select(l => l.TryGetProperty("batchSize", out var size) ? size.GetInt32() : 1));
    }

    [Fact]
    public async Task A_chunk_whose_model_run_fails_answers_each_of_its_items_with_a_500_naming_the_failure_and_the_other_chunks_succeed()
    {
        using var models = new TempDirectory();
        File.WriteAllBytes(Path.Combine(models.Path, "model.onnx"), OnnxModelWriter.FailsOnLargeValues());
        // scale 0.008: a pixel of 250 or more becomes a value of 2 or more, which the model's run cannot take.
        models.Write("model.json", """
            {"name":"fragile","version":"1.0.0","file":"model.onnx",
             "inputs":[{"name":"x","datatype":"FP32","shape":[-1,3,4,4]}],
             "outputs":[{"name":"y","datatype":"FP32","shape":[-1,3]}],
             "preprocessing":{"resize":{"width":4,"height":4},"layout":"NCHW","channelOrder":"RGB","scale":0.008}}
            """);
        var log = new StringWriter();
        using var service = await InferenceServiceFactory.CreateAsync(new InferenceOptions
        {
            ModelDirectory = models.Path,
            IntraOpThreads = 1,
            BatchMaxSize = 2,
            Cache = new PredictionCacheOptions { MaxEntries = 0 },
        }, log);
        static byte[] Solid(byte level)
        {
            using var bitmap = new SKBitmap(8, 8);
            bitmap.Erase(new SKColor(level, level, level));
            return TestImages.Encode(bitmap, SKEncodedImageFormat.Png);
        }

        var levels = new byte[] { 40, 80, 255, 120, 160, 200 }; // chunks: [40, 80] [255, 120] [160, 200]
        var requests = levels.Select(level => Requests.Post("/v2/models/fragile/predict", Solid(level), "image/png")).ToList();
        var model = await service.Models.GetAsync("fragile", default);

        var runsBefore = model.RunCount;
        var batch = await service.PredictImagesAsync(requests, default);

        Assert.Equal(3, model.RunCount - runsBefore);
        Assert.Equal([200, 200, 500, 500, 200, 200], batch.Select(r => r.StatusCode));
        foreach (var failed in batch.Where(r => r.StatusCode == 500))
        {
            Assert.Equal("internal_error", failed.Json().GetProperty("code").GetString());
            var error = failed.Json().GetProperty("error").GetString();
            Assert.Contains("micro-batch of 2 image(s) failed", error, StringComparison.Ordinal);
            Assert.Contains("Gather", error, StringComparison.Ordinal); // ONNX Runtime's own account of the failure
        }

        // The healthy chunks' answers are right: each channel's mean is the pixel level × the scale (the table adds 0).
        foreach (var i in new[] { 0, 1, 4, 5 })
        {
            var output = batch[i].Json().GetProperty("output").EnumerateArray().Select(v => v.GetDouble()).ToList();
            Assert.Equal(3, output.Count);
            Assert.All(output, v => Assert.Equal(levels[i] * 0.008, v, 1e-5));
        }

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(l => l.GetProperty("message").GetString() == "request").Take(levels.Length).ToList();
        Assert.Equal(requests.Select(r => r.RequestId), lines.Select(l => l.GetProperty("requestId").GetString()));
        Assert.Equal(["INFO", "INFO", "ERROR", "ERROR", "INFO", "INFO"], lines.Select(l => l.GetProperty("level").GetString()));
        Assert.Equal([2, 2], lines.Where(l => l.GetProperty("status").GetInt32() == 500).Select(l => l.GetProperty("batchSize").GetInt32()));
    }

    [Theory]
    [InlineData(null, 16)]
    [InlineData("1", 1)]
    [InlineData("64", 64)]
    public void BATCH_MAX_SIZE_sets_the_largest_chunk(string? value, int expected)
    {
        var options = InferenceOptions.FromEnvironment(name => name == "BATCH_MAX_SIZE" ? value : null, processorCount: 2);

        Assert.Equal(expected, options.BatchMaxSize);
    }

    [Fact]
    public void A_BATCH_MAX_SIZE_below_one_is_a_clear_error()
    {
        var error = Assert.ThrowsAny<Exception>(() => InferenceOptions.FromEnvironment(name => name == "BATCH_MAX_SIZE" ? "0" : null, processorCount: 2));

        Assert.Contains("BATCH_MAX_SIZE", error.Message, StringComparison.Ordinal);
    }

    /// <summary>No cache, so that the single answer is computed afresh rather than replayed.</summary>
    private static Task<ModelService> ServiceAsync(string model, int batchMaxSize, TextWriter log) =>
        InferenceServiceFactory.CreateAsync(new InferenceOptions
        {
            ModelDirectory = ServiceFixture.ModelsDirectory,
            ModelName = model,
            IntraOpThreads = 2,
            BatchMaxSize = batchMaxSize,
            Cache = new PredictionCacheOptions { MaxEntries = 0 },
        }, log);

    private static void AssertSameAnswer(InferenceResponse single, InferenceResponse batched)
    {
        Assert.Equal(single.StatusCode, batched.StatusCode);
        Assert.Equal(single.Headers.OrderBy(h => h.Key), batched.Headers.OrderBy(h => h.Key));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(single.Body.Span), System.Text.Encoding.UTF8.GetString(batched.Body.Span));
    }

    private static int CountOccurrences(string text, string value) =>
        (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;
}
