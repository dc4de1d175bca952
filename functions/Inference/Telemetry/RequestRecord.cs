namespace Inference.Telemetry;

/// <summary>What one request did, gathered while it is handled and written as one log line when it ends.</summary>
public sealed class RequestRecord(string requestId, string method, string path, int requestBytes)
{
    public string RequestId { get; } = requestId;
    public string Method { get; } = method;
    public string Path { get; } = path;
    public int RequestBytes { get; } = requestBytes;

    /// <summary>The served model, once the route names one that exists.</summary>
    public string? Model { get; set; }
    public string? ModelVersion { get; set; }

    public int Status { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public int ResponseBytes { get; set; }
    public bool ColdStart { get; set; }

    /// <summary>True when a prediction ran to completion (infer or predict answered 200).</summary>
    public bool Predicted { get; set; }

    public double DecodeMs { get; set; }
    public double PreprocessMs { get; set; }
    public double? InferenceMs { get; set; }
    public double SerializeMs { get; set; }
    public double TotalMs { get; set; }
}
