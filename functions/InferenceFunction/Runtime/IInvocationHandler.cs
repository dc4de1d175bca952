namespace InferenceFunction.Runtime;

/// <summary>Turns one event payload into one response payload; throws for an invocation error.</summary>
public interface IInvocationHandler
{
    Task<byte[]> HandleAsync(Invocation invocation, InvocationDeadline deadline, CancellationToken cancellationToken);
}
