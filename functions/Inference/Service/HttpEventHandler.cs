using Inference.Service;
using InferenceFunction.Runtime;

namespace InferenceFunction.Events;

/// <summary>
/// Runs one HTTP-shaped request within the invocation's deadline. Work that cannot start in time is
/// refused, and work that overruns is answered with a 504 while the process can still answer.
/// </summary>
public sealed class HttpEventHandler
{
    private readonly IInferenceService _service;

    public HttpEventHandler(IInferenceService service)
    {
        _service = service;
    }

    public async Task<InferenceResponse> HandleAsync(InferenceRequest request, InvocationDeadline deadline, CancellationToken cancellationToken)
    {
        if (deadline.IsExpired)
        {
            return DeadlineExceeded("The request arrived with no time left before the function's deadline; it was not started.");
        }

        // The service may run synchronously for a long time before its first await (loading a model,
        // which cannot be interrupted; an ONNX run, which the token stops only at its next operator), so it
        // runs on the thread pool while this waits on the token as well and answers in time regardless.
        var work = Task.Run(() => _service.HandleAsync(request, cancellationToken), CancellationToken.None);
        try
        {
            return await work.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return DeadlineExceeded("The request did not finish before the function's deadline (timeout minus the safety margin). Raise the function timeout or send smaller inputs.");
        }
    }

    private static InferenceResponse DeadlineExceeded(string message) => ErrorResponses.Json(504, "deadline_exceeded", message);
}
