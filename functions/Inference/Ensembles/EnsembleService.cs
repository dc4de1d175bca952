using System.Diagnostics;
using System.Text.Json;
using Inference.Service;
using Inference.Protocol;

namespace Inference.Ensembles;

/// <summary>
/// Serves each configured ensemble under its own model name, in front of the service that serves its members. For
/// /infer and /predict, every member gets the same request at once (on the thread pool, since a model run does not
/// yield); the ensemble waits for each at most its timeout, then combines the answers it has
/// (<see cref="EnsembleCombiner"/>). A member that fails or times out degrades the answer, which says so; only when
/// no member answers is the request failed. Everything else passes through unchanged.
/// </summary>
public sealed class EnsembleService : IInferenceService, IDisposable
{
    public const string TimeoutCode = "member_timeout";
    public const string FailedCode = "member_failed";
    public const string IncompatibleCode = "incompatible_answer";
    public const string UnavailableCode = "ensemble_unavailable";

    private readonly IInferenceService _inner;
    private readonly IReadOnlyDictionary<string, EnsembleDefinition> _ensembles;
    private readonly EnsembleTelemetry _telemetry;

    /// <summary>Member runs that timed out and still run; disposing the models under them would pull the session from under a run.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _abandoned = new();

    public EnsembleService(IInferenceService inner, IReadOnlyList<EnsembleDefinition> ensembles, EnsembleTelemetry telemetry)
    {
        _inner = inner;
        _ensembles = ensembles.ToDictionary(e => e.Name, StringComparer.Ordinal);
        _telemetry = telemetry;
    }

    public IReadOnlyCollection<EnsembleDefinition> Ensembles => [.. _ensembles.Values];

    public Task WarmUpAsync(CancellationToken cancellationToken) => _inner.WarmUpAsync(cancellationToken);

    public Task<InferenceResponse> HandleAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var route = Route.Parse(request.Path);
        return route.Model is { } name && _ensembles.TryGetValue(name, out var ensemble)
            ? HandleEnsembleAsync(request, route, ensemble, cancellationToken)
            : _inner.HandleAsync(request, cancellationToken);
    }

    public Task<IReadOnlyList<InferenceResponse>> PredictImagesAsync(IReadOnlyList<InferenceRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return requests.Any(r => Route.Parse(r.Path).Model is { } name && _ensembles.ContainsKey(name))
            ? OneByOneAsync(requests, cancellationToken)
            : _inner.PredictImagesAsync(requests, cancellationToken);
    }

    public Task LogUnservedInputAsync(string inputKey, string modelName, int status, string errorCode, string requestId, long inputBytes,
        CancellationToken cancellationToken) =>
        _inner.LogUnservedInputAsync(inputKey, modelName, status, errorCode, requestId, inputBytes, cancellationToken);

    /// <summary>Waits (up to a minute) for member runs that timed out to end, then disposes the models.</summary>
    public void Dispose()
    {
        Task.WaitAny(Task.WhenAll(_abandoned.Keys), Task.Delay(TimeSpan.FromMinutes(1)));
        (_inner as IDisposable)?.Dispose();
    }

    private async Task<IReadOnlyList<InferenceResponse>> OneByOneAsync(IReadOnlyList<InferenceRequest> requests, CancellationToken cancellationToken)
    {
        var responses = new List<InferenceResponse>(requests.Count);
        foreach (var request in requests)
        {
            responses.Add(await HandleAsync(request, cancellationToken).ConfigureAwait(false));
        }

        return responses;
    }

    private async Task<InferenceResponse> HandleEnsembleAsync(InferenceRequest request, Route route, EnsembleDefinition ensemble, CancellationToken cancellationToken)
    {
        if (route.Version is not null)
        {
            return Error(404, ErrorCodes.ModelVersionNotFound, $"Ensemble '{ensemble.Name}' has no versions; call /v2/models/{ensemble.Name}/{Action(route)} without one.");
        }

        if (!string.Equals(request.Method, route.AllowedMethod, StringComparison.OrdinalIgnoreCase))
        {
            return Error(405, ErrorCodes.MethodNotAllowed, $"{request.Method} is not allowed on '{request.Path}'; use {route.AllowedMethod}.",
                new Dictionary<string, string> { ["Content-Type"] = "application/json", ["Allow"] = route.AllowedMethod });
        }

        return route.Kind switch
        {
            RouteKind.ModelMetadata => new InferenceResponse(200, JsonHeaders, EnsembleBodies.Metadata(ensemble)),
            RouteKind.ModelReady => await ReadinessAsync(request, ensemble, cancellationToken).ConfigureAwait(false),
            _ => await PredictAsync(request, route, ensemble, cancellationToken).ConfigureAwait(false),
        };
    }

    private async Task<InferenceResponse> PredictAsync(InferenceRequest request, Route route, EnsembleDefinition ensemble, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outcomes = await Task.WhenAll(ensemble.Members.Select(member =>
            RunMemberAsync(MemberRequest(request, member.Model, Action(route)), member, cancellationToken))).ConfigureAwait(false);

        InferenceResponse response;
        var answered = outcomes.Where(o => o.Answered).ToArray();
        if (answered.Length == 0)
        {
            response = AllFailed(ensemble, outcomes);
        }
        else
        {
            var combined = EnsembleCombiner.Combine(ensemble.Combine, [.. answered.Select(o => new WeightedAnswer(o.Member, o.Answer!))]);
            outcomes = [.. outcomes.Select(o => combined.Incompatible.FirstOrDefault(i => i.Member == o.Member) is { Reason: { } reason }
                ? o with { Code = IncompatibleCode, Error = $"Its answer was left out: {reason}.", Status = 200 }
                : o)];
            var id = answered[0].Id ?? request.RequestId;
            var degraded = outcomes.Any(o => !o.Answered);
            response = new InferenceResponse(200, degraded ? DegradedHeaders : CompleteHeaders,
                JsonBody.WithId(EnsembleBodies.Answer(ensemble, combined, outcomes), id));
        }

        _telemetry.WriteRequest(request, ensemble, response.StatusCode, outcomes, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return response;
    }

    /// <summary>Runs one member, waiting at most its timeout; never throws except for the request's own cancellation.</summary>
    private async Task<MemberOutcome> RunMemberAsync(InferenceRequest request, EnsembleMember member, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        double Elapsed() => Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = Task.Run(() => _inner.HandleAsync(request, abandon.Token), CancellationToken.None);
        var answeredAt = 0L;
        _ = work.ContinueWith(_ =>
        {
            answeredAt = Stopwatch.GetTimestamp();
            abandon.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            var response = await work.WaitAsync(member.Timeout, cancellationToken).ConfigureAwait(false);

            // The timer's continuation can run late on a busy thread pool; an answer that came after the timeout is still late.
            if (Stopwatch.GetElapsedTime(started, Volatile.Read(ref answeredAt) is > 0 and var at ? at : Stopwatch.GetTimestamp()) > member.Timeout)
            {
                throw new TimeoutException();
            }

            return Read(member, response, Elapsed());
        }
        catch (TimeoutException)
        {
            // Cancelling stops the member's model run at its next operator; work the token cannot stop (a model load)
            // finishes in the background. Either way its answer is dropped.
            try
            {
                abandon.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The member finished (late) in the meantime and released its source: there is nothing left to cancel.
            }

            if (!work.IsCompleted && _abandoned.TryAdd(work, 0))
            {
                _ = work.ContinueWith(done => _abandoned.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            return new MemberOutcome(member, Elapsed())
            {
                Status = 504,
                Code = TimeoutCode,
                Error = $"No answer within the member's timeout of {member.Timeout.TotalMilliseconds:0} ms.",
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new MemberOutcome(member, Elapsed()) { Status = 500, Code = FailedCode, Error = $"{ex.GetType().Name}: {ex.Message}" };
        }
    }

    private static MemberOutcome Read(EnsembleMember member, InferenceResponse response, double latencyMs)
    {
        var outcome = new MemberOutcome(member, latencyMs) { Response = response, Status = response.StatusCode };
        if (response.StatusCode != 200)
        {
            var (code, error) = ErrorOf(response);
            return outcome with { Code = code, Error = error };
        }

        try
        {
            var answer = MemberAnswer.Parse(response.Body, out var version, out var id);
            return outcome with { Answer = answer, ModelVersion = version, Id = id };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            return outcome with { Status = 500, Code = FailedCode, Error = $"Its answer could not be read: {ex.Message}" };
        }
    }

    /// <summary>
    /// No member answered. When every member refused the request with the same 4xx (bad input for all of them), that is the
    /// answer; otherwise 503, since the request itself may be fine. The body lists each member's reason.
    /// </summary>
    private static InferenceResponse AllFailed(EnsembleDefinition ensemble, IReadOnlyList<MemberOutcome> outcomes)
    {
        var first = outcomes[0];
        var sameClientError = first.Status is >= 400 and < 500 && outcomes.All(o => o.Status == first.Status && o.Code == first.Code);
        var reasons = string.Join("; ", outcomes.Select(o => $"{o.Member.Model}: {o.Code}: {o.Error}"));
        return sameClientError
            ? new InferenceResponse(first.Status, JsonHeaders, EnsembleBodies.Error(first.Code!, $"Every member of ensemble '{ensemble.Name}' refused the request ({reasons}).", outcomes))
            : new InferenceResponse(503, JsonHeaders, EnsembleBodies.Error(UnavailableCode, $"No member of ensemble '{ensemble.Name}' answered ({reasons}).", outcomes));
    }

    private async Task<InferenceResponse> ReadinessAsync(InferenceRequest request, EnsembleDefinition ensemble, CancellationToken cancellationToken)
    {
        var ready = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var member in ensemble.Members)
        {
            var answer = await _inner.HandleAsync(request with { Path = $"/v2/models/{member.Model}/ready" }, cancellationToken).ConfigureAwait(false);
            ready[member.Model] = answer.StatusCode == 200;
        }

        // The ensemble answers (degraded) as long as one member can.
        var any = ready.Values.Any(r => r);
        return new InferenceResponse(any ? 200 : 503, JsonHeaders, EnsembleBodies.Readiness(ensemble, any, ready));
    }

    private static InferenceRequest MemberRequest(InferenceRequest request, string model, string action) =>
        request with { Path = $"/v2/models/{model}/{action}" };

    private static string Action(Route route) => route.Kind switch
    {
        RouteKind.Infer => "infer",
        RouteKind.Predict => "predict",
        RouteKind.ModelReady => "ready",
        _ => "",
    };

    private static (string Code, string Error) ErrorOf(InferenceResponse response)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            var root = document.RootElement;
            return (root.TryGetProperty("code", out var code) ? code.GetString() ?? FailedCode : FailedCode,
                root.TryGetProperty("error", out var error) ? error.GetString() ?? "" : $"status {response.StatusCode}");
        }
        catch (JsonException)
        {
            return (FailedCode, $"status {response.StatusCode} with a body that is not JSON");
        }
    }

    private static InferenceResponse Error(int status, string code, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, headers ?? JsonHeaders, ProtocolBodies.Error(code, message));

    private static readonly IReadOnlyDictionary<string, string> JsonHeaders =
        new Dictionary<string, string> { ["Content-Type"] = "application/json" };

    /// <summary>Every ensemble answer says whether a member is missing from it (documented in functions/README.md).</summary>
    private static readonly IReadOnlyDictionary<string, string> DegradedHeaders =
        new Dictionary<string, string> { ["Content-Type"] = "application/json", ["X-Ensemble-Degraded"] = "true" };

    private static readonly IReadOnlyDictionary<string, string> CompleteHeaders =
        new Dictionary<string, string> { ["Content-Type"] = "application/json", ["X-Ensemble-Degraded"] = "false" };
}
