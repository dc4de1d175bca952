using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Inference.Caching;
using Inference.Predictions;

namespace Inference.Tests.Feedback;

/// <summary>
/// Feedback against DynamoDB Local, on a table with the predictions log's keys and the components' by-request-id index.
/// .ci/run starts DynamoDB Local and sets DYNAMODB_LOCAL_ENDPOINT; without it these tests are reported as skipped.
/// </summary>
public sealed class DynamoDbFeedbackTests : IDisposable
{
    private const string FeedbackPath = "/v2/models/ppocr-cls/feedback";
    private const string InferPath = "/v2/models/ppocr-cls/infer";
    private readonly AmazonDynamoDBClient? _client = TestModels.PredictionsLogTables.Client();

    public void Dispose() => _client?.Dispose();

    /// <summary>A fresh predictions-log table, and a service that logs every request to it.</summary>
    private async Task<(string Table, CachingService Service)> LogAsync()
    {
        Skip.If(_client is null, "DYNAMODB_LOCAL_ENDPOINT is not set; run tests/Inference.Tests/dynamodb-local.sh");
        var table = await TestModels.PredictionsLogTables.CreateAsync(_client!);
        return (table, await CachingService.CreateAsync(new PredictionCacheOptions { MaxEntries = 0 }, new PredictionLogOptions { Table = table, SampleRate = 1, Timeout = TimeSpan.FromSeconds(30) }, _client,
            feedback: new Inference.Feedback.FeedbackOptions { WindowSize = 4, MinimumSamples = 1 }));
    }

    private Task<List<Dictionary<string, AttributeValue>>> ItemsAsync(string table) => TestModels.PredictionsLogTables.ItemsAsync(_client!, table);

    private static string Feedback(string requestId, string label) => JsonSerializer.Serialize(new { requestId, label });

    private static int FeedbackLines(CachingService service) =>
        service.Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetString() == "feedback");

    /// <summary>An /infer body for ppocr-cls with the caller's own id and every input value set to <paramref name="fill"/>.</summary>
    private static string Infer(string id, int fill) =>
        $$"""{"id":"{{id}}","inputs":[{"name":"x","shape":[1,3,48,192],"datatype":"FP32","data":[{{string.Join(",", Enumerable.Repeat(fill, 3 * 48 * 192))}}]}]}""";

    [SkippableFact]
    public async Task Feedback_finds_the_logged_prediction_by_request_id_and_adds_the_ground_truth_to_its_item()
    {
        var (table, service) = await LogAsync();
        using var _ = service;
        var predicted = await service.HandleAsync(Requests.Post("/v2/models/ppocr-cls/predict", TestImages.TextLine("truth", upsideDown: true), "image/png"));
        var id = predicted.Json().GetProperty("id").GetString()!;
        var label = predicted.Json().GetProperty("predictions")[0].GetProperty("label").GetString()!;

        var answer = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback(id, label)));
        var unknown = await service.HandleAsync(Requests.PostJson(FeedbackPath, "{\"requestId\":\"nobody\",\"label\":\"0\"}"));

        Assert.Equal(200, answer.StatusCode);
        Assert.True(answer.Json().GetProperty("correct").GetBoolean());
        Assert.Equal(404, unknown.StatusCode);
        var item = Assert.Single(await ItemsAsync(table));
        Assert.Equal(label, item["groundTruth"].S);
        Assert.Equal("1", item["correct"].N);
        Assert.Equal(id, item["requestId"].S);
        Assert.Equal("ppocr-cls@2.0.0", item["modelVersion"].S);
    }

    [SkippableFact]
    public async Task Replayed_feedback_is_a_409_naming_the_first_and_the_metric_is_emitted_once()
    {
        var (table, service) = await LogAsync();
        using var _ = service;
        var predicted = await service.HandleAsync(Requests.Post("/v2/models/ppocr-cls/predict", TestImages.TextLine("replay", upsideDown: true), "image/png"));
        var id = predicted.Json().GetProperty("id").GetString()!;

        var first = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback(id, "0")));
        var replay = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback(id, "180")));

        Assert.Equal(200, first.StatusCode);
        Assert.Equal(409, replay.StatusCode);
        Assert.Equal("feedback_already_given", replay.Json().GetProperty("code").GetString());
        var item = Assert.Single(await ItemsAsync(table));
        var given = replay.Json().GetProperty("feedback");
        Assert.Equal(("0", item["feedbackAt"].S), (given.GetProperty("label").GetString(), given.GetProperty("feedback_at").GetString()));
        Assert.Equal("0", item["groundTruth"].S);
        Assert.Equal(1, FeedbackLines(service));
    }

    [SkippableFact]
    public async Task Concurrent_feedbacks_on_one_prediction_are_accepted_exactly_once()
    {
        var (table, service) = await LogAsync();
        using var _ = service;
        var predicted = await service.HandleAsync(Requests.Post("/v2/models/ppocr-cls/predict", TestImages.TextLine("race", upsideDown: false), "image/png"));
        var id = predicted.Json().GetProperty("id").GetString()!;

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback(id, i % 2 == 0 ? "0" : "180"))))));

        Assert.Equal(1, answers.Count(a => a.StatusCode == 200));
        Assert.Equal(7, answers.Count(a => a.StatusCode == 409 && a.Json().GetProperty("code").GetString() == "feedback_already_given"));
        Assert.Equal(1, FeedbackLines(service));
        var accepted = answers.Single(a => a.StatusCode == 200).Json();
        var item = Assert.Single(await ItemsAsync(table));
        Assert.Equal(accepted.GetProperty("correct").GetBoolean() ? "1" : "0", item["correct"].N); // the item holds the accepted one
        Assert.All(answers.Where(a => a.StatusCode == 409), a => Assert.Equal(item["groundTruth"].S, a.Json().GetProperty("feedback").GetProperty("label").GetString()));
    }

    [SkippableFact]
    public async Task Feedback_takes_the_id_an_infer_request_chose_and_echoed()
    {
        var (table, service) = await LogAsync();
        using var _ = service;
        var answer = await service.HandleAsync(Requests.PostJson(InferPath, Infer("order-7", fill: 0)));
        Assert.Equal("order-7", answer.Json().GetProperty("id").GetString());

        var feedback = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback("order-7", "0")));

        Assert.Equal(200, feedback.StatusCode);
        var item = Assert.Single(await ItemsAsync(table));
        Assert.Equal(("order-7", "0"), (item["requestId"].S, item["groundTruth"].S));
    }

    [SkippableFact]
    public async Task A_client_id_reused_for_another_input_overwrites_no_record_and_its_feedback_is_refused_as_ambiguous()
    {
        var (table, service) = await LogAsync();
        using var _ = service;
        await service.HandleAsync(Requests.PostJson(InferPath, Infer("shared", fill: 0)));
        await service.HandleAsync(Requests.PostJson(InferPath, Infer("shared", fill: 1)));

        var feedback = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback("shared", "0")));

        Assert.Equal(409, feedback.StatusCode);
        Assert.Equal("ambiguous_request_id", feedback.Json().GetProperty("code").GetString());
        var items = await ItemsAsync(table);
        Assert.Equal(2, items.Select(i => i["inputKey"].S).Distinct().Count());
        Assert.All(items, i => Assert.False(i.ContainsKey("groundTruth")));
        Assert.Equal(0, FeedbackLines(service));
    }

    [SkippableFact]
    public async Task Repeating_a_judged_request_keeps_its_feedback_and_opens_no_second_one()
    {
        var (table, service) = await LogAsync();
        using var _ = service;
        await service.HandleAsync(Requests.PostJson(InferPath, Infer("order-8", fill: 0)));
        Assert.Equal(200, (await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback("order-8", "0")))).StatusCode);
        var image = TestImages.TextLine("judged", upsideDown: false);
        var first = (await service.HandleAsync(Requests.Post("/v2/models/ppocr-cls/predict", image, "image/png"))).Json().GetProperty("id").GetString()!;
        Assert.Equal(200, (await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback(first, "0")))).StatusCode);

        // The same /infer body (so the same id) and the same image (a new request id) again: each would replace its input's item.
        var again = await service.HandleAsync(Requests.PostJson(InferPath, Infer("order-8", fill: 0)));
        var second = (await service.HandleAsync(Requests.Post("/v2/models/ppocr-cls/predict", image, "image/png"))).Json().GetProperty("id").GetString()!;
        var replayInfer = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback("order-8", "180")));
        var replayImage = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback(second, "180")));

        Assert.Equal(200, again.StatusCode);
        Assert.Equal(409, replayInfer.StatusCode);
        Assert.Equal("feedback_already_given", replayInfer.Json().GetProperty("code").GetString());
        Assert.Equal(404, replayImage.StatusCode);
        Assert.Equal(2, FeedbackLines(service));
        var items = await ItemsAsync(table);
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal("0", i["groundTruth"].S));
        Assert.Contains(items, i => i["requestId"].S == first);
    }
}
