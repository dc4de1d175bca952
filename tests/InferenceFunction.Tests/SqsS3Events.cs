using System.Text.Json;

namespace InferenceFunction.Tests;

/// <summary>The SQS batch event Lambda delivers for S3 uploads: one SQS record per upload, each body an S3 notification.</summary>
internal static class SqsS3Events
{
    public static string For(string bucket, params (string MessageId, string Key)[] uploads) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["Records"] = uploads.Select(upload => new Dictionary<string, object>
        {
            ["messageId"] = upload.MessageId,
            ["eventSource"] = "aws:sqs",
            ["body"] = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["Records"] = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["eventSource"] = "aws:s3",
                        ["eventName"] = "ObjectCreated:Put",
                        ["s3"] = new Dictionary<string, object>
                        {
                            ["bucket"] = new Dictionary<string, string> { ["name"] = bucket },
                            ["object"] = new Dictionary<string, object> { ["key"] = upload.Key, ["size"] = 1 },
                        },
                    },
                },
            }),
        }).ToArray(),
    });
}
