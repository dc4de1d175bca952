namespace Inference.Protocol;

/// <summary>The stable machine-readable "code" of every error response (documented in functions/README.md).</summary>
public static class ErrorCodes
{
    public const string InvalidJson = "invalid_json";
    public const string InvalidRequest = "invalid_request";
    public const string EmptyBody = "empty_body";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string NotFound = "not_found";
    public const string ModelNotFound = "model_not_found";
    public const string ModelVersionNotFound = "model_version_not_found";
    public const string UnknownInput = "unknown_input";
    public const string MissingInput = "missing_input";
    public const string DuplicateInput = "duplicate_input";
    public const string DatatypeMismatch = "datatype_mismatch";
    public const string ShapeMismatch = "shape_mismatch";
    public const string DataLengthMismatch = "data_length_mismatch";
    public const string InvalidData = "invalid_data";
    public const string NonFiniteValue = "non_finite_value";
    public const string ValueOutOfRange = "value_out_of_range";
    public const string UnknownOutput = "unknown_output";
    public const string PredictNotSupported = "predict_not_supported";
    public const string InvalidImage = "invalid_image";
    public const string TruncatedImage = "truncated_image";
    public const string ImageTooLarge = "image_too_large";
    public const string ModelUnavailable = "model_unavailable";
    public const string InternalError = "internal_error";
}

/// <summary>A request the service refuses, with the HTTP status and error code to answer with.</summary>
public sealed class ApiException(int statusCode, string code, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    public string Code { get; } = code;

    /// <summary>The message for logs: <see cref="Exception.Message"/> without any text taken from the request.</summary>
    public string LogMessage { get; private init; } = message;

    /// <summary>More properties of the error body after "error" and "code" (e.g. the feedback a 409 refers to); null for none.</summary>
    public Action<System.Text.Json.Utf8JsonWriter>? Details { get; init; }

    public static ApiException BadRequest(string code, string message) => new(400, code, message);

    /// <summary>
    /// A 400 whose message quotes text from the request body (a tensor's name, a datatype): the caller gets it
    /// verbatim, the log only its length, so a body never reaches the logs through an error message.
    /// </summary>
    public static ApiException BadRequestQuoting(string code, string quoted, Func<string, string> message)
    {
        ArgumentNullException.ThrowIfNull(quoted);
        ArgumentNullException.ThrowIfNull(message);
        return new(400, code, message(quoted)) { LogMessage = message($"<{quoted.Length} characters from the request>") };
    }
}
