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

    /// <summary>True for a shadow call to a candidate variant: logged, but its metrics are written by the shadow line.</summary>
    public bool Shadow { get; init; }

    /// <summary>True when a prediction ran to completion (infer or predict answered 200).</summary>
    public bool Predicted { get; set; }

    /// <summary>True once the request reached infer or predict on a served model: only these go to the predictions log.</summary>
    public bool PredictionRoute { get; set; }

    /// <summary>"hit" or "miss" when the prediction cache was consulted; null when it was not.</summary>
    public string? Cache { get; set; }

    /// <summary>Which tier answered a hit: "memory" or "shared".</summary>
    public string? CacheSource { get; set; }

    /// <summary>Why the shared cache did not answer or store; the request was served anyway.</summary>
    public string? CacheError { get; set; }

    /// <summary>True when the answer was too large for the shared cache and so was not stored there.</summary>
    public bool CacheStoreSkipped { get; set; }

    /// <summary>True when the request was written to the predictions log.</summary>
    public bool PredictionLogged { get; set; }

    /// <summary>Why writing the predictions log failed; the request was served anyway.</summary>
    public string? PredictionLogError { get; set; }

    /// <summary>How many images shared the model run when the request was part of a micro-batch; null when it ran alone.</summary>
    public int? BatchSize { get; set; }

    public double DecodeMs { get; set; }
    public double PreprocessMs { get; set; }
    public double? InferenceMs { get; set; }
    public double SerializeMs { get; set; }
    public double TotalMs { get; set; }
}
