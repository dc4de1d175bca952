using System.Text.Json;
using Inference.Caching;
using Inference.Feedback;
using Inference.Predictions;

namespace Inference.Tests.Feedback;

/// <summary>POST /v2/models/{name}/feedback through the service, with the local JSON-lines predictions log.</summary>
public sealed class FeedbackTests : IDisposable
{
    private const string Predict = "/v2/models/ppocr-cls/predict";
    private const string FeedbackPath = "/v2/models/ppocr-cls/feedback";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("feedback-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string LogFile => Path.Combine(_folder.FullName, "predictions.jsonl");

    private Task<CachingService> ServiceAsync(double sampleRate = 1, int window = 100, int minimumSamples = 20) => CachingService.CreateAsync(
        new PredictionCacheOptions { MaxEntries = 0 },
        new PredictionLogOptions { File = LogFile, SampleRate = sampleRate }, feedback: new FeedbackOptions { WindowSize = window, MinimumSamples = minimumSamples });

    private JsonElement[] LogLines() => [.. File.ReadAllLines(LogFile).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private static JsonElement[] FeedbackLines(CachingService service) =>
    [
        .. service.Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(l => l.GetProperty("message").GetString() == "feedback"),
    ];

    /// <returns>The prediction's answer id and its top-1 label.</returns>
    private static async Task<(string Id, string Label)> PredictAsync(CachingService service, bool upsideDown, string text = "feedback")
    {
        var answer = await service.HandleAsync(Requests.Post(Predict, TestImages.TextLine(text, upsideDown), "image/png"));
        Assert.Equal(200, answer.StatusCode);
        var body = answer.Json();
        return (body.GetProperty("id").GetString()!, body.GetProperty("predictions")[0].GetProperty("label").GetString()!);
    }

    private static string Feedback(string requestId, string label) => JsonSerializer.Serialize(new { requestId, label });

    [Fact]
    public async Task Feedback_stores_the_true_label_next_to_the_prediction_and_judges_its_top_1_answer()
    {
        using var service = await ServiceAsync();
        var (id, predicted) = await PredictAsync(service, upsideDown: true);
        var wrong = predicted == "0" ? "180" : "0";

        var answer = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback(id, wrong)));

        Assert.Equal(200, answer.StatusCode);
        var body = answer.Json();
        Assert.Equal("2.0.0", body.GetProperty("model_version").GetString());
        Assert.Equal(predicted, body.GetProperty("predicted_label").GetString());
        Assert.False(body.GetProperty("correct").GetBoolean());
        var line = Assert.Single(LogLines());
        Assert.Equal(id, line.GetProperty("requestId").GetString());
        Assert.Equal(wrong, line.GetProperty("groundTruth").GetString());
        Assert.Equal(0, line.GetProperty("correct").GetInt32());
        Assert.True(line.TryGetProperty("feedbackAt", out _));
        Assert.Equal(200, line.GetProperty("status").GetInt32()); // the prediction's own fields stay
    }

    [Fact]
    public async Task Accuracy_over_the_sliding_window_is_published_per_model_version_once_it_has_enough_samples()
    {
        using var service = await ServiceAsync(window: 4, minimumSamples: 2);
        var outcomes = new List<bool>();
        foreach (var right in new[] { true, false, true, true, true, false })
        {
            // A new input each time: an input's judged prediction takes no second feedback.
            var (id, predicted) = await PredictAsync(service, upsideDown: outcomes.Count % 2 == 0, text: $"feedback {outcomes.Count}");
            var answer = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback(id, right ? predicted : predicted == "0" ? "180" : "0")));
            Assert.Equal(right, answer.Json().GetProperty("correct").GetBoolean());
            outcomes.Add(right);
        }

        var lines = FeedbackLines(service);
        Assert.Equal(6, lines.Length);
        Assert.False(lines[0].TryGetProperty("Accuracy", out _)); // one sample: below the minimum
        // The last four outcomes (true, true, true, false): 75 %; before that (false, true, true, true): 75 %; (t, f, t, t): 75 %.
        Assert.Equal([50.0, 66.667, 75.0, 75.0, 75.0], lines.Skip(1).Select(l => l.GetProperty("Accuracy").GetDouble()));
        Assert.All(lines, l => Assert.Equal("2.0.0", l.GetProperty("ModelVersion").GetString()));
        var directive = lines[^1].GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal(["Feedback", "FeedbackCorrect", "Accuracy"], directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()));
        Assert.Equal("Percent", directive.GetProperty("Metrics")[2].GetProperty("Unit").GetString());
        Assert.Equal(["Model", "ModelVersion"], directive.GetProperty("Dimensions")[0].EnumerateArray().Select(d => d.GetString()));
    }

    private const string InferPath = "/v2/models/ppocr-cls/infer";

    /// <summary>An /infer body for ppocr-cls with the caller's own id and every input value set to <paramref name="fill"/>.</summary>
    private static string Infer(string id, int fill) =>
        Requests.ClsInfer(dataJson: string.Join(",", Enumerable.Repeat(fill.ToString(System.Globalization.CultureInfo.InvariantCulture), 3 * 48 * 192))).Replace("\"id\":\"t1\"", $"\"id\":\"{id}\"", StringComparison.Ordinal);

    [Fact]
    public async Task Replayed_feedback_is_a_409_naming_the_first_and_the_metric_is_emitted_once()
    {
        using var service = await ServiceAsync(window: 4, minimumSamples: 1);
        var (id, predicted) = await PredictAsync(service, upsideDown: true);
        var wrong = predicted == "0" ? "180" : "0";

        var first = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback(id, wrong)));
        var lineAfterFirst = File.ReadAllText(LogFile);
        var replay = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback(id, predicted)));

        Assert.Equal(200, first.StatusCode);
        Assert.Equal(409, replay.StatusCode);
        var body = replay.Json();
        Assert.Equal("feedback_already_given", body.GetProperty("code").GetString());
        Assert.Contains(id, body.GetProperty("error").GetString(), StringComparison.Ordinal);
        var given = body.GetProperty("feedback");
        Assert.Equal(id, given.GetProperty("request_id").GetString());
        Assert.Equal(wrong, given.GetProperty("label").GetString());
        Assert.Equal(LogLines()[0].GetProperty("feedbackAt").GetString(), given.GetProperty("feedback_at").GetString());
        Assert.Equal(lineAfterFirst, File.ReadAllText(LogFile)); // the first feedback stays as given
        Assert.Single(FeedbackLines(service)); // Feedback, FeedbackCorrect and Accuracy only for the accepted one
    }

    [Fact]
    public async Task Feedback_takes_the_id_an_infer_request_chose_and_echoed()
    {
        using var service = await ServiceAsync();
        var answer = await service.HandleAsync(Requests.PostJson(InferPath, Infer("order-7", fill: 0)));
        Assert.Equal("order-7", answer.Json().GetProperty("id").GetString());

        var feedback = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback("order-7", "0")));

        Assert.Equal(200, feedback.StatusCode);
        Assert.Equal("order-7", feedback.Json().GetProperty("request_id").GetString());
        Assert.Equal("0", Assert.Single(LogLines()).GetProperty("groundTruth").GetString());
    }

    [Fact]
    public async Task A_client_id_reused_for_another_input_overwrites_no_record_and_its_feedback_is_refused_as_ambiguous()
    {
        using var service = await ServiceAsync();
        await service.HandleAsync(Requests.PostJson(InferPath, Infer("shared", fill: 0)));
        await service.HandleAsync(Requests.PostJson(InferPath, Infer("shared", fill: 1)));
        var before = File.ReadAllText(LogFile);

        var feedback = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback("shared", "0")));

        Assert.Equal(409, feedback.StatusCode);
        Assert.Equal("ambiguous_request_id", feedback.Json().GetProperty("code").GetString());
        Assert.Equal(before, File.ReadAllText(LogFile));
        Assert.Equal(2, LogLines().Select(l => l.GetProperty("inputKey").GetString()).Distinct().Count());
        Assert.Empty(FeedbackLines(service));
    }

    [Fact]
    public async Task Repeating_a_judged_request_keeps_its_feedback_and_opens_no_second_one()
    {
        using var service = await ServiceAsync();
        await service.HandleAsync(Requests.PostJson(InferPath, Infer("order-8", fill: 0)));
        Assert.Equal(200, (await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback("order-8", "0")))).StatusCode);
        var image = TestImages.TextLine("judged", upsideDown: false);
        var first = (await service.HandleAsync(Requests.Post(Predict, image, "image/png"))).Json().GetProperty("id").GetString()!;
        Assert.Equal(200, (await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback(first, "0")))).StatusCode);

        // The same /infer body (so the same id) and the same image (a new request id) again.
        await service.HandleAsync(Requests.PostJson(InferPath, Infer("order-8", fill: 0)));
        var second = (await service.HandleAsync(Requests.Post(Predict, image, "image/png"))).Json().GetProperty("id").GetString()!;
        var replayInfer = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback("order-8", "180")));
        var replayImage = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback(second, "180")));

        Assert.Equal(409, replayInfer.StatusCode);
        Assert.Equal("feedback_already_given", replayInfer.Json().GetProperty("code").GetString());
        Assert.Equal("0", replayInfer.Json().GetProperty("feedback").GetProperty("label").GetString());
        Assert.Equal(404, replayImage.StatusCode); // the input's record is the judged first one: the repeat's id names none
        Assert.Equal(2, FeedbackLines(service).Length);
        Assert.Equal(["0", "0"], LogLines().Where(l => l.TryGetProperty("groundTruth", out _)).Select(l => l.GetProperty("groundTruth").GetString()));
    }

    [Theory]
    [InlineData("", "'id' is blank")]
    [InlineData("   ", "'id' is blank")]
    [InlineData(null, "'id' has 257 characters; at most 256")]
    public async Task An_infer_id_that_could_not_take_feedback_is_refused_and_the_longest_allowed_works(string? id, string message)
    {
        using var service = await ServiceAsync();
        id ??= new string('x', 257);

        var refused = await service.HandleAsync(Requests.PostJson(InferPath, Infer(id, fill: 0)));
        var longest = await service.HandleAsync(Requests.PostJson(InferPath, Infer(new string('y', 256), fill: 0)));
        var feedback = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback(new string('y', 256), "0")));

        Assert.Equal(400, refused.StatusCode);
        Assert.Equal("invalid_request", refused.Json().GetProperty("code").GetString());
        Assert.Contains(message, refused.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, longest.StatusCode);
        Assert.Equal(200, feedback.StatusCode);
    }

    public static TheoryData<string, int, string, string> BadFeedback => new()
    {
        { "{\"label\":\"0\"}", 400, "invalid_feedback", "'requestId' is missing" },
        { "{\"requestId\":\"r\",\"label\":180}", 400, "invalid_feedback", "Field 'label' is a number; model 'ppocr-cls' takes a label string, one of: 0, 180" },
        { "{\"requestId\":\"r\",\"value\":1.5}", 400, "invalid_feedback", "is a classifier: send the true class as 'label'" },
        { "{\"requestId\":\"r\",\"label\":\"90\"}", 400, "unknown_label", "Label '90' is not one of model 'ppocr-cls''s labels: 0, 180" },
        { "{\"requestId\":\"r\",\"label\":\"0\",\"note\":1}", 400, "invalid_feedback", "Unknown field 'note'" },
        { "[1]", 400, "invalid_feedback", "must be a JSON object" },
        { "{nope", 400, "invalid_json", "Feedback is not JSON" },
        { $"{{\"requestId\":\"{new string('r', 257)}\",\"label\":\"0\"}}", 400, "invalid_feedback", "Field 'requestId' has 257 characters; an answer's 'id' has at most 256" },
        { "{\"requestId\":\"never-seen\",\"label\":\"0\"}", 404, "prediction_not_found", "no prediction of model 'ppocr-cls' with request id 'never-seen'" },
    };

    [Theory]
    [MemberData(nameof(BadFeedback))]
    public async Task Bad_feedback_is_a_4xx_naming_the_problem_and_changes_nothing(string body, int status, string code, string message)
    {
        using var service = await ServiceAsync();
        await PredictAsync(service, upsideDown: false);
        var before = File.ReadAllText(LogFile);

        var answer = await service.HandleAsync(Requests.PostJson(FeedbackPath, body));

        Assert.Equal(status, answer.StatusCode);
        Assert.Equal(code, answer.Json().GetProperty("code").GetString());
        Assert.Contains(message, answer.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(LogFile));
        Assert.Empty(FeedbackLines(service));
    }

    [Fact]
    public async Task Without_a_predictions_log_feedback_is_refused_and_GET_is_not_allowed()
    {
        using var service = await CachingService.CreateAsync(new PredictionCacheOptions { MaxEntries = 0 });

        var refused = await service.HandleAsync(Requests.PostJson(FeedbackPath, Feedback("r", "0")));
        var get = await service.HandleAsync(Requests.Get(FeedbackPath));

        Assert.Equal(409, refused.StatusCode);
        Assert.Equal("no_predictions_log", refused.Json().GetProperty("code").GetString());
        Assert.Equal(405, get.StatusCode);
        Assert.Equal("POST", get.Headers["Allow"]);
    }

    [Fact]
    public void The_window_slides_dropping_the_oldest_outcome()
    {
        var window = new AccuracyWindow(3, 3);

        Assert.Null(window.Add("m", "1", true).AccuracyPercent);
        Assert.Null(window.Add("m", "1", true).AccuracyPercent);
        Assert.Equal(100.0, window.Add("m", "1", true).AccuracyPercent);
        Assert.Equal(200.0 / 3, window.Add("m", "1", false).AccuracyPercent);
        Assert.Equal((100.0 / 3, 3), window.Add("m", "1", false));
        // Another version has its own window.
        Assert.Equal((null, 1), window.Add("m", "2", false));
    }
}
