using System.Text;
using System.Text.Json;
using Inference.Telemetry;
using Inference.Variants;

namespace Inference.Tests.Variants;

/// <summary>The legacy backend variant against a real HTTP server on loopback.</summary>
public sealed class HttpBackendServiceTests
{
    private const string Path = "/v2/models/ppocr-cls/predict";

    private static (HttpBackendService Service, StringWriter Log) Backend(string url, int timeoutMs = 5000)
    {
        var log = new StringWriter();
        var spec = new VariantSpec("legacy", 100, VariantSource.HttpBackend) { Url = new Uri(url), TimeoutMs = timeoutMs, Version = "v1-sagemaker" };
        return (new HttpBackendService(spec, new HttpClient(), new TelemetryWriter(log, "Test") { Variant = "legacy" }), log);
    }

    private static Service.InferenceRequest Image()
    {
        var request = Requests.Post(Path, [1, 2, 3], "image/png");
        ((Dictionary<string, string>)request.Headers)["x-api-key"] = "client-secret";
        return request;
    }

    [Fact]
    public async Task The_backend_gets_the_path_body_and_content_type_but_not_the_clients_key_and_its_answer_comes_back_as_it_is()
    {
        using var server = new LocalHttpBackend(c => LocalHttpBackend.Answer(c, 200, "application/json", """{"predictions":[{"label":"0"}]}"""));
        var (service, log) = Backend(server.Url + "legacy-api/");

        var response = await service.HandleAsync(Image(), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("""{"predictions":[{"label":"0"}]}""", Encoding.UTF8.GetString(response.Body.Span));
        Assert.Equal("application/json", response.Headers["Content-Type"]);
        var received = Assert.Single(server.Received);
        Assert.Equal(("POST", "/legacy-api" + Path, "image/png"), (received.Method, received.Path, received.ContentType));
        Assert.Equal([1, 2, 3], received.Body);
        Assert.Null(received.ApiKey);
        var line = JsonDocument.Parse(log.ToString()).RootElement;
        Assert.Equal(("legacy", "v1-sagemaker", "ppocr-cls"), (line.GetProperty("Variant").GetString(), line.GetProperty("ModelVersion").GetString(), line.GetProperty("Model").GetString()));
        Assert.Equal(1, line.GetProperty("Predictions").GetInt32());
    }

    [Fact]
    public async Task A_client_error_of_the_backend_is_passed_through()
    {
        using var server = new LocalHttpBackend(c => LocalHttpBackend.Answer(c, 400, "application/json", """{"error":"bad image"}"""));

        var response = await Backend(server.Url).Service.HandleAsync(Image(), CancellationToken.None);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("""{"error":"bad image"}""", Encoding.UTF8.GetString(response.Body.Span));
    }

    [Fact]
    public async Task A_backend_5xx_is_a_502_naming_the_backend()
    {
        using var server = new LocalHttpBackend(c => LocalHttpBackend.Answer(c, 503, "text/html", "<h1>down</h1>"));
        var (service, log) = Backend(server.Url);

        var response = await service.HandleAsync(Image(), CancellationToken.None);

        Assert.Equal(502, response.StatusCode);
        var body = response.Json();
        Assert.Equal(HttpBackendService.Failed, body.GetProperty("code").GetString());
        Assert.Equal($"The backend 'legacy' ({server.Url.TrimEnd('/')}) answered 503 Service Unavailable.", body.GetProperty("error").GetString());
        var line = JsonDocument.Parse(log.ToString()).RootElement;
        Assert.Equal("ERROR", line.GetProperty("level").GetString());
        Assert.Equal(HttpBackendService.Failed, line.GetProperty("ErrorCode").GetString());
    }

    [Fact]
    public async Task A_refused_connection_is_a_502_naming_the_backend()
    {
        var port = LocalHttpBackend.ClosedPort();

        var response = await Backend($"http://127.0.0.1:{port}/").Service.HandleAsync(Image(), CancellationToken.None);

        Assert.Equal(502, response.StatusCode);
        var body = response.Json();
        Assert.Equal(HttpBackendService.Unreachable, body.GetProperty("code").GetString());
        Assert.StartsWith($"The backend 'legacy' (http://127.0.0.1:{port}) could not be reached: ", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("refused", body.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_backend_slower_than_its_timeout_is_a_504_naming_the_backend()
    {
        using var server = new LocalHttpBackend(async c =>
        {
            await Task.Delay(3000);
            await LocalHttpBackend.Answer(c, 200, "application/json", "{}");
        });

        var response = await Backend(server.Url, timeoutMs: 200).Service.HandleAsync(Image(), CancellationToken.None);

        Assert.Equal(504, response.StatusCode);
        Assert.Equal(HttpBackendService.TimedOut, response.Json().GetProperty("code").GetString());
        Assert.Equal($"The backend 'legacy' ({server.Url.TrimEnd('/')}) did not answer within 200 ms.", response.Json().GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_turned_into_an_answer()
    {
        using var server = new LocalHttpBackend(async c =>
        {
            await Task.Delay(3000);
            await LocalHttpBackend.Answer(c, 200, "application/json", "{}");
        });
        using var cancel = new CancellationTokenSource(200);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Backend(server.Url).Service.HandleAsync(Image(), cancel.Token));
    }
}
