using System.Text.Json;

namespace Infra.Local.Gateway;

/// <summary>
/// An answer API Gateway gives itself (a gateway response), with its response type. The body has
/// the shape the RestApiEndpoint component configures for DEFAULT_4XX and DEFAULT_5XX:
/// <c>{"error": message, "code": response type, "requestId": ...}</c>.
/// </summary>
public sealed record GatewayError(int Status, string ResponseType, string Message, string ErrorType)
{
    public static GatewayError InvalidApiKey { get; } = new(403, "INVALID_API_KEY", "Forbidden", "ForbiddenException");

    /// <summary>No route for this method and path: API Gateway's famously confusing answer to an unknown path.</summary>
    public static GatewayError MissingAuthenticationToken { get; } = new(403, "MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token", "MissingAuthenticationTokenException");

    public static GatewayError Throttled { get; } = new(429, "THROTTLED", "Too Many Requests", "TooManyRequestsException");

    public static GatewayError QuotaExceeded { get; } = new(429, "QUOTA_EXCEEDED", "Limit Exceeded", "LimitExceededException");

    /// <summary>Lambda throttled the invocation (reserved concurrency): a proxy integration answers 500, it never forwards Lambda's 429.</summary>
    public static GatewayError LambdaThrottled { get; } = new(500, "INTEGRATION_FAILURE", "Internal server error", "InternalServerErrorException");

    /// <summary>The function failed (error, timeout, crash) or answered something that is not a proxy response.</summary>
    public static GatewayError LambdaFailed { get; } = new(502, "DEFAULT_5XX", "Internal server error", "InternalServerErrorException");

    public GatewayResponse ToResponse(string requestId) => new(
        Status,
        [KeyValuePair.Create("Content-Type", "application/json"), KeyValuePair.Create("x-amzn-ErrorType", ErrorType)],
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["error"] = Message, ["code"] = ResponseType, ["requestId"] = requestId }));
}
