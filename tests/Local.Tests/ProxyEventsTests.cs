using System.Text;
using System.Text.Json;
using Infra.Components;
using Infra.Local.Gateway;

namespace Local.Tests;

/// <summary>HTTP requests become REST proxy (v1) events, and proxy responses become HTTP again.</summary>
public sealed class ProxyEventsTests
{
    private static readonly RouteMatch Predict = new(ApiRoute.Inference.Single(r => r.Name == "predict"), new Dictionary<string, string> { ["name"] = "resnet18" });

    [Fact]
    public void A_binary_upload_travels_base64_with_the_route_path_parameters_headers_and_query()
    {
        var api = TestStacks.RestApi().Apis.Single();
        var image = new byte[] { 0xFF, 0xD8, 0xFF, 0x00, 0x01, 0x80 };
        var request = new GatewayRequest("POST", "/v2/models/resnet18/predict",
            [KeyValuePair.Create("top", "3"), KeyValuePair.Create("tag", "a"), KeyValuePair.Create("tag", "b")],
            [KeyValuePair.Create("Content-Type", "image/jpeg"), KeyValuePair.Create("Accept", "text/plain"), KeyValuePair.Create("Accept", "application/json")],
            image, "127.0.0.1");

        var e = JsonDocument.Parse(ProxyEvents.ToEvent(request, api, Predict, "req-1", "key-1", DateTimeOffset.UnixEpoch)).RootElement;

        Assert.True(e.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(image, Convert.FromBase64String(e.GetProperty("body").GetString()!));
        Assert.Equal("POST", e.GetProperty("httpMethod").GetString());
        Assert.Equal("/v2/models/resnet18/predict", e.GetProperty("path").GetString());
        Assert.Equal("/v2/models/{name}/predict", e.GetProperty("resource").GetString());
        Assert.Equal("resnet18", e.GetProperty("pathParameters").GetProperty("name").GetString());
        Assert.Equal("application/json", e.GetProperty("headers").GetProperty("Accept").GetString());
        Assert.Equal(["text/plain", "application/json"], e.GetProperty("multiValueHeaders").GetProperty("Accept").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("b", e.GetProperty("queryStringParameters").GetProperty("tag").GetString());
        Assert.Equal(2, e.GetProperty("multiValueQueryStringParameters").GetProperty("tag").GetArrayLength());
        var context = e.GetProperty("requestContext");
        Assert.Equal("test", context.GetProperty("stage").GetString());
        Assert.Equal("/test/v2/models/resnet18/predict", context.GetProperty("path").GetString());
        Assert.Equal("req-1", context.GetProperty("requestId").GetString());
        Assert.Equal("127.0.0.1", context.GetProperty("identity").GetProperty("sourceIp").GetString());
        Assert.Equal("key-1", context.GetProperty("identity").GetProperty("apiKey").GetString());
    }

    [Fact]
    public void A_JSON_body_travels_as_text_and_an_empty_one_as_null()
    {
        var api = TestStacks.RestApi().Apis.Single();
        var json = new GatewayRequest("POST", "/v2/models/resnet18/infer", [], [KeyValuePair.Create("Content-Type", "application/json; charset=utf-8")], Encoding.UTF8.GetBytes("""{"inputs":[]}"""), "127.0.0.1");
        var empty = json with { Body = [] };

        var withBody = JsonDocument.Parse(ProxyEvents.ToEvent(json, api, Predict, "r", null, DateTimeOffset.UnixEpoch)).RootElement;
        var withoutBody = JsonDocument.Parse(ProxyEvents.ToEvent(empty, api, Predict, "r", null, DateTimeOffset.UnixEpoch)).RootElement;

        Assert.False(withBody.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal("""{"inputs":[]}""", withBody.GetProperty("body").GetString());
        Assert.Equal(JsonValueKind.Null, withoutBody.GetProperty("body").ValueKind);
        Assert.Equal(JsonValueKind.Null, withoutBody.GetProperty("queryStringParameters").ValueKind);
    }

    [Theory]
    [InlineData("image/png", true)]
    [InlineData("IMAGE/JPEG; q=1", true)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void Binary_media_types_match_exactly_or_by_wildcard(string? contentType, bool binary)
    {
        Assert.Equal(binary, ProxyEvents.IsBinary(contentType, ["image/jpeg", "image/*"]));
        Assert.True(ProxyEvents.IsBinary("application/zip", ["*/*"]));
    }

    [Fact]
    public void A_base64_response_is_decoded_and_multi_value_headers_win_over_single_ones()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF };
        var payload = JsonSerializer.SerializeToUtf8Bytes(new
        {
            statusCode = 201,
            headers = new Dictionary<string, string> { ["Content-Type"] = "image/png", ["Set-Cookie"] = "single" },
            multiValueHeaders = new Dictionary<string, string[]> { ["Set-Cookie"] = ["a=1", "b=2"] },
            body = Convert.ToBase64String(png),
            isBase64Encoded = true,
        });

        var response = ProxyEvents.FromResponse(payload);

        Assert.Equal(201, response.StatusCode);
        Assert.Equal(png, response.Body);
        Assert.Equal(["a=1", "b=2"], response.Headers.Where(h => h.Key == "Set-Cookie").Select(h => h.Value));
        Assert.Contains(KeyValuePair.Create("Content-Type", "image/png"), response.Headers);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"body":"no status"}""")]
    [InlineData("""{"statusCode":"abc"}""")]
    [InlineData("""{"statusCode":200,"body":"%%%","isBase64Encoded":true}""")]
    public void An_answer_that_is_not_a_proxy_response_is_refused(string payload)
    {
        Assert.Throws<MalformedProxyResponseException>(() => ProxyEvents.FromResponse(Encoding.UTF8.GetBytes(payload)));
    }
}
