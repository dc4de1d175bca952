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

    private CachingService Service(double sampleRate = 1, int window = 100, int minimumSamples = 20) => new(
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
    private static async Task<(string Id, string Label)> PredictAsync(CachingService service, bool upsideDown)
    {
        var answer = await service.HandleAsync(Requests.Post(Predict, TestImages.TextLine("feedback", upsideDown), "image/png"));
        Assert.Equal(200, answer.StatusCode);
        var body = answer.Json();
        return (body.GetProperty("id").GetString()!, body.GetProperty("predictions")[0].GetProperty("label").GetString()!);
    }

    private static string Feedback(string requestId, string label) => JsonSerializer.Serialize(new { requestId, label });

    [Fact]
    public async Task Feedback_stores_the_true_label_next_to_the_prediction_and_judges_its_top_1_answer()
    {
        using var service = Service();
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
        using var service = Service(window: 4, minimumSamples: 2);
        var outcomes = new List<bool>();
        foreach (var right in new[] { true, false, true, true, true, false })
        {
            var (id, predicted) = await PredictAsync(service, upsideDown: outcomes.Count % 2 == 0);
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

    public static TheoryData<string, int, string, string> BadFeedback => new()
    {
        { "{\"label\":\"0\"}", 400, "invalid_feedback", "'requestId' is missing" },
        { "{\"requestId\":\"r\",\"label\":180}", 400, "invalid_feedback", "Field 'label' is a number; model 'ppocr-cls' takes a label string, one of: 0, 180" },
        { "{\"requestId\":\"r\",\"value\":1.5}", 400, "invalid_feedback", "is a classifier: send the true class as 'label'" },
        { "{\"requestId\":\"r\",\"label\":\"90\"}", 400, "unknown_label", "Label '90' is not one of model 'ppocr-cls''s labels: 0, 180" },
        { "{\"requestId\":\"r\",\"label\":\"0\",\"note\":1}", 400, "invalid_feedback", "Unknown field 'note'" },
        { "[1]", 400, "invalid_feedback", "must be a JSON object" },
        { "{nope", 400, "invalid_json", "Feedback is not JSON" },
        { "{\"requestId\":\"never-seen\",\"label\":\"0\"}", 404, "prediction_not_found", "no prediction of model 'ppocr-cls' with request id 'never-seen'" },
    };

    [Theory]
    [MemberData(nameof(BadFeedback))]
    public async Task Bad_feedback_is_a_4xx_naming_the_problem_and_changes_nothing(string body, int status, string code, string message)
    {
        using var service = Service();
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
        using var service = new CachingService(new PredictionCacheOptions { MaxEntries = 0 });

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
