using System.Text.Json;
using Inference.Caching;
using Inference.Service;
using SkiaSharp;

namespace Inference.Tests;

/// <summary>Dynamic batching on real sessions (the tiny PP-OCR classifier, whose batch dimension is dynamic).</summary>
public sealed class DynamicBatchingTests
{
    private const string ClsPredict = "/v2/models/ppocr-cls/predict";

    [Fact]
    public async Task Concurrent_single_requests_share_one_run_and_answer_bit_for_bit_as_sequential_ones()
    {
        const int n = 12;
        var requests = Enumerable.Range(0, n)
            .Select(i => Requests.Post(ClsPredict, TestImages.TextLine($"Line {i} of text", upsideDown: i % 3 == 0), "image/png"))
            .ToArray();
        using var sequentialService = await ServiceAsync(DynamicBatchOptions.Off, TextWriter.Null);
        var sequential = new List<InferenceResponse>();
        foreach (var request in requests)
        {
            sequential.Add(await sequentialService.HandleAsync(request, default));
        }

        // The batch runs only when full (the wait is far longer than the test): one run of all n, whatever the scheduling.
        var log = new StringWriter();
        using var batchingService = await ServiceAsync(new DynamicBatchOptions(n, TimeSpan.FromSeconds(30)), log);
        var model = await batchingService.Models.GetAsync("ppocr-cls", default);
        var runsBefore = model.RunCount;
        var concurrent = await Task.WhenAll(requests.Select(r => Task.Run(() => batchingService.HandleAsync(r, default))));

        Assert.Equal(1, model.RunCount - runsBefore);
        Assert.All(sequential, r => Assert.Equal(200, r.StatusCode));
        Assert.Equal(sequential.Select(Body), concurrent.Select(Body));
        Assert.Equal(n, log.ToString().Split('\n').Count(l => l.Contains($"\"batchSize\":{n}", StringComparison.Ordinal)));
        Assert.Contains(sequential, r => r.Json().GetProperty("predictions")[0].GetProperty("label").GetString() == "180");
    }

    [Fact]
    public async Task A_bad_image_among_concurrent_requests_gets_its_own_error_and_the_others_their_answers()
    {
        using var service = await ServiceAsync(new DynamicBatchOptions(4, TimeSpan.FromMilliseconds(20)), TextWriter.Null);
        var good = Requests.Post(ClsPredict, TestImages.TextLine("fine", upsideDown: false, SKEncodedImageFormat.Jpeg), "image/jpeg");
        var bad = Requests.Post(ClsPredict, [0x89, 0x50, 0x4E, 0x47, 1, 2, 3], "image/png");

        var answers = await Task.WhenAll(new[] { good, bad, good }.Select(r => Task.Run(() => service.HandleAsync(r, default))));

        Assert.Equal([200, 400, 200], answers.Select(a => a.StatusCode));
    }

    private static string Body(InferenceResponse response) => System.Text.Encoding.UTF8.GetString(response.Body.Span);

    private static Task<ModelService> ServiceAsync(DynamicBatchOptions batching, TextWriter log) =>
        InferenceServiceFactory.CreateAsync(new InferenceOptions
        {
            ModelDirectory = ServiceFixture.ModelsDirectory,
            ModelName = "ppocr-cls",
            IntraOpThreads = 1,
            DynamicBatch = batching,
            Cache = new PredictionCacheOptions { MaxEntries = 0 },
        }, log);
}
