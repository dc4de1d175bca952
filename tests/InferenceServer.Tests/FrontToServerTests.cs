using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Inference.Contracts;
using Inference.GpuEndpoint;
using Inference.Protocol;
using Inference.Service;
using Inference.Telemetry;
using InferenceServer;
using Infra.Local.Gpu;

namespace InferenceServer.Tests;

/// <summary>
/// The GPU front (<see cref="SageMakerEndpointService"/>) and the server mode talking through serve's model of SageMaker's
/// InvokeEndpoint (<see cref="InvokeEndpointRelay"/>, components/Local): what reaches the container is POST /invocations with only the body, Content-Type, Accept and the
/// custom attributes; a 2xx comes back as it is, any other status as a 424 ModelError carrying it. Both sides read the
/// attributes through <see cref="GpuEndpointContract"/>, so a route, its method and the request id arrive intact.
/// </summary>
public sealed class FrontToServerTests : IAsyncLifetime
{
    private ModelService _models = null!;
    private ServerApplication _server = null!;

    public async Task InitializeAsync()
    {
        _models = await InferenceServiceFactory.CreateAsync(
            new InferenceOptions { ModelDirectory = Path.Combine(AppContext.BaseDirectory, "models"), ModelName = "ppocr-cls", IntraOpThreads = 1 }, TextWriter.Null);
        _server = await ServerApplication.StartAsync(ServerFixtures.Loopback(), CancellationToken.None);
        _server.State.MarkReady(_models);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _models.Dispose();
    }

    [Fact]
    public async Task An_infer_request_through_the_front_is_answered_by_the_servers_model_under_the_fronts_request_id()
    {
        var relay = new Relay(_server.Address);
        var request = Inference.Tests.Requests.PostJson("/v2/models/ppocr-cls/infer", Inference.Tests.Requests.ClsInfer());

        var response = await Front(relay).HandleAsync(request, CancellationToken.None);

        Assert.True(response.StatusCode == 200, Encoding.UTF8.GetString(response.Body.Span));
        var answer = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal("ppocr-cls", answer.GetProperty("model_name").GetString());
        Assert.Equal($"request-id={request.RequestId}", relay.AnswerAttributes);
    }

    [Fact]
    public async Task A_metadata_GET_through_the_front_reaches_the_same_route_as_a_GET()
    {
        var relay = new Relay(_server.Address);

        var response = await Front(relay).HandleAsync(Inference.Tests.Requests.Get("/v2/models/ppocr-cls"), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("ppocr-cls", JsonDocument.Parse(response.Body).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_servers_own_4xx_for_a_bad_request_reaches_the_client_with_the_servers_JSON()
    {
        var relay = new Relay(_server.Address);

        var response = await Front(relay).HandleAsync(Inference.Tests.Requests.PostJson("/v2/models/ppocr-cls/infer", """{"inputs":[]}"""), CancellationToken.None);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal(ErrorCodes.InvalidRequest, JsonDocument.Parse(response.Body).RootElement.GetProperty("code").GetString());
    }

    private static SageMakerEndpointService Front(HttpMessageHandler relay) =>
        new(new GpuEndpointOptions("gpu-test", "eu-west-1", 20_000, 20_000, 1), new HttpClient(relay),
            _ => Task.FromResult(new ImmutableCredentials("AKIDEXAMPLE", "secret", "token")),
            new TelemetryWriter(TextWriter.Null, "Test"), recorder: null,
            new RetryTiming(TimeProvider.System, (wait, token) => Task.Delay(wait, token), Random.Shared.NextDouble));

    /// <summary>serve's model of InvokeEndpoint to the test's server, keeping the custom attributes SageMaker hands back.</summary>
    private sealed class Relay : DelegatingHandler
    {
        public Relay(Uri container)
            : base(new InvokeEndpointRelay(name => name == "gpu-test" ? container : null))
        {
        }

        public string? AnswerAttributes { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var answer = await base.SendAsync(request, cancellationToken);
            AnswerAttributes = answer.Headers.TryGetValues(GpuEndpointContract.AttributesHeader, out var back) ? back.Single() : null;
            return answer;
        }
    }
}
