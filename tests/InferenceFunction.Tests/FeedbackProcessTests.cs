using System.Text;
using System.Text.Json;
using LambdaEmulator;
using TestModels;

namespace InferenceFunction.Tests;

/// <summary>
/// Feedback through the real function process, whose predictions log is a table in DynamoDB Local (as serve's
/// emulators bind it): the id an /infer answer echoes takes feedback, and only once.
/// </summary>
public sealed class FeedbackProcessTests : IDisposable
{
    private readonly Amazon.DynamoDBv2.AmazonDynamoDBClient? _client = PredictionsLogTables.Client();

    public void Dispose() => _client?.Dispose();

    [SkippableFact]
    public async Task The_id_an_infer_request_chose_takes_one_feedback_and_a_replay_is_409_naming_it()
    {
        Skip.If(_client is null, "DYNAMODB_LOCAL_ENDPOINT is not set; run tests/Inference.Tests/dynamodb-local.sh");
        var table = await PredictionsLogTables.CreateAsync(_client!);
        var output = new StringWriter();
        var environment = new Dictionary<string, string>
        {
            ["MODEL_DIR"] = Path.Combine(AppContext.BaseDirectory, "models"),
            ["MODEL_NAME"] = "ppocr-cls",
            ["ORT_INTRA_OP_THREADS"] = "1",
            ["PREDICTIONS_TABLE"] = table,
            ["PREDICTIONS_SAMPLE_RATE"] = "1",
            ["PREDICTIONS_TIMEOUT_MS"] = "5000",
            ["AWS_ENDPOINT_URL_DYNAMODB"] = PredictionsLogTables.Endpoint!,
            ["AWS_ACCESS_KEY_ID"] = "local",
            ["AWS_SECRET_ACCESS_KEY"] = "local",
            ["AWS_REGION"] = "us-east-1",
        };
        var infer = $$"""{"id":"client-order-42","inputs":[{"name":"x","shape":[1,3,48,192],"datatype":"FP32","data":[{{string.Join(",", Enumerable.Repeat("0", 3 * 48 * 192))}}]}]}""";

        JsonElement answer, first, replay;
        await using (var emulator = await FunctionEmulator.StartAsync(
            FunctionDefinition.ForPublishedFunction(BuiltFunction.AssemblyPath, environment, TimeSpan.FromSeconds(30)), TextWriter.Synchronized(output)))
        {
            answer = await InvokeAsync(emulator, "/v2/models/ppocr-cls/infer", infer);
            first = await InvokeAsync(emulator, "/v2/models/ppocr-cls/feedback", """{"requestId":"client-order-42","label":"180"}""");
            replay = await InvokeAsync(emulator, "/v2/models/ppocr-cls/feedback", """{"requestId":"client-order-42","label":"0"}""");
        }

        Assert.True(answer.GetProperty("statusCode").GetInt32() == 200, output.ToString());
        Assert.Equal("client-order-42", Body(answer).GetProperty("id").GetString());
        Assert.True(first.GetProperty("statusCode").GetInt32() == 200, Body(first).ToString());
        Assert.Equal(409, replay.GetProperty("statusCode").GetInt32());
        var refused = Body(replay);
        Assert.Equal("feedback_already_given", refused.GetProperty("code").GetString());
        Assert.Equal("180", refused.GetProperty("feedback").GetProperty("label").GetString());
        var item = Assert.Single(await PredictionsLogTables.ItemsAsync(_client!, table));
        Assert.Equal(("client-order-42", "180"), (item["requestId"].S, item["groundTruth"].S));
        Assert.Equal(item["feedbackAt"].S, refused.GetProperty("feedback").GetProperty("feedback_at").GetString());
        // One "feedback" EMF line (Feedback, FeedbackCorrect): the refused replay publishes nothing.
        Assert.Single(output.ToString().Split('\n'), l => l.Contains("\"message\":\"feedback\"", StringComparison.Ordinal));
    }

    private static async Task<JsonElement> InvokeAsync(FunctionEmulator emulator, string path, string json)
    {
        var result = await emulator.InvokeAsync(Encoding.UTF8.GetBytes(ApiEvent(path, json)));
        Assert.True(result.Status == InvocationStatus.Succeeded, emulator.RecentOutput());
        return JsonDocument.Parse(result.Payload).RootElement.Clone();
    }

    private static JsonElement Body(JsonElement response) => JsonDocument.Parse(response.GetProperty("body").GetString()!).RootElement.Clone();

    /// <summary>An API Gateway HTTP API (v2) event posting JSON.</summary>
    private static string ApiEvent(string path, string json) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["version"] = "2.0",
        ["rawPath"] = path,
        ["headers"] = new Dictionary<string, string> { ["content-type"] = "application/json" },
        ["requestContext"] = new Dictionary<string, object>
        {
            ["stage"] = "$default",
            ["requestId"] = "gw-" + Guid.NewGuid().ToString("N")[..12],
            ["http"] = new Dictionary<string, string> { ["method"] = "POST", ["path"] = path },
        },
        ["body"] = json,
        ["isBase64Encoded"] = false,
    });
}
