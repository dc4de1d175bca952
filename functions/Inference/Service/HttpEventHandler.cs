using Inference.Protocol;

namespace Inference.Service;

/// <summary>
/// Runs one HTTP-shaped request within the invocation's deadline. Work that cannot start in time is
/// refused, and work that overruns is answered with a 504 while the process can still answer.
/// The Lambda host and the server mode (functions/InferenceServer) share it; each names its own deadline in the 504.
/// </summary>
public sealed class HttpEventHandler
{
    private readonly IInferenceService _service;
    private readonly string _deadlineName;
    private readonly string _remedy;

    /// <param name="deadlineName">What the deadline is, as the 504's message names it.</param>
    /// <param name="remedy">What the caller or operator can do about an overrun.</param>
    public HttpEventHandler(IInferenceService service, string deadlineName = "the function's deadline (timeout minus the safety margin)",
        string remedy = "Raise the function timeout or send smaller inputs.")
    {
        _service = service;
        _deadlineName = deadlineName;
        _remedy = remedy;
    }

    public async Task<InferenceResponse> HandleAsync(InferenceRequest request, InvocationDeadline deadline, CancellationToken cancellationToken)
    {
        if (deadline.IsExpired)
        {
            return DeadlineExceeded($"The request arrived with no time left before {ShortName}; it was not started.");
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
            return DeadlineExceeded($"The request did not finish before {_deadlineName}. {_remedy}");
        }
    }

    // "the function's deadline (timeout minus ...)" without its parenthesis.
    private string ShortName => _deadlineName.Split(" (", 2)[0];

    private static InferenceResponse DeadlineExceeded(string message) => ErrorResponses.Json(504, "deadline_exceeded", message);
}
