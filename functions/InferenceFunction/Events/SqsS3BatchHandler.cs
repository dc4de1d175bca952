using Inference.Service;
using Inference.Protocol;
using InferenceFunction.Objects;
using InferenceFunction.Runtime;

namespace InferenceFunction.Events;

/// <summary>
/// The batch pattern: SQS messages carry S3 notifications; each object is predicted and one record
/// is written per input. Permanent (4xx) failures become error records; transient ones are
/// returned in batchItemFailures so SQS retries them and finally moves them to the DLQ.
/// The images of the whole batch are fetched first and predicted in one call, so the service can run them
/// through the model in micro-batches; JSON tensor requests are predicted one by one.
/// </summary>
public sealed class SqsS3BatchHandler
{
    private readonly IInferenceService _service;
    private readonly IObjectStore _objects;
    private readonly BatchOptions _options;
    private readonly TextWriter _log;

    public SqsS3BatchHandler(IInferenceService service, IObjectStore objects, BatchOptions options, TextWriter log)
    {
        _service = service;
        _objects = objects;
        _options = options;
        _log = log;
    }

    public async Task<SqsBatchResponse> HandleAsync(IReadOnlyList<SqsMessage> batch, string requestId, InvocationDeadline deadline, CancellationToken cancellationToken)
    {
        var retried = new HashSet<string>(StringComparer.Ordinal);
        var inputs = new List<PendingInput>();
        foreach (var message in batch)
        {
            if (deadline.IsExpired || !await TryGatherAsync(message, requestId, inputs, cancellationToken).ConfigureAwait(false))
            {
                retried.Add(message.MessageId);
            }
        }

        await AnswerAsync(inputs, retried, cancellationToken).ConfigureAwait(false);
        var response = new SqsBatchResponse();
        foreach (var message in batch.Where(m => retried.Contains(m.MessageId)))
        {
            response.BatchItemFailures.Add(new SqsBatchItemFailure { ItemIdentifier = message.MessageId });
        }

        return response;
    }

    /// <summary>Fetches the message's objects: those that cannot be predicted get their error record now, the others join <paramref name="inputs"/>.</summary>
    /// <returns>false when the message must be retried.</returns>
    private async Task<bool> TryGatherAsync(SqsMessage message, string requestId, List<PendingInput> inputs, CancellationToken cancellationToken)
    {
        var gathered = new List<PendingInput>();
        try
        {
            var notification = S3NotificationParser.Parse(message);
            foreach (var record in notification.Records ?? [])
            {
                var input = await FetchAsync(message.MessageId, S3ObjectReference.From(record), $"{requestId}/{message.MessageId}", cancellationToken).ConfigureAwait(false);
                if (input is not null)
                {
                    gathered.Add(input);
                }
            }

            inputs.AddRange(gathered);
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            await LogRetryAsync(message.MessageId, exception).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>
    /// Predicts the gathered inputs (all images in one call, JSON ones one by one) and writes one record each;
    /// a 5xx, a failed image call or a failed write retries the message it came from.
    /// </summary>
    private async Task AnswerAsync(List<PendingInput> inputs, HashSet<string> retried, CancellationToken cancellationToken)
    {
        var imageAnswers = await PredictImagesAsync(inputs, retried, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < inputs.Count; i++)
        {
            var (messageId, input, route, request) = inputs[i];
            if (retried.Contains(messageId))
            {
                continue; // another input of the message failed: SQS redelivers all of them
            }

            try
            {
                var answer = imageAnswers[i] ?? await _service.HandleAsync(request, cancellationToken).ConfigureAwait(false);
                if (answer.StatusCode >= 500)
                {
                    throw new FunctionException("TransientInferenceFailure", $"s3://{input.Bucket}/{input.Key}: the service answered {answer.StatusCode}.");
                }

                await WriteRecordAsync(input, route.Path, answer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                retried.Add(messageId);
                await LogRetryAsync(messageId, exception).ConfigureAwait(false);
            }
        }
    }

    /// <returns>The answer of each image input at its index in <paramref name="inputs"/>, null for the others.</returns>
    private async Task<InferenceResponse?[]> PredictImagesAsync(List<PendingInput> inputs, HashSet<string> retried, CancellationToken cancellationToken)
    {
        var answers = new InferenceResponse?[inputs.Count];
        var images = Enumerable.Range(0, inputs.Count).Where(i => inputs[i].Route.IsImage).ToArray();
        if (images.Length == 0)
        {
            return answers;
        }

        try
        {
            var imageAnswers = await _service.PredictImagesAsync([.. images.Select(i => inputs[i].Request)], cancellationToken).ConfigureAwait(false);
            if (imageAnswers.Count != images.Length)
            {
                throw new InvalidOperationException($"The service answered {imageAnswers.Count} of {images.Length} images.");
            }

            for (var k = 0; k < images.Length; k++)
            {
                answers[images[k]] = imageAnswers[k];
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            foreach (var messageId in images.Select(i => inputs[i].MessageId).Distinct())
            {
                retried.Add(messageId);
                await LogRetryAsync(messageId, exception).ConfigureAwait(false);
            }
        }

        return answers;
    }

    /// <returns>The request for the object, or null when it needs no prediction (a removal) or got its error record already.</returns>
    private async Task<PendingInput?> FetchAsync(string messageId, S3ObjectReference input, string requestId, CancellationToken cancellationToken)
    {
        if (input.IsRemoval)
        {
            return null;
        }

        StoredObject? source;
        try
        {
            source = await _objects.GetAsync(input.Bucket, input.Key, input.VersionId, _options.MaxInputBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectTooLargeException tooLarge)
        {
            // Permanent: the same object is as large on every delivery, so it gets its error record instead of a retry.
            await _service.LogUnservedInputAsync(input.LogKey, _options.ModelName, 413, ErrorCodes.PayloadTooLarge, requestId,
                tooLarge.Size ?? tooLarge.Limit + 1, cancellationToken).ConfigureAwait(false);
            await WriteRecordAsync(input, "(none)", ErrorResponses.Json(413, ErrorCodes.PayloadTooLarge, tooLarge.Message), cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (source is null)
        {
            await _service.LogUnservedInputAsync(input.LogKey, _options.ModelName, 404, "input_not_found", requestId, 0, cancellationToken).ConfigureAwait(false);
            await WriteRecordAsync(input, "(none)", ErrorResponses.Json(404, "input_not_found",
                $"s3://{input.Bucket}/{input.Key} no longer exists."), cancellationToken).ConfigureAwait(false);
            return null;
        }

        var route = BatchRoutes.RouteFor(input.Key, source.ContentType, _options.ModelName);
        if (route is null)
        {
            await _service.LogUnservedInputAsync(input.LogKey, _options.ModelName, 415, "unsupported_input", requestId, source.Body.Length, cancellationToken).ConfigureAwait(false);
            await WriteRecordAsync(input, "(none)", ErrorResponses.Json(415, "unsupported_input",
                $"Cannot tell how to predict s3://{input.Bucket}/{input.Key} (content type '{source.ContentType}'): use a .json Open Inference Protocol request or a .jpg/.jpeg/.png/.webp image."), cancellationToken).ConfigureAwait(false);
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = route.ContentType };
        // The predictions log keys batch items by their object, so a redelivery overwrites rather than duplicates.
        var request = new InferenceRequest("POST", route.Path, headers, source.Body, requestId) { PredictionLogKey = input.LogKey };
        return new PendingInput(messageId, input, route, request);
    }

    private Task LogRetryAsync(string messageId, Exception exception) =>
        // Transient by design: SQS retries, and after maxReceiveCount the message lands in the DLQ.
        _log.WriteLineAsync($"SQS message {messageId} will be retried: {exception.GetType().Name}: {exception.Message}");

    /// <summary>A fetched object waiting for its prediction, with the message that brought it.</summary>
    private sealed record PendingInput(string MessageId, S3ObjectReference Input, BatchRoutes.Route Route, InferenceRequest Request);

    private async Task WriteRecordAsync(S3ObjectReference input, string route, InferenceResponse answer, CancellationToken cancellationToken)
    {
        answer.Headers.TryGetValue("Content-Type", out var contentType);
        var record = BatchRecord.Write(input.Bucket, input.Key, input.VersionId, route, answer.StatusCode, contentType, answer.Body.Span);
        await _objects.PutAsync(_options.ResultsBucket, _options.ResultKeyFor(input.Key), record, "application/json", cancellationToken).ConfigureAwait(false);
    }
}
