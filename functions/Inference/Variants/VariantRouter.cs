using System.Collections.Concurrent;
using System.Diagnostics;
using Inference.Service;
using Inference.Telemetry;

namespace Inference.Variants;

/// <summary>
/// A/B testing, migration and shadow mode inside the function. Each /infer and /predict request goes to one variant,
/// chosen by the weights (sticky by a header when configured), and its answer says which one served it
/// (<c>X-Model-Variant</c>, <c>X-Model-Version</c>). Other routes (health, metadata) go to the first variant that runs a
/// model here. A share of requests is also queued for the shadow candidate, which runs in
/// <see cref="RunAfterResponseAsync"/>, after the client has its answer; its failures are logged, never returned.
/// </summary>
public sealed class VariantRouter : IInferenceService, IDisposable
{
    public const string VariantHeader = "X-Model-Variant";
    public const string VersionHeader = "X-Model-Version";

    /// <summary>Shadow calls waiting for the response to be sent; a Lambda invocation queues at most one, so this only bounds misuse.</summary>
    public const int MaxPendingShadows = 16;

    private readonly TrafficSplit _split;
    private readonly IReadOnlyList<ModelVariant> _variants;
    private readonly ModelVariant _default;
    private readonly ModelVariant? _candidate;
    private readonly VariantAssigner _assigner;
    private readonly TelemetryWriter _telemetry;
    private readonly Func<double> _random;
    private readonly ConcurrentQueue<ShadowCall> _pending = new();

    public VariantRouter(TrafficSplit split, IReadOnlyList<ModelVariant> variants, TelemetryWriter telemetry, Func<double> random)
    {
        _split = split;
        _variants = variants;
        _default = variants.Single(v => v.Name == split.DefaultModelVariant.Name);
        _candidate = split.Shadow is { } shadow ? variants.Single(v => v.Name == shadow.Variant) : null;
        _assigner = new VariantAssigner([.. variants.Select(v => v.Spec.Weight)], split.StickyHeader, random);
        _telemetry = telemetry;
        _random = random;
    }

    public IReadOnlyList<ModelVariant> Variants => _variants;

    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        foreach (var variant in _variants)
        {
            await variant.Service.WarmUpAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<InferenceResponse> HandleAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var route = Route.Parse(request.Path);
        var split = route.Kind is RouteKind.Infer or RouteKind.Predict;
        var variant = split ? _variants[_assigner.Assign(request.Headers).Index] : _default;
        var response = await variant.Service.HandleAsync(request, cancellationToken).ConfigureAwait(false);
        if (split && _candidate is not null && _candidate != variant && _random() * 100 < _split.Shadow!.Percent)
        {
            Enqueue(new ShadowCall(request, response, variant, variant.VersionOf(route.Model), route.Model));
        }

        var headers = new Dictionary<string, string>(response.Headers, StringComparer.OrdinalIgnoreCase) { [VariantHeader] = variant.Name };
        if (variant.VersionOf(route.Model) is { } version)
        {
            headers[VersionHeader] = version;
        }

        return response with { Headers = headers };
    }

    /// <summary>Runs the queued shadow calls, one by one, and writes a shadow line for each.</summary>
    public async Task RunAfterResponseAsync(CancellationToken cancellationToken)
    {
        while (_pending.TryDequeue(out var call))
        {
            _telemetry.WriteShadow(await ShadowAsync(call, cancellationToken).ConfigureAwait(false));
        }
    }

    public Task LogUnservedInputAsync(string inputKey, string modelName, int status, string errorCode, string requestId, long inputBytes,
        CancellationToken cancellationToken) =>
        _default.Service.LogUnservedInputAsync(inputKey, modelName, status, errorCode, requestId, inputBytes, cancellationToken);

    public void Dispose()
    {
        foreach (var variant in _variants)
        {
            variant.Dispose();
        }
    }

    private void Enqueue(ShadowCall call)
    {
        if (_pending.Count >= MaxPendingShadows)
        {
            _telemetry.WriteWarning("shadow_skipped", $"{MaxPendingShadows} shadow calls already wait for their invocation to end; request {call.Request.RequestId} is not shadowed");
            return;
        }

        _pending.Enqueue(call);
    }

    private async Task<ShadowRecord> ShadowAsync(ShadowCall call, CancellationToken cancellationToken)
    {
        var candidate = _candidate!;
        var record = new ShadowRecord(call.Request.RequestId, call.Request.Path, call.Model)
        {
            PrimaryVariant = call.Primary.Name,
            PrimaryVersion = call.PrimaryVersion,
            PrimaryStatus = call.Response.StatusCode,
            CandidateVariant = candidate.Name,
            CandidateVersion = candidate.VersionOf(call.Model),
        };
        var started = Stopwatch.GetTimestamp();
        InferenceResponse answer;
        try
        {
            answer = await candidate.Service.HandleAsync(call.Request with { Shadow = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The client already has the primary's answer; the candidate's fault is only reported.
            return record with { CandidateMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds, Error = $"{ex.GetType().Name}: {ex.Message}" };
        }

        record = record with { CandidateMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds, CandidateStatus = answer.StatusCode };
        if (answer.StatusCode != 200 || call.Response.StatusCode != 200)
        {
            return record;
        }

        var agreement = PredictionAgreement.Compare(call.Response.Body, answer.Body);
        return record with { Top1Match = agreement.Top1Match, Cosine = agreement.Cosine };
    }

    private sealed record ShadowCall(InferenceRequest Request, InferenceResponse Response, ModelVariant Primary, string? PrimaryVersion, string? Model);
}
