using System.Text.Json;
using Inference.Protocol;
using Inference.Service;
using InferenceFunction.Json;
using InferenceFunction.Runtime;

namespace InferenceFunction.Events;

/// <summary>Routes each event, by its shape, to the HTTP, batch or warm-up path and serializes the answer.</summary>
public sealed class EventDispatcher : IInvocationHandler
{
    private readonly IInferenceService _service;
    private readonly HttpEventHandler _http;
    private readonly Lazy<SqsS3BatchHandler> _batch;
    private readonly Lazy<AsyncEndpointBatchHandler>? _asyncBatch;

    /// <param name="batch">Created on the first SQS batch, so HTTP-only functions never build an S3 client.</param>
    /// <param name="asyncBatch">With <c>ASYNC_ENDPOINT_NAME</c>: SQS batches go to the asynchronous endpoint instead of <paramref name="batch"/>.</param>
    public EventDispatcher(IInferenceService service, Lazy<SqsS3BatchHandler> batch, Lazy<AsyncEndpointBatchHandler>? asyncBatch = null)
    {
        _service = service;
        _http = new HttpEventHandler(service);
        _batch = batch;
        _asyncBatch = asyncBatch;
    }

    public async Task<byte[]> HandleAsync(Invocation invocation, InvocationDeadline deadline, CancellationToken cancellationToken)
    {
        var incoming = TryRead(invocation.Payload);
        var context = FunctionJsonContext.Default;
        switch (incoming is null ? EventKind.Unknown : EventClassifier.Classify(incoming))
        {
            case EventKind.ApiGatewayV1:
                return await HandleHttpAsync(() => HttpEventAdapter.FromV1(incoming!, invocation.RequestId), deadline, cancellationToken).ConfigureAwait(false);
            case EventKind.ApiGatewayV2:
                return await HandleHttpAsync(() => HttpEventAdapter.FromV2(incoming!, invocation.RequestId), deadline, cancellationToken).ConfigureAwait(false);
            case EventKind.SqsBatch:
                var failures = _asyncBatch is not null
                    ? await _asyncBatch.Value.HandleAsync(incoming!.Records!, invocation.RequestId, deadline, cancellationToken).ConfigureAwait(false)
                    : await _batch.Value.HandleAsync(incoming!.Records!, invocation.RequestId, deadline, cancellationToken).ConfigureAwait(false);
                return JsonSerializer.SerializeToUtf8Bytes(failures, context.SqsBatchResponse);
            case EventKind.WarmUp:
                await _service.WarmUpAsync(cancellationToken).ConfigureAwait(false);
                return JsonSerializer.SerializeToUtf8Bytes(new WarmUpResponse(), context.WarmUpResponse);
            default:
                var shape = EventClassifier.DescribeShape(invocation.Payload)
                    ?? throw new FunctionException("InvalidEventJson", $"The event payload ({invocation.Payload.Length} bytes) is not valid JSON.");
                throw new FunctionException("UnknownEventShape",
                    $"The event is not an API Gateway REST (v1), HTTP API or function URL (v2), SQS, warm-up ({{\"warmup\": true}}) or EventBridge scheduled event; it is {shape}.");
        }
    }

    public Task AfterResponseAsync(CancellationToken cancellationToken) => _service.RunAfterResponseAsync(cancellationToken);

    /// <summary>Null when the payload does not fit any known shape (the caller then explains what it is).</summary>
    private static LambdaEvent? TryRead(byte[] payload)
    {
        try
        {
            return JsonSerializer.Deserialize(payload, FunctionJsonContext.Default.LambdaEvent);
        }
        catch (JsonException)
        {
            return null;
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

        return HttpEventAdapter.ToEventResponse(response);
    }
}
