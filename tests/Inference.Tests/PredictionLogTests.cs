using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Inference.Caching;
using Inference.Service;
using Inference.Predictions;
using Moq;
using SkiaSharp;

namespace Inference.Tests;

public sealed class PredictionLogTests
{
    private const string Predict = "/v2/models/ppocr-cls/predict";
    private static readonly PredictionCacheOptions NoCache = new() { MaxEntries = 0 };
    private static readonly PredictionLogOptions LogAll = new() { Table = "predictions", TtlDays = 7, SampleRate = 1 };

    /// <summary>A DynamoDB client that records every PutItem.</summary>
    private static (Mock<IAmazonDynamoDB> Mock, List<PutItemRequest> Puts) Recording()
    {
        var puts = new List<PutItemRequest>();
        var dynamo = new Mock<IAmazonDynamoDB>(MockBehavior.Strict);
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()))
            .Callback<PutItemRequest, CancellationToken>((r, _) => { lock (puts) { puts.Add(r); } })
            .ReturnsAsync(new PutItemResponse());
        return (dynamo, puts);
    }

    [Fact]
    public async Task A_classification_is_logged_with_the_documented_attributes_and_types()
    {
        var (dynamo, puts) = Recording();
        using var service = await CachingService.CreateAsync(NoCache, LogAll, dynamo.Object);
        var image = TestImages.TextLine("logged", upsideDown: true);
        var request = Requests.Post(Predict, image, "image/png");

        var response = await service.HandleAsync(request);

        var put = Assert.Single(puts);
        Assert.Equal("predictions", put.TableName);
        var item = put.Item;
        Assert.Equal(["expiresAt", "inputBytes", "inputKey", "latencyMs", "loggedAt", "model", "modelVersion", "predictions", "requestId", "status", "version"],
            item.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(image)), item["inputKey"].S);
        Assert.Equal("ppocr-cls@2.0.0", item["modelVersion"].S);
        Assert.Equal(("ppocr-cls", "2.0.0"), (item["model"].S, item["version"].S));
        Assert.Equal("200", item["status"].N);
        Assert.Equal(request.RequestId, item["requestId"].S);
        Assert.Equal(image.Length.ToString(CultureInfo.InvariantCulture), item["inputBytes"].N);
        Assert.InRange(double.Parse(item["latencyMs"].N, CultureInfo.InvariantCulture), 0.001, 60_000);
        Assert.True(DateTimeOffset.TryParse(item["loggedAt"].S, CultureInfo.InvariantCulture, out _));
        var expiresAt = long.Parse(item["expiresAt"].N, CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 7 * 86_400 - 30, 7 * 86_400 + 1);
        var answered = response.Json().GetProperty("predictions").EnumerateArray().ToArray();
        var logged = item["predictions"].L;
        Assert.Equal(answered.Length, logged.Count);
        for (var i = 0; i < logged.Count; i++)
        {
            Assert.Equal(["label", "score"], logged[i].M.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(answered[i].GetProperty("label").GetString(), logged[i].M["label"].S);
            Assert.Equal(answered[i].GetProperty("score").GetDouble(), double.Parse(logged[i].M["score"].N, CultureInfo.InvariantCulture), 6);
        }

        Assert.True(Assert.Single(service.RequestLines()).GetProperty("predictionLogged").GetBoolean());
    }

    [Fact]
    public async Task In_a_batch_each_image_is_logged_right_before_its_request_line()
    {
        CachingService? service = null;
        var linesAtEachPut = new List<int>();
        var dynamo = new Mock<IAmazonDynamoDB>(MockBehavior.Strict);
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()))
            .Callback<PutItemRequest, CancellationToken>((_, _) => linesAtEachPut.Add(service!.RequestLines().Length))
            .ReturnsAsync(new PutItemResponse());
        service = await CachingService.CreateAsync(NoCache, LogAll, dynamo.Object);
        using var disposing = service;
        InferenceRequest[] requests =
        [
            Requests.Post(Predict, TestImages.TextLine("one", upsideDown: false), "image/png"),
            Requests.Post(Predict, TestImages.TextLine("two", upsideDown: true), "image/png"),
        ];

        await service.Service.PredictImagesAsync(requests, default);

        // The first image's line is written between the two puts, and says its put succeeded.
        Assert.Equal([0, 1], linesAtEachPut);
        Assert.All(service.RequestLines(), line => Assert.True(line.GetProperty("predictionLogged").GetBoolean()));
    }

    [Fact]
    public async Task An_embedding_is_logged_as_a_hash_with_no_raw_payload()
    {
        var (dynamo, puts) = Recording();
        using var service = await CachingService.CreateAsync(NoCache, LogAll, dynamo.Object, model: "resnet18");
        var image = TestImages.Gradient(256, 256, SKEncodedImageFormat.Jpeg, SKColors.Teal);

        var response = await service.HandleAsync(Requests.Post("/v2/models/resnet18/predict", image, "image/jpeg"));

        var item = Assert.Single(puts).Item;
        Assert.False(item.ContainsKey("predictions"));
        var embedding = response.Json().GetProperty("embedding");
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(embedding.GetRawText()))), item["outputSha256"].S);
        Assert.InRange(DynamoDbItemSize.Of(item), 1, 1024);
        Assert.All(item.Values, v => Assert.True(v.B is null && v.L is null && v.M is null, "only scalar attributes for an embedding"));
        var text = string.Join("|", item.Values.Select(v => v.S ?? v.N));
        Assert.DoesNotContain(embedding[0].GetRawText(), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_is_logged_with_its_status_and_code_and_no_output()
    {
        var (dynamo, puts) = Recording();
        using var service = await CachingService.CreateAsync(NoCache, LogAll, dynamo.Object);

        await service.HandleAsync(Requests.Post(Predict, [1, 2, 3, 4], "image/png"));

        var item = Assert.Single(puts).Item;
        Assert.Equal("400", item["status"].N);
        Assert.Equal("invalid_image", item["errorCode"].S);
        Assert.False(item.ContainsKey("predictions"));
        Assert.False(item.ContainsKey("outputSha256"));
    }

    [Fact]
    public async Task Requests_that_are_not_predictions_are_never_logged()
    {
        var (dynamo, puts) = Recording();
        using var service = await CachingService.CreateAsync(NoCache, LogAll, dynamo.Object);

        await service.HandleAsync(Requests.Get("/v2/health/ready"));
        await service.HandleAsync(Requests.Get("/v2/models/ppocr-cls"));
        await service.HandleAsync(Requests.Post("/v2/models/unknown/predict", [1], "image/png"));

        Assert.Empty(puts);
    }

    [Fact]
    public async Task The_sampling_rate_decides_with_the_injected_random_source()
    {
        var (dynamo, puts) = Recording();
        double[] draws = [0.10, 0.30, 0.24, 0.25, 0.99, 0.0];
        var next = 0;
        using var service = await CachingService.CreateAsync(NoCache, LogAll with { SampleRate = 0.25 }, dynamo.Object, random: () => draws[next++]);
        var requests = draws.Select(_ => Requests.PostJson("/v2/models/ppocr-cls/infer", Requests.ClsInfer())).ToArray();

        foreach (var request in requests)
        {
            await service.HandleAsync(request);
        }

        Assert.Equal(draws.Length, next);
        Assert.Equal([requests[0].RequestId, requests[2].RequestId, requests[5].RequestId], puts.Select(p => p.Item["serverRequestId"].S));
        Assert.All(puts, p => Assert.Equal("t1", p.Item["requestId"].S)); // the id the answers echoed, which feedback takes
    }

    [Fact]
    public async Task A_batch_input_named_by_the_host_is_always_logged_under_its_key()
    {
        var (dynamo, puts) = Recording();
        using var service = await CachingService.CreateAsync(NoCache, LogAll with { SampleRate = 0 }, dynamo.Object, random: () => throw new InvalidOperationException("no draw for batch"));
        var request = Requests.Post(Predict, TestImages.TextLine("batch", upsideDown: false), "image/png") with { PredictionLogKey = "s3://inputs/in/scan-1.png" };

        await service.HandleAsync(request);
        await service.HandleAsync(Requests.Post(Predict, TestImages.TextLine("rest", upsideDown: false), "image/png"));

        var item = Assert.Single(puts).Item;
        Assert.Equal("s3://inputs/in/scan-1.png", item["inputKey"].S);
        Assert.Equal("0", item["predictions"].L[0].M["label"].S);
    }

    [Fact]
    public async Task An_infer_answer_is_logged_as_a_hash_of_its_outputs()
    {
        var (dynamo, puts) = Recording();
        using var service = await CachingService.CreateAsync(NoCache, LogAll, dynamo.Object);

        var response = await service.HandleAsync(Requests.PostJson("/v2/models/ppocr-cls/infer", Requests.ClsInfer()));

        var outputs = response.Json().GetProperty("outputs").GetRawText();
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(outputs))), Assert.Single(puts).Item["outputSha256"].S);
    }

    [Fact]
    public async Task A_failing_log_never_fails_the_request_and_is_counted()
    {
        var dynamo = new Mock<IAmazonDynamoDB>();
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ProvisionedThroughputExceededException("Throughput exceeded"));
        using var service = await CachingService.CreateAsync(NoCache, LogAll, dynamo.Object);

        var response = await service.HandleAsync(Requests.Post(Predict, TestImages.TextLine("x", upsideDown: false), "image/png"));

        Assert.Equal(200, response.StatusCode);
        var line = Assert.Single(service.RequestLines());
        Assert.Equal("WARN", line.GetProperty("level").GetString());
        Assert.Equal(1, line.GetProperty("PredictionLogErrors").GetInt32());
        Assert.Contains("Throughput exceeded", line.GetProperty("predictionLogError").GetString());
        Assert.False(line.TryGetProperty("predictionLogged", out _));
    }

    [Fact]
    public async Task A_write_that_meets_its_inputs_judged_item_keeps_it_and_is_no_failure()
    {
        var dynamo = new Mock<IAmazonDynamoDB>(MockBehavior.Strict);
        PutItemRequest? put = null;
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()))
            .Callback<PutItemRequest, CancellationToken>((r, _) => put = r)
            .ThrowsAsync(new ConditionalCheckFailedException("The conditional request failed"));
        using var service = await CachingService.CreateAsync(NoCache, LogAll, dynamo.Object);

        var response = await service.HandleAsync(Requests.Post(Predict, TestImages.TextLine("judged", upsideDown: false), "image/png"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("attribute_not_exists(feedbackAt)", put!.ConditionExpression);
        var line = Assert.Single(service.RequestLines());
        Assert.Equal("INFO", line.GetProperty("level").GetString());
        Assert.False(line.TryGetProperty("PredictionLogErrors", out _));
    }

    [Fact]
    public async Task A_cache_hit_is_logged_with_the_same_output_as_the_miss()
    {
        var (dynamo, puts) = Recording();
        using var service = await CachingService.CreateAsync(new PredictionCacheOptions(), LogAll, dynamo.Object);
        var request = Requests.Post(Predict, TestImages.TextLine("twice", upsideDown: true), "image/png");

        await service.HandleAsync(request);
        var hit = await service.HandleAsync(request.Again());

        Assert.Equal("hit", hit.XCache());
        Assert.Equal(2, puts.Count);
        Assert.Equal(puts[0].Item["inputKey"].S, puts[1].Item["inputKey"].S);
        Assert.Equal(puts[0].Item["predictions"].L.Select(p => p.M["label"].S), puts[1].Item["predictions"].L.Select(p => p.M["label"].S));
    }

    [Fact]
    public async Task A_batch_input_that_never_reached_the_model_is_logged_with_its_error()
    {
        var (dynamo, puts) = Recording();
        using var service = await CachingService.CreateAsync(NoCache, LogAll with { SampleRate = 0 }, dynamo.Object);

        IInferenceService host = service.Service; // as the batch handler sees it: the interface, not its no-op default
        await host.LogUnservedInputAsync("s3://inputs/in/gone.png", "ppocr-cls", 404, "input_not_found", "req-b/m-1", 0, default);

        var item = Assert.Single(puts).Item;
        Assert.Equal(("s3://inputs/in/gone.png", "ppocr-cls@2.0.0"), (item["inputKey"].S, item["modelVersion"].S));
        Assert.Equal(("404", "input_not_found", "req-b/m-1"), (item["status"].N, item["errorCode"].S, item["requestId"].S));
        Assert.False(item.ContainsKey("predictions") || item.ContainsKey("outputSha256"));
    }

    [Fact]
    public async Task A_failed_write_for_an_unserved_batch_input_is_a_warning_metric_not_an_exception()
    {
        var dynamo = new Mock<IAmazonDynamoDB>();
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonDynamoDBException("Access denied"));
        using var service = await CachingService.CreateAsync(NoCache, LogAll, dynamo.Object);

        await service.Service.LogUnservedInputAsync("s3://inputs/x.bin", "ppocr-cls", 415, "unsupported_input", "req-c", 12, default);

        var line = System.Text.Json.JsonDocument.Parse(service.Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Single(l => l.Contains("prediction_log_failed", StringComparison.Ordinal))).RootElement;
        Assert.Equal("WARN", line.GetProperty("level").GetString());
        Assert.Equal(1, line.GetProperty("PredictionLogErrors").GetInt32());
        Assert.Equal("s3://inputs/x.bin", line.GetProperty("inputKey").GetString());
        Assert.Contains("Access denied", line.GetProperty("predictionLogError").GetString());
    }

    [Fact]
    public async Task Without_a_predictions_table_nothing_is_written()
    {
        var dynamo = new Mock<IAmazonDynamoDB>(MockBehavior.Strict);
        using var service = await CachingService.CreateAsync(NoCache, new PredictionLogOptions(), dynamo.Object);

        await service.HandleAsync(Requests.Post(Predict, TestImages.TextLine("none", upsideDown: false), "image/png") with { PredictionLogKey = "s3://b/k" });
        await service.Service.LogUnservedInputAsync("s3://b/k2", "ppocr-cls", 404, "input_not_found", "r", 0, default);

        dynamo.VerifyNoOtherCalls();
    }

    [Fact]
    public void A_non_finite_score_keeps_its_JSON_spelling_as_a_string()
    {
        var log = new DynamoDbPredictionLog(Mock.Of<IAmazonDynamoDB>(), "t", TimeSpan.FromDays(1), TimeProvider.System);
        var output = PredictionOutput.FromResponseBody("""{"model_name":"m","model_version":"1.0.0","predictions":[{"label":"a","index":0,"score":"NaN"}],"id":"r"}"""u8.ToArray());

        var item = log.ItemFor(new PredictionLogEntry
        {
            InputKey = "k", Model = "m", ModelVersion = "1.0.0", Status = 200, LatencyMs = 1, RequestId = "r", InputBytes = 1, Output = output,
        });

        Assert.Equal("NaN", item["predictions"].L[0].M["score"].S);
        Assert.Null(item["predictions"].L[0].M["score"].N);
    }
}
