namespace LambdaEmulator;

public enum InvocationStatus
{
    /// <summary>The function posted a response.</summary>
    Succeeded,

    /// <summary>The function posted an invocation error.</summary>
    FunctionError,

    /// <summary>The function posted /runtime/init/error; the process was discarded.</summary>
    InitError,

    /// <summary>The function did not answer within its timeout; the process was killed.</summary>
    TimedOut,

    /// <summary>The function process ended without answering.</summary>
    ProcessExited,
}

/// <summary>The outcome of one invocation, as a caller of Lambda's Invoke API would see it.</summary>
/// <param name="Payload">The response body, or for errors the error JSON.</param>
/// <param name="ColdStart">True when this invocation started a new function process.</param>
/// <param name="Duration">For a cold start: from process start to the answer; otherwise from enqueue to the answer.</param>
/// <param name="InitDuration">For a cold start: from process start until the function asked for its first event.</param>
public sealed record InvocationResult(
    InvocationStatus Status,
    string RequestId,
    byte[] Payload,
    EmulatedError? Error,
    bool ColdStart,
    TimeSpan Duration,
    TimeSpan? InitDuration = null);
