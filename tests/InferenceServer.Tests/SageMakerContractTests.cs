using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Inference.Service;
using InferenceServer;

namespace InferenceServer.Tests;

/// <summary>The SageMaker hosting contract and the server's own answers, on an in-process server over real HTTP.</summary>
public sealed class SageMakerContractTests : IAsyncLifetime
{
    private static readonly string ModelsDirectory = Path.Combine(AppContext.BaseDirectory, "models");
    private ModelService _models = null!;

    public async Task InitializeAsync() =>
        _models = await InferenceServiceFactory.CreateAsync(new InferenceOptions { ModelDirectory = ModelsDirectory, ModelName = "ppocr-cls", IntraOpThreads = 1 }, TextWriter.Null);

    public Task DisposeAsync()
    {
        _models.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Ping_is_503_JSON_until_the_service_is_warm_then_200_with_an_empty_body()
    {
        await using var server = await ServerApplication.StartAsync(ServerFixtures.Loopback(), CancellationToken.None);
        using var client = new HttpClient { BaseAddress = server.Address };

        using var before = await client.GetAsync("/ping");
        using var inferBefore = await client.PostAsync("/v2/models/ppocr-cls/infer", Json(Infer()));
        server.State.MarkReady(_models);
        using var after = await client.GetAsync("/ping");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        Assert.Equal("not_ready", Code(await before.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, inferBefore.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Empty(await after.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Invocations_with_a_JSON_body_is_infer_on_the_invocations_model()
    {
        await using var server = await StartReadyAsync(new ServerSettings { BindAddress = IPAddress.Loopback, Port = 0, InvocationsModel = "ppocr-cls" });
        using var client = new HttpClient { BaseAddress = server.Address };

        using var response = await client.PostAsync("/invocations", Json(Infer()));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("ppocr-cls", json.RootElement.GetProperty("model_name").GetString());
        Assert.Equal([1L, 2], json.RootElement.GetProperty("outputs")[0].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var requestId = response.Headers.GetValues("X-Request-Id").Single();
        Assert.Equal($"request-id={requestId}", response.Headers.GetValues(InvocationTarget.CustomAttributesHeader).Single());
    }

    [Fact]
    public async Task Invocations_with_an_image_body_is_predict_on_the_invocations_model()
    {
        await using var server = await StartReadyAsync(new ServerSettings { BindAddress = IPAddress.Loopback, Port = 0, InvocationsModel = "ppocr-cls" });
        using var client = new HttpClient { BaseAddress = server.Address };
        using var content = new ByteArrayContent(Inference.Tests.TestImages.TextLine("server mode", false));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");

        using var response = await client.PostAsync("/invocations", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("0", json.RootElement.GetProperty("predictions")[0].GetProperty("label").GetString());
    }

    [Fact]
    public async Task Invocations_follows_the_path_method_and_request_id_custom_attributes()
    {
        await using var server = await StartReadyAsync(ServerFixtures.Loopback());
        using var client = new HttpClient { BaseAddress = server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/invocations") { Content = Json("") };
        request.Headers.TryAddWithoutValidation(InvocationTarget.CustomAttributesHeader, "trace=x; route=/v2/models/ppocr-cls/versions/2.0.0 ; method=get; request-id=front-42");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ppocr-cls", json.RootElement.GetProperty("name").GetString());
        Assert.Equal("front-42", response.Headers.GetValues("X-Request-Id").Single());
    }

    [Theory]
    [InlineData("", "INVOCATIONS_MODEL")]
    [InlineData("route=v2/models/ppocr-cls/infer", "route='v2/models/ppocr-cls/infer'")]
    [InlineData("route=/invocations", "route='/invocations'")]
    [InlineData("route=/v2/models/ppocr-cls/infer; request-id=a b", "request-id='a b'")]
    public async Task Invocations_without_a_usable_target_is_400_naming_the_attribute_or_variable(string attributes, string named)
    {
        await using var server = await StartReadyAsync(ServerFixtures.Loopback());
        using var client = new HttpClient { BaseAddress = server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/invocations") { Content = Json(Infer()) };
        request.Headers.TryAddWithoutValidation(InvocationTarget.CustomAttributesHeader, attributes);

        using var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", Code(body));
        Assert.Contains(named, Error(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_on_invocations_is_405_with_Allow_POST()
    {
        await using var server = await StartReadyAsync(ServerFixtures.Loopback());
        using var client = new HttpClient { BaseAddress = server.Address };

        using var response = await client.GetAsync("/invocations");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method_not_allowed", Code(await response.Content.ReadAsStringAsync()));
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task An_unknown_route_is_404_JSON()
    {
        await using var server = await StartReadyAsync(ServerFixtures.Loopback());
        using var client = new HttpClient { BaseAddress = server.Address };

        using var response = await client.GetAsync("/v1/models/ppocr-cls");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("not_found", Code(await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData(false, 6 * 1024 * 1024 + 1)]
    [InlineData(true, 6 * 1024 * 1024 + 1)]
    [InlineData(false, 20 * 1024 * 1024)]
    public async Task A_body_over_SageMakers_6_MiB_is_413_JSON_on_invocations(bool chunked, int bytes)
    {
        await using var server = await StartReadyAsync(new ServerSettings { BindAddress = IPAddress.Loopback, Port = 0, InvocationsModel = "ppocr-cls" });
        using var client = new HttpClient { BaseAddress = server.Address };
        HttpContent content = chunked ? new StreamContent(new MemoryStream(new byte[bytes])) : new ByteArrayContent(new byte[bytes]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/invocations") { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        // Far past the drain limit the server answers at once and closes; a client that is still sending may then see
        // the connection end instead of the answer, which the raw socket below reads either way.
        using var response = bytes > 2 * 6 * 1024 * 1024 ? await SendRawAsync(server.Address, bytes) : await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", Code(body));
        Assert.Contains("6291456", Error(body), StringComparison.Ordinal);
    }

    private async Task<ServerApplication> StartReadyAsync(ServerSettings settings)
    {
        var server = await ServerApplication.StartAsync(settings, CancellationToken.None);
        server.State.MarkReady(_models);
        return server;
    }

    /// <summary>Headers with a Content-Length far over the limit and no body: the server answers from the header alone.</summary>
    private static async Task<HttpResponseMessage> SendRawAsync(Uri address, int declaredBytes)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /invocations HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\nContent-Length: {declaredBytes}\r\n\r\n"));
        var raw = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();
        var status = int.Parse(raw.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(raw[(raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]) };
    }

    private static string Infer() => Inference.Tests.Requests.ClsInfer();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Code(string body) => JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()!;

    private static string Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;
}
