using System.Text;
using Infra.Local.Lambda;

namespace Local.Tests;

/// <summary>A function that answers every event with a fixed proxy response and keeps the events it got.</summary>
internal sealed class FakeFunction(InvocationOutcome outcome = InvocationOutcome.Answered, string? response = null) : IFunctionInvoker
{
    public const string OkResponse = """{"statusCode":200,"headers":{"Content-Type":"application/json"},"body":"{\"ok\":true}"}""";

    public List<string> Events { get; } = [];

    public Task<LocalInvocation> InvokeAsync(byte[] payload, CancellationToken cancellationToken)
    {
        lock (Events)
        {
            Events.Add(Encoding.UTF8.GetString(payload));
        }

        return Task.FromResult(outcome == InvocationOutcome.Throttled
            ? LocalInvocation.Throttled("embed")
            : new LocalInvocation(outcome, Encoding.UTF8.GetBytes(response ?? OkResponse), "embed#1", false, TimeSpan.FromMilliseconds(3)));
    }
}
