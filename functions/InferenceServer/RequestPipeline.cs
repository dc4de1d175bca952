using Inference.Protocol;
using Inference.Service;
using Microsoft.AspNetCore.Http;

namespace InferenceServer;

/// <summary>
/// Every request the server gets: GET /ping and POST /invocations (the SageMaker hosting contract), and every other
/// path exactly as the Lambda host serves it behind API Gateway (the Open Inference Protocol, /predict, feedback), so a
/// front can forward a request either way. Each runs within the invocation deadline, through the same
/// <see cref="HttpEventHandler"/> as the Lambda host, and gets a request id.
/// </summary>
internal sealed class RequestPipeline(ServerSettings settings, ServiceState state)
{
    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path is "/ping" or "/ping/")
        {
            await PingAsync(context).ConfigureAwait(false);
            return;
        }

        var forwarded = context.Request.Headers[ForwardedRequestId.Header].ToString();
        var requestId = forwarded.Length > 0 && ForwardedRequestId.IsValid(forwarded) ? forwarded : Guid.NewGuid().ToString();
        if (forwarded.Length > 0 && requestId != forwarded)
        {
            await HttpExchange.WriteAsync(context, ErrorResponses.Json(400, ErrorCodes.InvalidRequest, ForwardedRequestId.Problem($"The header {ForwardedRequestId.Header}", forwarded)), requestId)
                .ConfigureAwait(false);
            return;
        }

        if (state.Ready is not { } service)
        {
            await HttpExchange.WriteAsync(context, NotReady(), requestId).ConfigureAwait(false);
            return;
        }

        var invocations = path is "/invocations" or "/invocations/";
        if (invocations && !HttpMethods.IsPost(context.Request.Method))
        {
            await HttpExchange.WriteAsync(context, MethodNotAllowed("/invocations", "POST"), requestId).ConfigureAwait(false);
            return;
        }

        // The budget starts when the request arrives, as SageMaker's 60 s do.
        var deadline = new InvocationDeadline(DateTimeOffset.UtcNow.Add(settings.InvocationTimeout).ToUnixTimeMilliseconds(), settings.SafetyMargin, TimeProvider.System);
        var (request, error) = await HttpExchange.ReadAsync(context, settings.MaxBodyBytes, requestId).ConfigureAwait(false);
        if (request is { } received && invocations)
        {
            (request, error) = Retarget(received);
        }

        if (request is null)
        {
            await HttpExchange.WriteAsync(context, error!, requestId).ConfigureAwait(false);
            return;
        }

        using var budget = deadline.CreateCancellationSource();
        // A client that goes away stops its model run too: nobody waits for the answer (unlike Lambda, which runs on).
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, context.RequestAborted);
        var handler = new HttpEventHandler(service, $"the server's invocation deadline ({ServerSettings.InvocationTimeoutVariable} minus the safety margin)",
            $"Send smaller inputs, or raise {ServerSettings.InvocationTimeoutVariable} (a SageMaker real-time endpoint waits at most 60 s).");
        var response = await handler.HandleAsync(request, deadline, linked.Token).ConfigureAwait(false);
        if (invocations)
        {
            response = response with { Headers = WithCustomAttributes(response.Headers, request.RequestId) };
        }

        await HttpExchange.WriteAsync(context, response, request.RequestId).ConfigureAwait(false);
        await context.Response.CompleteAsync().ConfigureAwait(false);
        try
        {
            // Shadow calls of a traffic split, after the client has its answer, as the Lambda host runs them.
            await service.RunAfterResponseAsync(budget.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            // The deadline came first: the shadow work is dropped, as in Lambda.
        }
    }

    /// <summary>SageMaker: a 200 with an empty body means ready; each ping must answer within 2 s, so this only reads a flag.</summary>
    private async Task PingAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await HttpExchange.WriteAsync(context, MethodNotAllowed("/ping", "GET"), Guid.NewGuid().ToString()).ConfigureAwait(false);
            return;
        }

        if (state.Ready is null)
        {
            await HttpExchange.WriteAsync(context, NotReady(), Guid.NewGuid().ToString()).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
    }

    private (InferenceRequest?, InferenceResponse?) Retarget(InferenceRequest request)
    {
        var (target, error) = InvocationTarget.Resolve(request.Headers, settings.InvocationsModel);
        return target is null
            ? (null, error)
            : (request with { Method = target.Method, Path = target.Path, RequestId = target.RequestId ?? request.RequestId }, null);
    }

    /// <summary>SageMaker returns the response's custom attributes to the caller: the request id, for its logs.</summary>
    private static Dictionary<string, string> WithCustomAttributes(IReadOnlyDictionary<string, string> headers, string requestId) =>
        new(headers, StringComparer.OrdinalIgnoreCase) { [InvocationTarget.CustomAttributesHeader] = $"request-id={requestId}" };

    private static InferenceResponse NotReady() => ErrorResponses.Json(503, "not_ready",
        "The server is loading its models; /ping answers 200 once they are loaded and warm.");

    private static InferenceResponse MethodNotAllowed(string path, string allowed)
    {
        var response = ErrorResponses.Json(405, ErrorCodes.MethodNotAllowed, $"{path} takes {allowed} only.");
        return response with { Headers = new Dictionary<string, string>(response.Headers, StringComparer.OrdinalIgnoreCase) { ["Allow"] = allowed } };
    }
}
