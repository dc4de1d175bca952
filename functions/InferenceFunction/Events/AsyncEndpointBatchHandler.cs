using Inference.Contracts;
using Inference.GpuEndpoint;
using Inference.Predictions;
using Inference.Protocol;
using Inference.Service;
using InferenceFunction.Jobs;
using InferenceFunction.Objects;

namespace InferenceFunction.Events;

/// <summary>
/// The batch pattern on a SageMaker asynchronous endpoint (<c>ASYNC_ENDPOINT_NAME</c>). One function, two queues:
/// <list type="bullet">
/// <item>forwarder: an S3 notification's objects are queued on the endpoint with InvokeEndpointAsync (the input stays in
/// S3, up to SageMaker's 1 GB); an input no route takes gets its 415 record at once, as on the Lambda path;</item>
/// <item>collector: the endpoint's success or error notification becomes the input's record, exactly where and as the
/// Lambda path writes it, and its predictions-log item; a model's 4xx becomes an error record, any other failure sends the
/// input to the dead-letter queue with SageMaker's reason.</item>
/// </list>
/// A message whose work failed is handed back (batchItemFailures): SQS retries it and its redrive policy dead-letters it,
/// so every input ends with one record or one dead letter.
/// </summary>
public sealed class AsyncEndpointBatchHandler
{
    private readonly SageMakerAsyncClient _endpoint;
    private readonly IObjectStore _objects;
    private readonly BatchOptions _options;
    private readonly IDeadLetterQueue _deadLetters;
    private readonly PredictionRecorder? _recorder;
    private readonly TextWriter _log;

    public AsyncEndpointBatchHandler(SageMakerAsyncClient endpoint, IObjectStore objects, BatchOptions options, IDeadLetterQueue deadLetters,
        PredictionRecorder? recorder, TextWriter log)
    {
        _endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _objects = objects ?? throw new ArgumentNullException(nameof(objects));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _deadLetters = deadLetters ?? throw new ArgumentNullException(nameof(deadLetters));
        _recorder = recorder;
        _log = log ?? throw new ArgumentNullException(nameof(log));
    }

    public async Task<SqsBatchResponse> HandleAsync(IReadOnlyList<SqsMessage> batch, string requestId, InvocationDeadline deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(deadline);
        var response = new SqsBatchResponse();
        foreach (var message in batch)
        {
            string? failure;
            if (deadline.IsExpired)
            {
                failure = "the time left was too short to start it";
            }
            else
            {
                try
                {
                    if (AsyncNotification.TryParse(message.Body) is { } notification)
                    {
                        await CollectAsync(notification, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await ForwardAsync(message, cancellationToken).ConfigureAwait(false);
                    }

                    failure = null;
                }
                catch (Exception exception) when (exception is not OutOfMemoryException and not OperationCanceledException)
                {
                    failure = $"{exception.GetType().Name}: {exception.Message}";
                }
            }

            if (failure is not null)
            {
                await _log.WriteLineAsync($"SQS message {message.MessageId} will be retried ({requestId}): {failure}").ConfigureAwait(false);
                response.BatchItemFailures.Add(new SqsBatchItemFailure { ItemIdentifier = message.MessageId });
            }
        }

        return response;
    }

    /// <summary>Queues each object of the notification on the endpoint; throws (the message is retried) when one could not be queued.</summary>
    private async Task ForwardAsync(SqsMessage message, CancellationToken cancellationToken)
    {
        foreach (var input in (S3NotificationParser.Parse(message).Records ?? []).Select(S3ObjectReference.From).Where(input => !input.IsRemoval))
        {
            // The forwarder never reads the input (the endpoint does): the route comes from the key's suffix.
            var route = BatchRoutes.RouteFor(input.Key, storedContentType: null, _options.ModelName);
            if (route is null)
            {
                await WriteRecordAsync(input, "(none)", 415, "application/json", ProtocolBodies.Error("unsupported_input",
                    $"Cannot tell how to predict s3://{input.Bucket}/{input.Key} on the asynchronous endpoint: use a .json Open Inference Protocol request or a .jpg/.jpeg/.png/.webp image."),
                    cancellationToken).ConfigureAwait(false);
                continue;
            }

            var attributes = GpuEndpointContract.Attributes("POST", route.Path)
                ?? throw new InvalidOperationException($"The route {route.Path} does not fit the custom attributes.");
            var location = input.LogKey;
            var id = SageMakerAsyncClient.InferenceIdFor(location, input.ETag, input.VersionId);
            await _endpoint.InvokeAsync(new AsyncInvocation(location, route.ContentType, id, attributes), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Turns the endpoint's notification into the input's record (or dead letter); throws (retried) when that could not be done.</summary>
    private async Task CollectAsync(AsyncNotification notification, CancellationToken cancellationToken)
    {
        var (bucket, key) = AsyncNotification.SplitS3Uri(notification.InputLocation);
        var input = new S3ObjectReference(bucket, key, VersionId: null, IsRemoval: false);
        var route = BatchRoutes.RouteFor(key, storedContentType: null, _options.ModelName)?.Path ?? "(none)";
        if (notification.Completed)
        {
            var (outBucket, outKey) = AsyncNotification.SplitS3Uri(notification.OutputLocation
                ?? throw new InvalidDataException($"The success notification of {notification.InputLocation} has no output location."));
            var output = await _objects.GetAsync(outBucket, outKey, null, _options.MaxInputBytes, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"The endpoint's output {notification.OutputLocation} for {notification.InputLocation} does not exist.");
            var contentType = notification.OutputContentType ?? output.ContentType ?? "application/json";
            await WriteRecordAsync(input, route, 200, contentType, output.Body, cancellationToken).ConfigureAwait(false);
            await LogPredictionAsync(input, notification, 200, null, output.Body, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (notification.ModelClientStatus is { } status)
        {
            // The model refused this input: as permanent as the Lambda path's 4xx, so it is the input's error record.
            ReadOnlyMemory<byte> body = notification.FailureLocation is { } failureUri && await ReadFailureAsync(failureUri, cancellationToken).ConfigureAwait(false) is { } failure
                ? failure
                : ProtocolBodies.Error("model_error", notification.FailureReason ?? "");
            await WriteRecordAsync(input, route, status, "application/json", body, cancellationToken).ConfigureAwait(false);
            await LogPredictionAsync(input, notification, status, "model_error", [], cancellationToken).ConfigureAwait(false);
            return;
        }

        await _deadLetters.SendAsync(input, $"The asynchronous endpoint '{_endpoint.EndpointName}' failed {notification.InputLocation} (inference {notification.InferenceId}): {notification.FailureReason ?? "no reason given"}",
            notification.InferenceId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<byte[]?> ReadFailureAsync(string uri, CancellationToken cancellationToken)
    {
        var (bucket, key) = AsyncNotification.SplitS3Uri(uri);
        var failure = await _objects.GetAsync(bucket, key, null, _options.MaxInputBytes, cancellationToken).ConfigureAwait(false);
        return failure?.Body is { Length: > 0 } body && body[0] == (byte)'{' ? body : null;
    }

    private async Task LogPredictionAsync(S3ObjectReference input, AsyncNotification notification, int status, string? errorCode, byte[] body, CancellationToken cancellationToken)
    {
        if (_recorder is null)
        {
            return;
        }

        var request = new InferenceRequest("POST", "/", new Dictionary<string, string>(), Array.Empty<byte>(), notification.InferenceId) { PredictionLogKey = input.LogKey };
        var response = new InferenceResponse(status, new Dictionary<string, string> { ["Content-Type"] = "application/json" }, body);
        if (await _recorder.RecordAsync(request, response, _options.ModelName, _options.ModelVersion, errorCode, 0, cancellationToken).ConfigureAwait(false) is { } error)
        {
            // The record is written; the log is best effort on every path (PredictionLogging).
            await _log.WriteLineAsync($"predictions log for {input.LogKey}: {error}").ConfigureAwait(false);
        }
    }

    private Task WriteRecordAsync(S3ObjectReference input, string route, int status, string contentType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        _objects.PutAsync(_options.ResultsBucket, _options.ResultKeyFor(input.Key),
            BatchRecord.Write(input.Bucket, input.Key, input.VersionId, route, status, contentType, body.Span), "application/json", cancellationToken);
}

/// <summary>Builds the asynchronous-endpoint batch handler from the function's variables.</summary>
public static class AsyncEndpointBatchHandlers
{
    public static AsyncEndpointBatchHandler FromEnvironment(Func<string, string?> environment, Func<Amazon.S3.IAmazonS3> s3, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var endpoint = SageMakerAsyncClient.FromEnvironment(environment, new HttpClient())
            ?? throw new InvalidOperationException($"{FunctionEnvironment.AsyncEndpointName} is not set.");
        var options = InferenceOptions.FromEnvironment(environment, Environment.ProcessorCount);
        var recorder = PredictionRecorder.Create(options.PredictionLog, () => new Amazon.DynamoDBv2.AmazonDynamoDBClient(), TimeProvider.System, Random.Shared.NextDouble);
        return new AsyncEndpointBatchHandler(endpoint, ObjectStores.FromEnvironment(environment, s3), BatchOptions.FromEnvironment(environment),
            DeadLetterQueues.FromEnvironment(environment), recorder, log);
    }
}
