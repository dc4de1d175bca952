using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Inference.Hosting;
using InferenceFunction.Runtime;

namespace InferenceFunction.Events;

/// <summary>
/// The batch pattern: SQS messages carry S3 notifications; each object is predicted and one record
/// is written per input. Permanent (4xx) failures become error records; transient ones are
/// returned in batchItemFailures so SQS retries them and finally moves them to the DLQ.
/// </summary>
public sealed class SqsS3BatchHandler
{
    private readonly IInferenceService _service;
    private readonly IAmazonS3 _s3;
    private readonly BatchOptions _options;
    private readonly TextWriter _log;

    public SqsS3BatchHandler(IInferenceService service, IAmazonS3 s3, BatchOptions options, TextWriter log)
    {
        _service = service;
        _s3 = s3;
        _options = options;
        _log = log;
    }

    public async Task<SqsBatchResponse> HandleAsync(IReadOnlyList<SqsMessage> batch, string requestId, InvocationDeadline deadline, CancellationToken cancellationToken)
    {
        var response = new SqsBatchResponse();
        foreach (var message in batch)
        {
            if (deadline.IsExpired || !await TryProcessMessageAsync(message, requestId, cancellationToken).ConfigureAwait(false))
            {
                response.BatchItemFailures.Add(new SqsBatchItemFailure { ItemIdentifier = message.MessageId });
            }
        }

        return response;
    }

    /// <returns>false when the message must be retried.</returns>
    private async Task<bool> TryProcessMessageAsync(SqsMessage message, string requestId, CancellationToken cancellationToken)
    {
        try
        {
            var notification = S3NotificationParser.Parse(message);
            foreach (var record in notification.Records ?? [])
            {
                await ProcessObjectAsync(S3ObjectReference.From(record), $"{requestId}/{message.MessageId}", cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Transient by design: SQS retries, and after maxReceiveCount the message lands in the DLQ.
            await _log.WriteLineAsync($"SQS message {message.MessageId} will be retried: {exception.GetType().Name}: {exception.Message}").ConfigureAwait(false);
            return false;
        }
    }

    private async Task ProcessObjectAsync(S3ObjectReference input, string requestId, CancellationToken cancellationToken)
    {
        if (input.IsRemoval)
        {
            return;
        }

        GetObjectResponse source;
        try
        {
            source = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = input.Bucket, Key = input.Key, VersionId = input.VersionId }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            await _service.LogUnservedInputAsync(input.LogKey, _options.ModelName, 404, "input_not_found", requestId, 0, cancellationToken).ConfigureAwait(false);
            await WriteRecordAsync(input, "(none)", ErrorResponses.Json(404, "input_not_found",
                $"s3://{input.Bucket}/{input.Key} no longer exists ({missing.ErrorCode})."), cancellationToken).ConfigureAwait(false);
            return;
        }

        byte[] body;
        string? storedContentType;
        using (source)
        using (var buffer = new MemoryStream())
        {
            await source.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            body = buffer.ToArray();
            storedContentType = source.Headers.ContentType;
        }

        var route = BatchRoutes.RouteFor(input.Key, storedContentType, _options.ModelName);
        if (route is null)
        {
            await _service.LogUnservedInputAsync(input.LogKey, _options.ModelName, 415, "unsupported_input", requestId, body.Length, cancellationToken).ConfigureAwait(false);
            await WriteRecordAsync(input, "(none)", ErrorResponses.Json(415, "unsupported_input",
                $"Cannot tell how to predict s3://{input.Bucket}/{input.Key} (content type '{storedContentType}'): use a .json Open Inference Protocol request or a .jpg/.jpeg/.png/.webp image."), cancellationToken).ConfigureAwait(false);
            return;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = route.ContentType };
        // The predictions log keys batch items by their object, so a redelivery overwrites rather than duplicates.
        var request = new InferenceRequest("POST", route.Path, headers, body, requestId) { PredictionLogKey = input.LogKey };
        var answer = await _service.HandleAsync(request, cancellationToken).ConfigureAwait(false);
        if (answer.StatusCode >= 500)
        {
            throw new FunctionException("TransientInferenceFailure", $"s3://{input.Bucket}/{input.Key}: the service answered {answer.StatusCode}.");
        }

        await WriteRecordAsync(input, route.Path, answer, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteRecordAsync(S3ObjectReference input, string route, InferenceResponse answer, CancellationToken cancellationToken)
    {
        answer.Headers.TryGetValue("Content-Type", out var contentType);
        var record = BatchRecord.Write(input.Bucket, input.Key, input.VersionId, route, answer.StatusCode, contentType, answer.Body.Span);
        using var content = new MemoryStream(record);
        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _options.ResultsBucket,
            Key = _options.ResultKeyFor(input.Key),
            InputStream = content,
            ContentType = "application/json",
        }, cancellationToken).ConfigureAwait(false);
    }
}
