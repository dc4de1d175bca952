namespace Infra.Local.Lambda;

/// <summary>How an invocation through the local Lambda ended, as API Gateway sees it.</summary>
public enum InvocationOutcome
{
    /// <summary>The function answered; <see cref="LocalInvocation.Payload"/> is its response.</summary>
    Answered,

    /// <summary>The function failed (an error, a timeout, a crash); the payload is the error JSON.</summary>
    Failed,

    /// <summary>Lambda refused the invocation: every instance the reserved concurrency allows was busy.</summary>
    Throttled,
}

/// <summary>One invocation: its outcome, the answer, and which instance served it, cold or warm.</summary>
public sealed record LocalInvocation(InvocationOutcome Outcome, byte[] Payload, string Instance, bool ColdStart, TimeSpan Duration, string? Error = null)
{
    public static LocalInvocation Throttled(string function) =>
        new(InvocationOutcome.Throttled, [], function, false, TimeSpan.Zero, "TooManyRequestsException: Rate Exceeded (reserved concurrency reached)");
}

/// <summary>Invokes one function synchronously (RequestResponse), as API Gateway's proxy integration does.</summary>
public interface IFunctionInvoker
{
    Task<LocalInvocation> InvokeAsync(byte[] payload, CancellationToken cancellationToken);
}
