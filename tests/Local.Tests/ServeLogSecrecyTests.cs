using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Infra.Local;
using TestModels;

namespace Local.Tests;

/// <summary>
/// serve logs one line per request, and its function processes log theirs: neither may carry a request's body, API
/// key, bearer token or query values. Requests with a secret marker in each of them go through serve's whole path
/// (front, gateway rules, a real function process with ppocr-cls); serve's log and the function's log file are read.
/// </summary>
public sealed class ServeLogSecrecyTests
{
    private const string Marker = "S3CRET-MARKER-5d0e2b6c";

    [Fact]
    public async Task Neither_serve_nor_the_function_logs_a_requests_body_api_key_token_or_query()
    {
        var stack = TestStacks.RunningTheBuiltFunction(TestStacks.RestApi());
        var log = new StringWriter();
        using var logs = new TempFolder("serve-logs-");
        var settings = new ServeSettings(0, 1, TimeSpan.FromMinutes(5), null, null) { FunctionLogDirectory = logs.Path };
        var statuses = new List<HttpStatusCode>();

        await using (var serve = await LocalServe.StartAsync(stack, settings, TextWriter.Synchronized(log)))
        {
            using var client = new HttpClient { BaseAddress = serve.Front.BaseAddress };
            var key = serve.Keys["embed"]["acme"];
            var infer = $"/embed/test/v2/models/ppocr-cls/infer?token={Marker}&note=x";
            var requests = new[]
            {
                Request(infer, Marker, Encoding.UTF8.GetBytes("{}"), "application/json"),
                Request(infer, key, Encoding.UTF8.GetBytes($$"""{"inputs":[{"name":"{{Marker}}","shape":[1],"datatype":"FP32","data":[0]}]}"""), "application/json"),
                Request(infer, key, Encoding.UTF8.GetBytes($$"""{"inputs":[{"name":"x","shape":[1,3,48,192],"datatype":"{{Marker}}","data":[0]}]}"""), "application/json"),
                Request("/embed/test/v2/models/ppocr-cls/predict", key, [.. TextLines.Png("upright", upsideDown: false), .. Encoding.UTF8.GetBytes(Marker)], "image/png"),
                Request("/embed/test/v2/models/ppocr-cls/predict", key, Encoding.UTF8.GetBytes(Marker), "image/png"),
            };
            foreach (var request in requests)
            {
                using var response = await client.SendAsync(request);
                statuses.Add(response.StatusCode);
            }
        }

        // serve appends each function's whole output to <function>.log, as CloudWatch Logs would hold it.
        var functionOutput = string.Concat(Directory.GetFiles(logs.Path, "*", SearchOption.AllDirectories).Select(File.ReadAllText));

        // The wrong key is refused at the gateway; the others reach the function, whose log lines are there.
        Assert.True(statuses.SequenceEqual([HttpStatusCode.Forbidden, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.OK, HttpStatusCode.BadRequest]),
            $"{string.Join(", ", statuses)}\n{log}\n{functionOutput}");
        Assert.Contains("-> 403", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"errorCode\":\"unknown_input\"", functionOutput, StringComparison.Ordinal);
        Assert.Contains("\"errorCode\":\"datatype_mismatch\"", functionOutput, StringComparison.Ordinal);
        Assert.Contains("\"errorCode\":\"invalid_image\"", functionOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, functionOutput, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Request(string path, string apiKey, byte[] body, string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("x-api-key", apiKey);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Marker);
        request.Headers.Add("Cookie", $"session={Marker}");
        return request;
    }
}
