namespace InferenceServer;

/// <summary>
/// A request id a front passes on (the <c>X-Request-Id</c> header, or the <c>request-id</c> custom attribute through
/// SageMaker), so that the front's log and this server's lines and predictions log name the request alike. Without one,
/// the server makes a new id. It ends up in log lines and keys, hence the narrow alphabet.
/// </summary>
internal static class ForwardedRequestId
{
    public const string Header = "X-Request-Id";
    public const int MaxLength = 128;

    public static bool IsValid(string id) =>
        id.Length is > 0 and <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    public static string Problem(string source, string id) =>
        $"{source}='{id}' is not allowed as a request id; allowed: 1 to {MaxLength} letters, digits, '-', '_', '.' or ':'.";
}
