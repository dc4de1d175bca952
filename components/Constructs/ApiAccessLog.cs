namespace Infra.Components;

/// <summary>
/// The stage's access-log line (one JSON object per request) and the Logs Insights query that
/// turns it into requests and errors per client (API key) for usage reports and billing.
/// </summary>
public static class ApiAccessLog
{
    // Quoted unless the value is always a number; API Gateway writes "-" for an absent value, and
    // $context.error.messageString is already a quoted JSON string.
    private static readonly (string Field, string Variable, bool Quoted)[] Fields =
    [
        ("requestId", "$context.requestId", true),
        ("extendedRequestId", "$context.extendedRequestId", true),
        ("requestTime", "$context.requestTime", true),
        ("requestTimeEpoch", "$context.requestTimeEpoch", false),
        ("apiKeyId", "$context.identity.apiKeyId", true),
        ("ip", "$context.identity.sourceIp", true),
        ("caller", "$context.identity.caller", true),
        ("userArn", "$context.identity.userArn", true),
        ("cognitoSubject", "$context.authorizer.claims.sub", true),
        ("httpMethod", "$context.httpMethod", true),
        ("resourcePath", "$context.resourcePath", true),
        ("path", "$context.path", true),
        ("protocol", "$context.protocol", true),
        ("status", "$context.status", false),
        ("responseLength", "$context.responseLength", true),
        ("responseLatency", "$context.responseLatency", false),
        ("integrationLatency", "$context.integration.latency", true),
        ("integrationStatus", "$context.integration.status", true),
        ("integrationError", "$context.integration.error", true),
        ("errorType", "$context.error.responseType", true),
        ("errorMessage", "$context.error.messageString", false),
        ("wafResponseCode", "$context.wafResponseCode", true),
        ("xrayTraceId", "$context.xrayTraceId", true),
    ];

    /// <summary>The access-log format: a single-line JSON object.</summary>
    public static string Format { get; } =
        "{" + string.Join(",", Fields.Select(f => f.Quoted ? $"\"{f.Field}\":\"{f.Variable}\"" : $"\"{f.Field}\":{f.Variable}")) + "}";

    /// <summary>The names of the fields each access-log line carries.</summary>
    public static IReadOnlyList<string> FieldNames { get; } = [.. Fields.Select(f => f.Field)];

    /// <summary>
    /// Requests per client (API key id) and status class (2, 4, 5), with latency; a QueryDefinition
    /// and the dashboard's usage widget both run it.
    /// </summary>
    public static string UsageByClientQuery { get; } = string.Join("\n",
        "fields apiKeyId, floor(status / 100) as statusClass, responseLatency",
        "| stats count(*) as requests, avg(responseLatency) as avgLatencyMs, pct(responseLatency, 95) as p95LatencyMs by apiKeyId, statusClass",
        "| sort requests desc");
}
