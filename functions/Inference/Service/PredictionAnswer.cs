namespace Inference.Service;

/// <summary>
/// What a prediction answers, before the response gets the request's id: its body, the body's content type, and
/// whether the prediction cache answered it ("hit"), missed it ("miss"), or was not asked (null).
/// </summary>
internal readonly record struct PredictionAnswer(ReadOnlyMemory<byte> BodyWithoutId, string ContentType, string? Cache)
{
    public const string JsonContentType = "application/json";

    public static PredictionAnswer Json(ReadOnlyMemory<byte> bodyWithoutId) => new(bodyWithoutId, JsonContentType, null);
}
