using Inference.Service;

namespace InferenceFunction.Runtime;

/// <summary>Turns one event payload into one response payload; throws for an invocation error.</summary>
public interface IInvocationHandler
{
    Task<byte[]> HandleAsync(Invocation invocation, InvocationDeadline deadline, CancellationToken cancellationToken);

    /// <summary>
    /// Work that must not delay the caller (shadow calls): the loop runs it after the response is posted and before it asks for
    /// the next event, within the same invocation's deadline. Its failures are logged and never reach the caller.
    /// </summary>
    Task AfterResponseAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
