using System.Text.Json;

namespace InferenceFunction.Tests.Fuzz;

/// <summary>Valid events of every shape the function accepts: the seeds that the fuzz tests mutate.</summary>
internal static class EventSamples
{
    public const string RestApiV1 = """
        {"resource":"/{proxy+}","path":"/v2/models/resnet18/infer","httpMethod":"POST",
         "headers":{"Content-Type":"application/json"},"multiValueHeaders":{"Content-Type":["application/json"],"X-One":["a","b"]},
         "queryStringParameters":{"a":"1"},"requestContext":{"requestId":"apigw-1","stage":"prod"},
         "body":"{\"inputs\":[]}","isBase64Encoded":false}
        """;

    public const string HttpApiV2 = """
        {"version":"2.0","routeKey":"$default","rawPath":"/prod/v2/models/resnet18/predict","rawQueryString":"a=1",
         "headers":{"content-type":"image/jpeg"},"cookies":["c=1"],
         "requestContext":{"stage":"prod","requestId":"r","http":{"method":"POST","path":"/prod/v2/models/resnet18/predict"}},
         "body":"/9j/4AAQ","isBase64Encoded":true}
        """;

    public const string WarmUp = """{"warmup":true}""";

    public const string Scheduled = """
        {"version":"0","id":"e","detail-type":"Scheduled Event","source":"aws.events","time":"2026-01-01T00:00:00Z","resources":["arn:aws:events:us-east-1:1:rule/r"],"detail":{}}
        """;

    public const string S3Notification = """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventName":"ObjectCreated:Put",
         "s3":{"bucket":{"name":"in"},"object":{"key":"photos/my+cat.jpg","size":3}}}]}
        """;

    public static IReadOnlyList<string> All { get; } = [RestApiV1, HttpApiV2, WarmUp, Scheduled, Sqs(S3Notification)];

    /// <summary>An SQS batch of one message whose body is <paramref name="body"/> (an S3 notification when valid).</summary>
    public static string Sqs(string body) => $$"""
        {"Records":[{"messageId":"m-1","receiptHandle":"h","body":{{JsonSerializer.Serialize(body)}},"attributes":{},"messageAttributes":{},
          "md5OfBody":"x","eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-1:1:q","awsRegion":"us-east-1"}]}
        """;
}
