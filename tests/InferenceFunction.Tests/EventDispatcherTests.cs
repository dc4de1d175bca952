using System.Text;
using System.Text.Json;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Runtime;

namespace InferenceFunction.Tests;

public sealed class EventDispatcherTests
{
    private readonly FakeInferenceService _service = new();

    [Fact]
    public async Task RestApiV1Event_BecomesARequestWithMergedCaseInsensitiveHeaders()
    {
        var response = await DispatchAsync("""
            {"resource":"/{proxy+}","path":"/v2/models/resnet18/infer","httpMethod":"POST",
             "headers":{"Content-Type":"application/json","X-One":"a"},
             "multiValueHeaders":{"Content-Type":["application/json"],"X-One":["a","b"]},
             "queryStringParameters":null,"requestContext":{"requestId":"apigw-1","stage":"prod"},
             "body":"{\"inputs\":[]}","isBase64Encoded":false}
            """);

        var request = Assert.Single(_service.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v2/models/resnet18/infer", request.Path);
        Assert.Equal("a,b", request.Headers["x-one"]);
        Assert.Equal("application/json", request.Headers["content-type"]);
        Assert.Equal("{\"inputs\":[]}", Encoding.UTF8.GetString(request.Body.Span));
        Assert.Equal("req-1", request.RequestId);
        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        Assert.False(response.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal("{\"path\":\"/v2/models/resnet18/infer\"}", response.GetProperty("body").GetString());
    }

    [Fact]
    public async Task HttpApiV2Event_WithNamedStage_HasTheStageRemovedFromThePath()
    {
        await DispatchAsync("""
            {"version":"2.0","routeKey":"$default","rawPath":"/prod/v2/health/ready","rawQueryString":"",
             "headers":{"accept":"application/json"},
             "requestContext":{"stage":"prod","requestId":"r","http":{"method":"GET","path":"/prod/v2/health/ready"}},
             "isBase64Encoded":false}
            """);

        var request = Assert.Single(_service.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v2/health/ready", request.Path);
        Assert.True(request.Body.IsEmpty);
    }

    [Fact]
    public async Task FunctionUrlEvent_WithBase64ImageBody_PassesTheRawBytes()
    {
        byte[] jpegStart = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46];
        await DispatchAsync($$$"""
            {"version":"2.0","rawPath":"/v2/models/resnet18/predict","headers":{"content-type":"image/jpeg"},
             "requestContext":{"stage":"$default","http":{"method":"POST","path":"/v2/models/resnet18/predict"}},
             "body":"{{{Convert.ToBase64String(jpegStart)}}}","isBase64Encoded":true}
            """);

        var request = Assert.Single(_service.Requests);
        Assert.Equal(jpegStart, request.Body.ToArray());
        Assert.Equal("image/jpeg", request.Headers["Content-Type"]);
    }

    [Fact]
    public async Task BinaryResponse_IsBase64EncodedAndFlagged()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        var service = new FakeInferenceService(_ => new InferenceResponse(200,
            new Dictionary<string, string> { ["Content-Type"] = "image/png" }, png));

        var response = await DispatchAsync(V2Get("/v2/models/m/explain"), service);

        Assert.True(response.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(png, Convert.FromBase64String(response.GetProperty("body").GetString()!));
        Assert.Equal("image/png", response.GetProperty("headers").GetProperty("Content-Type").GetString());
    }

    [Fact]
    public async Task InvalidBase64Body_IsA400NamingTheProblem_AndNeverReachesTheService()
    {
        var response = await DispatchAsync("""
            {"version":"2.0","rawPath":"/v2/models/m/predict","headers":{},
             "requestContext":{"http":{"method":"POST","path":"/v2/models/m/predict"}},
             "body":"%%% not base64 %%%","isBase64Encoded":true}
            """);

        Assert.Empty(_service.Requests);
        Assert.Equal(400, response.GetProperty("statusCode").GetInt32());
        using var body = JsonDocument.Parse(response.GetProperty("body").GetString()!);
        Assert.Equal("invalid_body", body.RootElement.GetProperty("code").GetString());
        Assert.Contains("base64", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"warmup": true}""")]
    [InlineData("""{"version":"0","id":"e1","detail-type":"Scheduled Event","source":"aws.events","account":"1","time":"2026-11-27T00:00:00Z","region":"us-east-1","resources":["arn:aws:events:us-east-1:1:rule/warm"],"detail":{}}""")]
    public async Task WarmUpAndScheduledEvents_LoadTheModelWithoutPredicting(string warmUpEvent)
    {
        var response = await DispatchAsync(warmUpEvent);

        Assert.Equal(1, _service.WarmUps);
        Assert.Empty(_service.Requests);
        Assert.True(response.GetProperty("warmedUp").GetBoolean());
    }

    [Theory]
    [InlineData("""{"hello":"world"}""", "an object with keys [hello]")]
    [InlineData("""{"warmup": false}""", "an object with keys [warmup]")]
    [InlineData("""[1,2,3]""", "a JSON array")]
    [InlineData("""{"Records":[{"eventSource":"aws:dynamodb"}]}""", "an object with keys [Records]")]
    public async Task UnknownShapes_AreAnInvocationErrorThatSaysWhatArrived(string unknownEvent, string described)
    {
        var error = await Assert.ThrowsAsync<FunctionException>(() => DispatchAsync(unknownEvent));

        Assert.Equal("UnknownEventShape", error.ErrorType);
        Assert.Contains(described, error.Message, StringComparison.Ordinal);
        Assert.Empty(_service.Requests);
    }

    [Fact]
    public async Task InvalidJson_IsAnInvocationErrorNamedInvalidEventJson()
    {
        var error = await Assert.ThrowsAsync<FunctionException>(() => DispatchAsync("{not json"));

        Assert.Equal("InvalidEventJson", error.ErrorType);
    }

    internal static string V2Get(string path) => $$$"""
        {"version":"2.0","rawPath":"{{{path}}}","headers":{},
         "requestContext":{"http":{"method":"GET","path":"{{{path}}}"}},"isBase64Encoded":false}
        """;

    private async Task<JsonElement> DispatchAsync(string eventJson, FakeInferenceService? service = null)
    {
        var dispatcher = new EventDispatcher(service ?? _service, new Lazy<SqsS3BatchHandler>(() => throw new InvalidOperationException("no batch here")));
        var invocation = Invocations.WithPayload(eventJson);
        var bytes = await dispatcher.HandleAsync(invocation, Invocations.Deadline(invocation), CancellationToken.None);
        return JsonDocument.Parse(bytes).RootElement.Clone();
    }
}
