namespace Inference.Protocol;

/// <summary>
/// The id an answer carries, which is also the id its logged prediction takes feedback under: an /infer request's own
/// <c>id</c> when it gives one (the Open Inference Protocol echoes it), else the server's request id.
/// </summary>
public static class RequestIds
{
    /// <summary>
    /// The longest id accepted. The predictions log indexes items by this id, and a DynamoDB index key holds at most
    /// 2048 bytes of UTF-8; 256 characters (at most 1024 bytes) stays well inside that.
    /// </summary>
    public const int MaxLength = 256;

    /// <summary>The id to answer with; a client id that could not take feedback (blank, too long) is a 400.</summary>
    public static string ForAnswer(string? clientId, string serverRequestId)
    {
        if (clientId is null)
        {
            return serverRequestId;
        }

        if (string.IsNullOrWhiteSpace(clientId))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                "'id' is blank; give a non-empty id (feedback names the prediction by it), or leave 'id' out to get the server's request id.");
        }

        if (clientId.Length > MaxLength)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                $"'id' has {clientId.Length} characters; at most {MaxLength} are accepted (feedback names the prediction by it).");
        }

        return clientId;
    }
}
