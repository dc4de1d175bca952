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
        // A malformed event may carry "messageId": null; the item still gets its answer, under an empty id.
        var items = batch.Select(message => new BatchItem(message.MessageId ?? string.Empty, () => (S3NotificationParser.Parse(message).Records ?? []).Select(S3ObjectReference.From))).ToList();
        var retried = await HandleItemsAsync(items, requestId, () => deadline.IsExpired, cancellationToken).ConfigureAwait(false);
        var response = new SqsBatchResponse();
        foreach (var (message, id) in batch.Zip(items, (message, item) => (message, item.Id)).Where(pair => retried.ContainsKey(pair.Id)))
        {
            // Transient by design: SQS retries, and after maxReceiveCount the message lands in the DLQ.
            await _log.WriteLineAsync($"SQS message {id} will be retried: {retried[id]}").ConfigureAwait(false);
            response.BatchItemFailures.Add(new SqsBatchItemFailure { ItemIdentifier = message.MessageId });
        }

        return response;
    }

    /// <summary>
    /// Answers every item: each of its objects gets its record (a prediction, or an error record for a permanent
    /// problem), or the item is handed back whole with the reason, to be retried or dead-lettered by the caller.
    /// The Lambda path's items are SQS messages; a batch job's are single objects.
    /// </summary>
    /// <param name="outOfTime">Checked before each item: true hands the rest back untouched.</param>
    /// <returns>The ids of the items handed back, each with what went wrong.</returns>
    public async Task<IReadOnlyDictionary<string, string>> HandleItemsAsync(IReadOnlyList<BatchItem> items, string requestId, Func<bool> outOfTime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(outOfTime);
        var retried = new Dictionary<string, string>(StringComparer.Ordinal);
        var inputs = new List<PendingInput>();
        foreach (var item in items)
        {
            if (outOfTime())
            {
                retried.TryAdd(item.Id, "the time left was too short to start it");
                continue;
            }

            await TryGatherAsync(item, requestId, inputs, retried, cancellationToken).ConfigureAwait(false);
        }

        await AnswerAsync(inputs, retried, cancellationToken).ConfigureAwait(false);
        return retried;
    }

    /// <summary>Fetches the item's objects: those that cannot be predicted get their error record now, the others join <paramref name="inputs"/>.</summary>
    private async Task TryGatherAsync(BatchItem item, string requestId, List<PendingInput> inputs, Dictionary<string, string> retried, CancellationToken cancellationToken)
    {
        var gathered = new List<PendingInput>();
        try
        {
            foreach (var reference in item.Objects())
            {
                var input = await FetchAsync(item.Id, reference, $"{requestId}/{item.Id}", cancellationToken).ConfigureAwait(false);
                if (input is not null)
                {
                    gathered.Add(input);
                }
            }

            inputs.AddRange(gathered);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Retry(retried, item.Id, exception);
        }
    }

    /// <summary>
    /// Predicts the gathered inputs (all images in one call, JSON ones one by one) and writes one record each;
    /// a 5xx, a failed image call or a failed write retries the message it came from.
    /// </summary>
    private async Task AnswerAsync(List<PendingInput> inputs, Dictionary<string, string> retried, CancellationToken cancellationToken)
    {
        var imageAnswers = await PredictImagesAsync(inputs, retried, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < inputs.Count; i++)
        {
            var (messageId, input, route, request) = inputs[i];
            if (retried.ContainsKey(messageId))
            {
                continue; // another input of the item failed: the whole item is handed back
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
                Retry(retried, messageId, exception);
            }
        }
    }

    /// <returns>The answer of each image input at its index in <paramref name="inputs"/>, null for the others.</returns>
    private async Task<InferenceResponse?[]> PredictImagesAsync(List<PendingInput> inputs, Dictionary<string, string> retried, CancellationToken cancellationToken)
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
                Retry(retried, messageId, exception);
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

    /// <summary>Hands the item back; its first failure is the reason given.</summary>
    private static void Retry(Dictionary<string, string> retried, string itemId, Exception exception) =>
        retried.TryAdd(itemId, $"{exception.GetType().Name}: {exception.Message}");

    /// <summary>A fetched object waiting for its prediction, with the item that brought it.</summary>
    private sealed record PendingInput(string MessageId, S3ObjectReference Input, BatchRoutes.Route Route, InferenceRequest Request);

    private async Task WriteRecordAsync(S3ObjectReference input, string route, InferenceResponse answer, CancellationToken cancellationToken)
    {
        answer.Headers.TryGetValue("Content-Type", out var contentType);
        var record = BatchRecord.Write(input.Bucket, input.Key, input.VersionId, route, answer.StatusCode, contentType, answer.Body.Span);
        await _objects.PutAsync(_options.ResultsBucket, _options.ResultKeyFor(input.Key), record, "application/json", cancellationToken).ConfigureAwait(false);
    }
}
