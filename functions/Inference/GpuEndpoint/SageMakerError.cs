using System.Net.Http.Headers;
using System.Text.Json;

namespace Inference.GpuEndpoint;

/// <summary>What a failed InvokeEndpoint call means for the front.</summary>
public enum SageMakerFailure
{
    /// <summary>Too many calls (ThrottlingException): the request never reached the model; retried, then a 503.</summary>
    Throttled,

    /// <summary>No capacity: the endpoint is scaling, starting or down (ServiceUnavailable 503, ModelNotReadyException 429); retried, then a 503.</summary>
    Unavailable,

    /// <summary>SageMaker failed (InternalFailure 500, InternalDependencyException 530, another 5xx): the model may have run; retried only for idempotent routes, then a 502.</summary>
    ServiceError,

    /// <summary>The container answered a non-2xx status (ModelError 424, with OriginalStatusCode and OriginalMessage): never retried.</summary>
    ModelError,

    /// <summary>The call itself is wrong (ValidationError, e.g. no such endpoint; a denied or badly signed call): never retried, a 502.</summary>
    Rejected,
}

/// <summary>
/// One InvokeEndpoint error answer, read as SageMaker's REST-JSON protocol writes it: the error type in the
/// <c>x-amzn-ErrorType</c> header (or <c>__type</c> / <c>code</c> in the body), the message in <c>message</c> or
/// <c>Message</c>; a ModelError adds <c>OriginalStatusCode</c>, <c>OriginalMessage</c> and <c>LogStreamArn</c>
/// (InvokeEndpoint API reference, "Errors").
/// </summary>
public sealed record SageMakerError(int Status, string Type, string Message, int? OriginalStatusCode, string? OriginalMessage, string? LogStreamArn)
{
    public SageMakerFailure Failure => Type switch
    {
        "ThrottlingException" or "Throttling" or "TooManyRequestsException" => SageMakerFailure.Throttled,
        "ServiceUnavailable" or "ServiceUnavailableException" or "ModelNotReadyException" => SageMakerFailure.Unavailable,
        "ModelError" or "ModelErrorException" => SageMakerFailure.ModelError,
        _ when Status is 429 => SageMakerFailure.Throttled,
        _ when Status is 503 => SageMakerFailure.Unavailable,
        _ when Status >= 500 => SageMakerFailure.ServiceError,
        _ => SageMakerFailure.Rejected,
    };

    public static SageMakerError Parse(int status, HttpResponseHeaders headers, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        string? type = headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
        string? message = null, originalMessage = null, logStream = null;
        int? originalStatus = null;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    switch (property.Name)
                    {
                        case "__type" or "code" or "Code" when property.Value.ValueKind == JsonValueKind.String:
                            type ??= property.Value.GetString();
                            break;
                        case "message" or "Message" when property.Value.ValueKind == JsonValueKind.String:
                            message = property.Value.GetString();
                            break;
                        case "OriginalStatusCode" when property.Value.TryGetInt32(out var code):
                            originalStatus = code;
                            break;
                        case "OriginalMessage" when property.Value.ValueKind == JsonValueKind.String:
                            originalMessage = property.Value.GetString();
                            break;
                        case "LogStreamArn" when property.Value.ValueKind == JsonValueKind.String:
                            logStream = property.Value.GetString();
                            break;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): the status alone classifies it, and the text is the message.
            message = System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, 512)]);
        }

        return new SageMakerError(status, ShortType(type) ?? $"HTTP {status}", message ?? "", originalStatus, originalMessage, logStream);
    }

    /// <summary>"ModelError:http://internal.amazon.com/coral/..." and "com.amazonaws.sagemaker#ModelError" are both "ModelError".</summary>
    private static string? ShortType(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var colon = type.IndexOf(':', StringComparison.Ordinal);
        var name = colon >= 0 ? type[..colon] : type;
        var hash = name.LastIndexOf('#');
        return (hash >= 0 ? name[(hash + 1)..] : name).Trim();
    }
}
