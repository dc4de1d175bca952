namespace InferenceFunction.Runtime;

/// <summary>One event handed out by GET /runtime/invocation/next, with its headers.</summary>
public sealed record Invocation(
    string RequestId,
    long DeadlineUnixMs,
    string InvokedFunctionArn,
    string? TraceId,
    byte[] Payload);
