using System.Text.Json.Serialization;

namespace InferenceFunction.Events;

/// <summary>
/// Every event shape this function accepts, read in one pass: API Gateway REST (v1), HTTP API and
/// function URL (v2), SQS batches, and warm-up / EventBridge schedule events. Inference events can
/// carry megabytes of body, so the payload is deserialized once, then classified by its fields.
/// Only the fields the host uses are declared; the rest are skipped.
/// </summary>
public sealed class LambdaEvent
{
    // API Gateway v1: httpMethod + path; v2: version "2.0" + requestContext.http.
    public string? Version { get; set; }
    public string? HttpMethod { get; set; }
    public string? Path { get; set; }
    public string? RawPath { get; set; }
    public Dictionary<string, string?>? Headers { get; set; }
    public Dictionary<string, List<string>?>? MultiValueHeaders { get; set; }
    public EventBody? Body { get; set; }
    public bool IsBase64Encoded { get; set; }
    public HttpRequestContext? RequestContext { get; set; }

    // SQS event source mapping.
    [JsonPropertyName("Records")]
    public List<SqsMessage>? Records { get; set; }

    // Warm-up: {"warmup": true}, or an EventBridge scheduled event.
    public bool? Warmup { get; set; }
    public string? Source { get; set; }

    [JsonPropertyName("detail-type")]
    public string? DetailType { get; set; }
}

public sealed class HttpRequestContext
{
    public string? Stage { get; set; }
    public HttpDescription? Http { get; set; }
}

/// <summary>requestContext.http of a v2 event.</summary>
public sealed class HttpDescription
{
    public string? Method { get; set; }
    public string? Path { get; set; }
}
