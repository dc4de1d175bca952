using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Inference.Contracts;
using Inference.GpuEndpoint;
using Inference.Service;
using Inference.Telemetry;

namespace Inference.Tests.GpuEndpoint;

/// <summary>
/// The GPU front against a fake SageMaker runtime that verifies every call's signature. Time is a manual clock: a slow
/// endpoint advances it, the waits between tries are recorded and advance it, so nothing here sleeps.
/// </summary>
public sealed class SageMakerEndpointServiceTests
{
    private const string Infer = "/v2/models/resnet18/infer";
    private const string Region = "eu-west-1";

    private sealed class Front(FakeSageMakerRuntime runtime, GpuEndpointOptions options, double jitter = 1.0, string secret = SigV4Verifier.SecretKey)
    {
        public ManualTime Time { get; } = new();
        public List<TimeSpan> Waits { get; } = [];
        public StringWriter Log { get; } = new();
        public FakeSageMakerRuntime Runtime => runtime;

        public SageMakerEndpointService Service => new(options, new HttpClient(runtime),
            _ => Task.FromResult(new ImmutableCredentials(SigV4Verifier.AccessKey, secret, "token")),
            new TelemetryWriter(Log, "Test"), recorder: null,
            new RetryTiming(Time, (wait, _) =>
            {
                Waits.Add(wait);
                Time.Advance(wait);
                return Task.CompletedTask;
            }, () => jitter));
    }

    private static GpuEndpointOptions Options(int timeoutMs = 25_000, int? attemptMs = null, int attempts = 3) =>
        new("gpu-resnet", Region, timeoutMs, attemptMs ?? timeoutMs, attempts);

    private static Front Using(Func<int, ReceivedCall, CancellationToken, Task<HttpResponseMessage>> script, GpuEndpointOptions? options = null, string secret = SigV4Verifier.SecretKey) =>
        new(new FakeSageMakerRuntime(Region, script), options ?? Options(), secret: secret);

    private static Func<int, ReceivedCall, CancellationToken, Task<HttpResponseMessage>> Always(Func<HttpResponseMessage> answer) => (_, _, _) => Task.FromResult(answer());

    private static JsonElement Json(InferenceResponse response) => JsonDocument.Parse(response.Body).RootElement;

    [Fact]
    public async Task A_request_goes_to_the_endpoints_invocations_signed_with_its_route_in_the_custom_attributes_and_its_body_and_type_unchanged()
    {
        var front = Using(Always(() => FakeSageMakerRuntime.Ok("""{"outputs":[]}""", attributes: "model-version=1.2.0")));

        var request = Requests.Post(Infer, [7, 8, 9], "application/octet-stream");
        var response = await front.Service.HandleAsync(request, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("""{"outputs":[]}""", Encoding.UTF8.GetString(response.Body.Span));
        Assert.StartsWith("application/json", response.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Empty(front.Runtime.SignatureFailures);
        var call = Assert.Single(front.Runtime.Calls);
        Assert.Equal(("POST", "https://runtime.sagemaker.eu-west-1.amazonaws.com/endpoints/gpu-resnet/invocations"), (call.Method, call.Uri.ToString()));
        Assert.Equal($"method=POST;route=/v2/models/resnet18/infer;request-id={request.RequestId}", call.Attributes);
        Assert.Equal(("POST", Infer), GpuEndpointContract.ParseAttributes(call.Attributes));
        Assert.Equal("application/octet-stream", call.ContentType);
        Assert.Equal([7, 8, 9], call.Body);
        Assert.Contains("\"ModelVersion\":\"1.2.0\"", front.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_signed_with_the_wrong_secret_are_refused_by_the_fake_and_answered_as_a_502_naming_the_endpoint()
    {
        var front = Using(Always(() => FakeSageMakerRuntime.Ok("{}")), secret: "not-the-secret");

        var response = await front.Service.HandleAsync(Requests.PostJson(Infer, "{}"), CancellationToken.None);

        Assert.Single(front.Runtime.SignatureFailures);
        Assert.Equal(502, response.StatusCode);
        Assert.Equal(SageMakerEndpointService.Failed, Json(response).GetProperty("code").GetString());
        Assert.Contains("'gpu-resnet' (eu-west-1)", Json(response).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("InvalidSignatureException", Json(response).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_get_goes_as_a_post_of_an_empty_object_with_its_method_in_the_attributes()
    {
        var front = Using(Always(() => FakeSageMakerRuntime.Ok("""{"name":"resnet18"}""")));

        var response = await front.Service.HandleAsync(Requests.Get("/v2/models/resnet18"), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        var call = Assert.Single(front.Runtime.Calls);
        Assert.Equal(("GET", "/v2/models/resnet18"), GpuEndpointContract.ParseAttributes(call.Attributes));
        Assert.Equal("{}", Encoding.UTF8.GetString(call.Body));
        Assert.Empty(front.Runtime.SignatureFailures);
    }

    [Fact]
    public async Task Throttling_is_retried_with_growing_jittered_waits_and_the_answer_that_follows_is_passed_on()
    {
        var front = Using((n, _, _) => Task.FromResult(n < 3
            ? FakeSageMakerRuntime.Error(HttpStatusCode.BadRequest, "ThrottlingException", "Rate exceeded")
            : FakeSageMakerRuntime.Ok("""{"ok":true}""")));

        var response = await front.Service.HandleAsync(Requests.PostJson(Infer, "{}"), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(3, front.Runtime.Calls.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)], front.Waits);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "ThrottlingException", SageMakerEndpointService.Throttled, SageMakerEndpointService.ThrottledRetryAfterSeconds)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", SageMakerEndpointService.Unavailable, SageMakerEndpointService.UnavailableRetryAfterSeconds)]
    [InlineData((HttpStatusCode)429, "ModelNotReadyException", SageMakerEndpointService.Unavailable, SageMakerEndpointService.UnavailableRetryAfterSeconds)]
    public async Task No_capacity_or_throttling_on_every_try_is_a_503_with_retry_after(HttpStatusCode status, string type, string code, int retryAfter)
    {
        var front = Using(Always(() => FakeSageMakerRuntime.Error(status, type, "no capacity")), Options(attempts: 4));

        var response = await front.Service.HandleAsync(Requests.PostJson(Infer, "{}"), CancellationToken.None);

        Assert.Equal(503, response.StatusCode);
        Assert.Equal(code, Json(response).GetProperty("code").GetString());
        Assert.Equal(retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers["Retry-After"]);
        Assert.Equal(4, front.Runtime.Calls.Count);
    }

    [Fact]
    public async Task A_models_4xx_comes_back_as_the_model_wrote_it_and_is_never_retried()
    {
        const string modelJson = """{"error":"input 'x' has shape [1,3] but the model takes [1,3,224,224]","code":"bad_shape"}""";
        var front = Using(Always(() => FakeSageMakerRuntime.ModelError(400, modelJson)));

        var response = await front.Service.HandleAsync(Requests.PostJson(Infer, "{}"), CancellationToken.None);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal(modelJson, Encoding.UTF8.GetString(response.Body.Span));
        Assert.Single(front.Runtime.Calls);
    }

    [Fact]
    public async Task A_models_5xx_is_a_502_naming_the_endpoint_and_the_models_status()
    {
        var front = Using(Always(() => FakeSageMakerRuntime.ModelError(500, "CUDA out of memory")));

        var response = await front.Service.HandleAsync(Requests.PostJson(Infer, "{}"), CancellationToken.None);

        Assert.Equal(502, response.StatusCode);
        Assert.Equal(SageMakerEndpointService.ModelFailed, Json(response).GetProperty("code").GetString());
        Assert.Equal("The model on the GPU endpoint 'gpu-resnet' (eu-west-1) failed (HTTP 500): CUDA out of memory", Json(response).GetProperty("error").GetString());
        Assert.Single(front.Runtime.Calls);
    }

    [Fact]
    public async Task A_validation_error_such_as_a_missing_endpoint_is_a_502_and_not_retried()
    {
        var front = Using(Always(() => FakeSageMakerRuntime.Error(HttpStatusCode.BadRequest, "ValidationError", "Endpoint gpu-resnet of account 123456789012 not found.")));

        var response = await front.Service.HandleAsync(Requests.PostJson(Infer, "{}"), CancellationToken.None);

        Assert.Equal(502, response.StatusCode);
        Assert.Contains("not found", Json(response).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single(front.Runtime.Calls);
    }

    [Fact]
    public async Task SageMakers_internal_failure_is_retried_for_inference_but_not_for_feedback_which_may_have_been_written()
    {
        var infer = Using(Always(() => FakeSageMakerRuntime.Error(HttpStatusCode.InternalServerError, "InternalFailure", "internal")));
        var feedback = Using(Always(() => FakeSageMakerRuntime.Error(HttpStatusCode.InternalServerError, "InternalFailure", "internal")));

        var inferred = await infer.Service.HandleAsync(Requests.PostJson(Infer, "{}"), CancellationToken.None);
        var fed = await feedback.Service.HandleAsync(Requests.PostJson("/v2/models/resnet18/feedback", "{}"), CancellationToken.None);

        Assert.Equal((502, 3), (inferred.StatusCode, infer.Runtime.Calls.Count));
        Assert.Equal((502, 1), (fed.StatusCode, feedback.Runtime.Calls.Count));
    }

    [Fact]
    public async Task Tries_that_hang_stop_at_the_budget_and_answer_504()
    {
        Front? front = null;
        front = Using(async (_, _, token) =>
        {
            front!.Time.Advance(TimeSpan.FromMilliseconds(400));
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        }, Options(timeoutMs: 1000, attemptMs: 400, attempts: 10));

        var response = await front.Service.HandleAsync(Requests.PostJson(Infer, "{}"), CancellationToken.None);

        Assert.Equal(504, response.StatusCode);
        Assert.Equal(SageMakerEndpointService.TimedOut, Json(response).GetProperty("code").GetString());
        Assert.True(front.Time.Elapsed <= TimeSpan.FromMilliseconds(1000), $"spent {front.Time.Elapsed}");
        Assert.Equal(2, front.Runtime.Calls.Count);
    }

    [Fact]
    public async Task Retries_never_wait_past_the_budget()
    {
        Front? front = null;
        front = Using((_, _, token) =>
        {
            // Each answer takes 300 ms, in steps, so that a try's time limit can cut it short as a real connection would.
            for (var step = 0; step < 30; step++)
            {
                token.ThrowIfCancellationRequested();
                front!.Time.Advance(TimeSpan.FromMilliseconds(10));
            }

            return Task.FromResult(FakeSageMakerRuntime.Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "scaling"));
        }, Options(timeoutMs: 1000, attempts: 10));

        var response = await front.Service.HandleAsync(Requests.PostJson(Infer, "{}"), CancellationToken.None);

        // 300 + wait 100 + 300 + wait 200 leaves 100 ms: the third try is cut at the budget, and no fourth starts.
        Assert.True(front.Time.Elapsed <= TimeSpan.FromMilliseconds(1000), $"spent {front.Time.Elapsed}");
        Assert.Equal(3, front.Runtime.Calls.Count);
        Assert.Equal(504, response.StatusCode);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_turned_into_an_answer()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var front = Using(async (_, _, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => front.Service.HandleAsync(Requests.PostJson(Infer, "{}"), cancelled.Token));
    }
}
