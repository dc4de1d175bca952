using System.Diagnostics;
using Inference.Telemetry;

namespace Inference.Service;

/// <summary>
/// One request on its way through a model service's stages: what it asked, when its handling began, and the record the
/// stages fill in (model, timings, cache, errors) for the predictions log and the telemetry line written at its end.
/// </summary>
internal sealed class RequestTrace(InferenceRequest request, bool coldStart)
{
    public InferenceRequest Request { get; } = request;

    public RequestRecord Record { get; } = new(request.RequestId, request.Method, request.Path, request.Body.Length)
    {
        ColdStart = coldStart,
        Shadow = request.Shadow,
    };

    public long Started { get; private set; } = Stopwatch.GetTimestamp();

    /// <summary>
    /// True once the core took this /predict request into a batch prediction: it is answered with the batch, so the
    /// stages around the core finish it after the batch rather than in its place.
    /// </summary>
    public bool Batched { get; set; }

    public double ElapsedMs => Stopwatch.GetElapsedTime(Started).TotalMilliseconds;

    /// <summary>A request of a batch prediction is timed from its turn in the batch, as if it had come alone then.</summary>
    public void Restart() => Started = Stopwatch.GetTimestamp();
}
