using System.Text;
using System.Text.Json;
using LambdaEmulator;
using SkiaSharp;

namespace InferenceFunction.Tests;

/// <summary>
/// Nothing sensitive reaches the logs: the real function process gets events carrying a secret marker in the body
/// (valid and invalid requests, feedback, an image, an S3 object of a batch), in the API key, Authorization and Cookie headers
/// and in the query string. Its whole stdout and stderr and its predictions log must not contain the marker, nor
/// any body in base64; sizes and hashes are allowed.
/// </summary>
public sealed class SensitiveDataLoggingTests : IDisposable
{
    private const string Marker = "S3CRET-MARKER-93c1f0a7";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("sensitive-logs-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Request_bodies_keys_tokens_and_query_values_appear_in_no_log_output_nor_the_predictions_log()
    {
        var predictionsLog = Path.Combine(_root.FullName, "predictions.jsonl");
        var objects = Path.Combine(_root.FullName, "objects");
        Directory.CreateDirectory(Path.Combine(objects, "inputs", "incoming"));
        await File.WriteAllTextAsync(Path.Combine(objects, "inputs", "incoming", "secret.json"), InferRequest(inputName: Marker));
        var output = new StringWriter();
        var environment = new Dictionary<string, string>
        {
            ["MODEL_DIR"] = Path.Combine(AppContext.BaseDirectory, "models"),
            ["MODEL_NAME"] = "ppocr-cls",
            ["ORT_INTRA_OP_THREADS"] = "1",
            ["PREDICTIONS_LOG_FILE"] = predictionsLog,
            ["PREDICTIONS_SAMPLE_RATE"] = "1",
            ["LOCAL_OBJECT_ROOT"] = objects,
            ["RESULTS_BUCKET"] = "results",
            ["BATCH_MODEL_NAME"] = "ppocr-cls",
            ["BATCH_MODEL_VERSION"] = "2.0.0",
        };
        var bodies = new List<byte[]>
        {
            Encoding.UTF8.GetBytes(InferRequest(parameter: Marker)),
            Encoding.UTF8.GetBytes(InferRequest(inputName: Marker)),
            Encoding.UTF8.GetBytes(InferRequest(datatype: Marker)),
            Encoding.UTF8.GetBytes(InferRequest(outputName: Marker)),
            Encoding.UTF8.GetBytes("{\"inputs\": [" + Marker),
        };
        List<byte[]> feedbacks = [Encoding.UTF8.GetBytes($$"""{"requestId":"r1","label":"{{Marker}}"}"""), Encoding.UTF8.GetBytes($$"""{"requestId":"r1","{{Marker}}":1}""")];
        List<byte[]> images = [[.. TextLinePng(), .. Encoding.UTF8.GetBytes(Marker)], Encoding.UTF8.GetBytes(Marker + " is not an image")];

        var statuses = new List<int>();
        await using (var emulator = await FunctionEmulator.StartAsync(
            FunctionDefinition.ForPublishedFunction(BuiltFunction.AssemblyPath, environment, TimeSpan.FromSeconds(30)), TextWriter.Synchronized(output)))
        {
            foreach (var body in bodies)
            {
                statuses.Add(await InvokeAsync(emulator, RestEvent("/v2/models/ppocr-cls/infer", "application/json", body)));
            }

            foreach (var feedback in feedbacks)
            {
                statuses.Add(await InvokeAsync(emulator, RestEvent("/v2/models/ppocr-cls/feedback", "application/json", feedback)));
            }

            foreach (var image in images)
            {
                statuses.Add(await InvokeAsync(emulator, RestEvent("/v2/models/ppocr-cls/predict", "image/png", image)));
                statuses.Add(await InvokeAsync(emulator, HttpApiEvent("/v2/models/ppocr-cls/predict", "image/png", image)));
            }

            var batch = await emulator.InvokeAsync(Encoding.UTF8.GetBytes(SqsS3Events.For("inputs", ("m1", "incoming/secret.json"))));
            Assert.True(batch.Status == InvocationStatus.Succeeded, emulator.RecentOutput());
        }

        // The requests were answered as expected (so their log lines were written), and the batch wrote its error record.
        Assert.Equal([200, 400, 400, 400, 400, 400, 400, 200, 200, 400, 400], statuses);
        var record = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(objects, "results", "results", "ppocr-cls", "2.0.0", "incoming", "secret.json.json"))).RootElement;
        Assert.Equal("unknown_input", record.GetProperty("response").GetProperty("code").GetString());

        var logged = output.ToString();
        var predictions = await File.ReadAllTextAsync(predictionsLog);
        Assert.Contains("\"errorCode\":\"unknown_input\"", logged, StringComparison.Ordinal);
        Assert.Contains("\"errorCode\":\"datatype_mismatch\"", logged, StringComparison.Ordinal);
        Assert.Contains("\"errorCode\":\"unknown_output\"", logged, StringComparison.Ordinal);
        Assert.Contains("\"errorCode\":\"unknown_label\"", logged, StringComparison.Ordinal);
        Assert.Equal(10, predictions.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"inputBytes\"", predictions, StringComparison.Ordinal);
        foreach (var text in new[] { logged, predictions })
        {
            Assert.DoesNotContain(Marker, text, StringComparison.OrdinalIgnoreCase);
            foreach (var body in bodies.Concat(feedbacks).Concat(images))
            {
                Assert.DoesNotContain(Convert.ToBase64String(body)[..24], text, StringComparison.Ordinal);
            }
        }

        // Error messages that quote the request give only the quoted text's length in the log.
        Assert.Contains("Input '<22 characters from the request>' is not an input of model 'ppocr-cls'", logged, StringComparison.Ordinal);
    }

    private static async Task<int> InvokeAsync(FunctionEmulator emulator, string lambdaEvent)
    {
        var result = await emulator.InvokeAsync(Encoding.UTF8.GetBytes(lambdaEvent));
        Assert.True(result.Status == InvocationStatus.Succeeded, emulator.RecentOutput());
        return JsonDocument.Parse(result.Payload).RootElement.GetProperty("statusCode").GetInt32();
    }

    /// <summary>A request for ppocr-cls (x: FP32 [1,3,48,192], all zeros) with the marker where the test puts it.</summary>
    private static string InferRequest(string inputName = "x", string datatype = "FP32", string? outputName = null, string? parameter = null)
    {
        var data = string.Join(",", Enumerable.Repeat("0", 3 * 48 * 192));
        var outputs = outputName is null ? "" : $$""","outputs":[{"name":"{{outputName}}"}]""";
        var parameters = parameter is null ? "" : $$""","parameters":{"note":"{{parameter}}"}""";
        return $$"""{"id":"r1","inputs":[{"name":"{{inputName}}","shape":[1,3,48,192],"datatype":"{{datatype}}","data":[{{data}}]}]{{outputs}}{{parameters}}}""";
    }

    /// <summary>An API Gateway REST (v1) proxy event with the marker as API key, bearer token, cookie and query value.</summary>
    private static string RestEvent(string path, string contentType, byte[] body) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["resource"] = "/{proxy+}",
        ["path"] = path,
        ["httpMethod"] = "POST",
        ["headers"] = SecretHeaders(contentType),
        ["multiValueHeaders"] = SecretHeaders(contentType).ToDictionary(h => h.Key, h => new[] { h.Value }),
        ["queryStringParameters"] = new Dictionary<string, string> { ["token"] = Marker },
        ["multiValueQueryStringParameters"] = new Dictionary<string, string[]> { ["token"] = [Marker] },
        ["requestContext"] = new Dictionary<string, object>
        {
            ["stage"] = "test",
            ["requestId"] = "req-1",
            ["identity"] = new Dictionary<string, string> { ["apiKey"] = Marker, ["sourceIp"] = "127.0.0.1" },
        },
        ["body"] = Convert.ToBase64String(body),
        ["isBase64Encoded"] = true,
    });

    /// <summary>An HTTP API (v2) event with the marker in headers, cookies and the raw query string.</summary>
    private static string HttpApiEvent(string path, string contentType, byte[] body) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["version"] = "2.0",
        ["rawPath"] = path,
        ["rawQueryString"] = $"token={Marker}",
        ["cookies"] = new[] { $"session={Marker}" },
        ["headers"] = SecretHeaders(contentType),
        ["queryStringParameters"] = new Dictionary<string, string> { ["token"] = Marker },
        ["requestContext"] = new Dictionary<string, object>
        {
            ["stage"] = "$default",
            ["http"] = new Dictionary<string, string> { ["method"] = "POST", ["path"] = path, ["sourceIp"] = "127.0.0.1" },
        },
        ["body"] = Convert.ToBase64String(body),
        ["isBase64Encoded"] = true,
    });

    private static Dictionary<string, string> SecretHeaders(string contentType) => new()
    {
        ["content-type"] = contentType,
        ["x-api-key"] = Marker,
        ["authorization"] = $"Bearer {Marker}",
        ["cookie"] = $"session={Marker}",
    };

    private static byte[] TextLinePng()
    {
        using var bitmap = new SKBitmap(192, 48);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var font = new SKFont(SKTypeface.Default, 28);
            using var paint = new SKPaint { Color = SKColors.Black };
            canvas.DrawText("upright", 6, 34, SKTextAlign.Left, font, paint);
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
