using System.Text.Json;
using Inference.Hosting;
using InferenceFunction.Json;
using InferenceFunction.Runtime;

namespace InferenceFunction.Events;

/// <summary>Routes each event, by its shape, to the HTTP, batch or warm-up path and serializes the answer.</summary>
public sealed class EventDispatcher : IInvocationHandler
{
    private readonly IInferenceService _service;
    private readonly HttpEventHandler _http;
    private readonly Lazy<SqsS3BatchHandler> _batch;

    /// <param name="batch">Created on the first SQS batch, so HTTP-only functions never build an S3 client.</param>
    public EventDispatcher(IInferenceService service, Lazy<SqsS3BatchHandler> batch)
    {
        _service = service;
        _http = new HttpEventHandler(service);
        _batch = batch;
    }

    public async Task<byte[]> HandleAsync(Invocation invocation, InvocationDeadline deadline, CancellationToken cancellationToken)
    {
        using var document = ParseEvent(invocation.Payload);
        var root = document.RootElement;
        var context = FunctionJsonContext.Default;
        switch (EventClassifier.Classify(root))
        {
            case EventKind.ApiGatewayV1:
                var v1 = root.Deserialize(context.ApiGatewayV1Request)!;
                return await HandleHttpAsync(() => HttpEventAdapter.FromV1(v1, invocation.RequestId), deadline, cancellationToken).ConfigureAwait(false);
            case EventKind.ApiGatewayV2:
                var v2 = root.Deserialize(context.ApiGatewayV2Request)!;
                return await HandleHttpAsync(() => HttpEventAdapter.FromV2(v2, invocation.RequestId), deadline, cancellationToken).ConfigureAwait(false);
            case EventKind.SqsBatch:
                var batch = root.Deserialize(context.SqsEvent)!;
                var failures = await _batch.Value.HandleAsync(batch, invocation.RequestId, deadline, cancellationToken).ConfigureAwait(false);
                return JsonSerializer.SerializeToUtf8Bytes(failures, context.SqsBatchResponse);
            case EventKind.WarmUp:
                await _service.WarmUpAsync(cancellationToken).ConfigureAwait(false);
                return JsonSerializer.SerializeToUtf8Bytes(new WarmUpResponse(), context.WarmUpResponse);
            default:
                throw new FunctionException("UnknownEventShape",
                    $"The event is not an API Gateway REST (v1), HTTP API or function URL (v2), SQS, warm-up ({{\"warmup\": true}}) or EventBridge scheduled event; it is {EventClassifier.DescribeShape(root)}.");
        }
    }

    private async Task<byte[]> HandleHttpAsync(Func<InferenceRequest> toRequest, InvocationDeadline deadline, CancellationToken cancellationToken)
    {
        InferenceResponse response;
        try
        {
            response = await _http.HandleAsync(toRequest(), deadline, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidEventBodyException invalid)
        {
            response = ErrorResponses.Json(400, "invalid_body", invalid.Message);
        }

        return JsonSerializer.SerializeToUtf8Bytes(HttpEventAdapter.ToEventResponse(response), FunctionJsonContext.Default.HttpEventResponse);
    }

    private static JsonDocument ParseEvent(byte[] payload)
    {
        try
        {
            return JsonDocument.Parse(payload);
        }
        catch (JsonException exception)
        {
            throw new FunctionException("InvalidEventJson", $"The event payload ({payload.Length} bytes) is not valid JSON: {exception.Message}", exception);
        }
    }
}
