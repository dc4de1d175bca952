using System.Text;
using System.Text.Json;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Runtime;

namespace InferenceFunction.Tests;

/// <summary>
/// Deadline handling for HTTP events: refuse what cannot finish, answer 504 before Lambda kills us. They measure time, so
/// they run alone: with the other tests blocking pool threads, the 504 of a blocked service once came after the deadline in CI.
/// </summary>
[Collection(nameof(TimingSensitive))]
public sealed class HttpEventHandlerTests
{
    private static readonly InferenceRequest Request = new("POST", "/v2/models/m/infer", new Dictionary<string, string>(), Encoding.UTF8.GetBytes("{}"), "r");

    public HttpEventHandlerTests()
    {
        // As the function's Program does; the test host's pool is also busy with other tests.
        ThreadPoolSettings.EnsureSpareWorkers();
    }

    [Fact]
    public async Task NoTimeLeft_IsRefusedWith504_WithoutCallingTheService()
    {
        var service = new FakeInferenceService();
        var invocation = Invocations.WithPayload("{}", timeLeft: TimeSpan.FromMilliseconds(80));
        var deadline = Invocations.Deadline(invocation, safetyMargin: TimeSpan.FromMilliseconds(100));

        var response = await new HttpEventHandler(service).HandleAsync(Request, deadline, CancellationToken.None);

        Assert.Equal(504, response.StatusCode);
        Assert.Equal("deadline_exceeded", Code(response));
        Assert.Empty(service.Requests);
    }

    [Fact]
    public async Task WorkThatOverruns_IsAnswered504AtTheDeadlineMinusMargin_EvenIfTheServiceIgnoresTheToken()
    {
        var service = new FakeInferenceService { Delay = TimeSpan.FromSeconds(5) };
        var invocation = Invocations.WithPayload("{}", timeLeft: TimeSpan.FromMilliseconds(1500));
        var deadline = Invocations.Deadline(invocation, safetyMargin: TimeSpan.FromMilliseconds(500));
        using var budget = deadline.CreateCancellationSource();

        var response = await new HttpEventHandler(service).HandleAsync(Request, deadline, budget.Token);
        var answeredAt = DateTimeOffset.UtcNow;

        Assert.Equal(504, response.StatusCode);
        Assert.Equal("deadline_exceeded", Code(response));
        // Not before the work budget ends, and before Lambda's own deadline would kill the process.
        Assert.InRange(answeredAt, deadline.WorkEndsAt.AddMilliseconds(-20), DateTimeOffset.FromUnixTimeMilliseconds(invocation.DeadlineUnixMs));
    }

    [Fact]
    public async Task AServiceThatBlocksItsCaller_StillGetsA504InTime()
    {
        var service = new FakeInferenceService { BlockingDelay = TimeSpan.FromSeconds(3) };
        var invocation = Invocations.WithPayload("{}", timeLeft: TimeSpan.FromMilliseconds(1500));
        var deadline = Invocations.Deadline(invocation, safetyMargin: TimeSpan.FromMilliseconds(500));
        using var budget = deadline.CreateCancellationSource();

        var response = await new HttpEventHandler(service).HandleAsync(Request, deadline, budget.Token);

        Assert.Equal(504, response.StatusCode);
        Assert.True(DateTimeOffset.UtcNow < DateTimeOffset.FromUnixTimeMilliseconds(invocation.DeadlineUnixMs), "answered after the deadline");
    }

    [Fact]
    public async Task WorkThatFitsTheBudget_ReturnsTheServicesAnswer()
    {
        var service = new FakeInferenceService { Delay = TimeSpan.FromMilliseconds(50) };
        var invocation = Invocations.WithPayload("{}", timeLeft: TimeSpan.FromSeconds(5));
        var deadline = Invocations.Deadline(invocation);
        using var budget = deadline.CreateCancellationSource();

        var response = await new HttpEventHandler(service).HandleAsync(Request, deadline, budget.Token);

        Assert.Equal(200, response.StatusCode);
    }

    private static string? Code(InferenceResponse response) =>
        JsonDocument.Parse(response.Body).RootElement.GetProperty("code").GetString();
}
