using Inference.Contracts;

namespace Infra.Local.Emulators;

/// <summary>
/// The variables that point a function's AWS SDK clients and shared cache at the local stand-ins. AWSSDK v4 reads the
/// service-specific endpoint variables (AWS_ENDPOINT_URL_&lt;SERVICE&gt;) for clients created without an explicit
/// endpoint, which is how the function creates its S3 and DynamoDB clients; with an IP endpoint the S3 client uses
/// path-style addressing. The credentials are placeholders the stand-ins accept.
/// </summary>
public static class EmulatorBindings
{
    public static IReadOnlyDictionary<string, string> For(string? dynamoDbEndpoint, string? s3Endpoint, string? redisHostAndPort)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS_ACCESS_KEY_ID"] = "local",
            ["AWS_SECRET_ACCESS_KEY"] = "local",
            ["AWS_REGION"] = "us-east-1",
        };
        if (dynamoDbEndpoint is not null)
        {
            variables["AWS_ENDPOINT_URL_DYNAMODB"] = dynamoDbEndpoint;
            // A new client's first call (and DynamoDB Local's JVM, still warming up) can take longer than the log's
            // 500 ms default on a busy machine, and a late write is dropped: locally, wait up to 5 s instead.
            variables[FunctionEnvironment.PredictionsTimeoutMs] = "5000";
        }

        if (s3Endpoint is not null)
        {
            variables["AWS_ENDPOINT_URL_S3"] = s3Endpoint;
        }

        if (redisHostAndPort is not null)
        {
            variables[FunctionEnvironment.PredictionCacheRedisEndpoint] = redisHostAndPort;
            variables[FunctionEnvironment.PredictionCacheRedisTls] = "false";
        }

        return variables;
    }
}
