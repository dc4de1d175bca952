using System.Text.Json.Serialization;

namespace InferenceFunction.Events;

/// <summary>API Gateway REST proxy integration event (payload format 1.0); only the fields we use.</summary>
public sealed class ApiGatewayV1Request
{
    public string? HttpMethod { get; set; }
    public string? Path { get; set; }
    public Dictionary<string, string?>? Headers { get; set; }
    public Dictionary<string, List<string>?>? MultiValueHeaders { get; set; }
    public string? Body { get; set; }
    public bool IsBase64Encoded { get; set; }
}

/// <summary>HTTP API / function URL event (payload format 2.0); only the fields we use.</summary>
public sealed class ApiGatewayV2Request
{
    public string? Version { get; set; }
    public string? RawPath { get; set; }
    public Dictionary<string, string?>? Headers { get; set; }
    public string? Body { get; set; }
    public bool IsBase64Encoded { get; set; }
    public ApiGatewayV2RequestContext? RequestContext { get; set; }
}

public sealed class ApiGatewayV2RequestContext
{
    public string? Stage { get; set; }
    public ApiGatewayV2Http? Http { get; set; }
}

public sealed class ApiGatewayV2Http
{
    public string? Method { get; set; }
    public string? Path { get; set; }
}

/// <summary>The proxy response; API Gateway v1, v2 and function URLs all accept this shape.</summary>
public sealed class HttpEventResponse
{
    public int StatusCode { get; set; }
    public Dictionary<string, string> Headers { get; set; } = [];
    public string Body { get; set; } = string.Empty;

    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }
}
