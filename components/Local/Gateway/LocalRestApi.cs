using System.Diagnostics;
using System.Globalization;
using System.Net;
using Infra.Components;
using Infra.Local.Lambda;
using Infra.Local.StackReading;

namespace Infra.Local.Gateway;

/// <summary>
/// One REST API stage in front of its function, applying what the deployed stack applies and in
/// the same order: the WAF's rules, the route, the API key, the key's usage plan (throttle, then
/// quota), the stage throttle, then the Lambda proxy integration.
/// </summary>
public sealed class LocalRestApi
{
    private readonly RouteTable _routes;
    private readonly LocalWaf _waf;
    private readonly TokenBucket _stageThrottle;
    private readonly IReadOnlyDictionary<string, ClientState> _clientsByKey;
    private readonly IFunctionInvoker _function;
    private readonly TextWriter _log;
    private readonly TimeProvider _clock;

    /// <param name="keys">The local API key of each client, by client name.</param>
    public LocalRestApi(LocalApi api, IReadOnlyDictionary<string, string> keys, IFunctionInvoker function, TextWriter log, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(keys);
        Api = api;
        _function = function;
        _log = log;
        _clock = clock;
        _routes = new RouteTable(api.Routes);
        _waf = new LocalWaf(api.Waf, clock);
        _stageThrottle = new TokenBucket(api.StageRateLimit, api.StageBurstLimit, clock);
        _clientsByKey = api.Clients.ToDictionary(
            client => keys[client.Name],
            client => new ClientState(
                client,
                new TokenBucket(client.Tier.RateLimit, client.Tier.BurstLimit, clock),
                new UsageQuota(client.Tier.QuotaLimit, client.Tier.QuotaPeriod.Value, clock)),
            StringComparer.Ordinal);
    }

    public LocalApi Api { get; }

    /// <summary>The invoker of each route that goes to another function than the API's own, by route name (a model router).</summary>
    public IReadOnlyDictionary<string, IFunctionInvoker> RouteInvokers { get; init; } = new Dictionary<string, IFunctionInvoker>();

    /// <summary>Whether the routes require an <c>x-api-key</c> (as the component sets ApiKeyRequired).</summary>
    public bool ApiKeyRequired => Api.Auth == RestApiAuth.ApiKey || Api.Clients.Count > 0;

    /// <summary>The largest body worth reading: anything longer is blocked by the WAF's size rule.</summary>
    public int MaxBodyBytes => _waf.MaxBodyBytes;

    /// <summary>
    /// Answers one request and logs it in one line, whatever the client sent (the line is escaped: see <see cref="PrintableText"/>).
    /// </summary>
    /// <param name="clientDisconnected">
    /// Fires when the client goes away. It cancels nothing: API Gateway does not stop a Lambda invocation because its
    /// caller left, so the function runs to its end (or its own timeout) and its instance stays warm; the log line says
    /// the answer found nobody.
    /// </param>
    /// <param name="cancellationToken">Fires when serve stops.</param>
    public async Task<GatewayResponse> HandleAsync(GatewayRequest request, CancellationToken clientDisconnected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        var requestId = Guid.NewGuid().ToString();
        var (response, detail) = await AnswerAsync(request, requestId, cancellationToken).ConfigureAwait(false);
        var disconnected = clientDisconnected.IsCancellationRequested ? ", client disconnected" : "";
        await _log.WriteLineAsync(PrintableText.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{_clock.GetUtcNow():HH:mm:ss.fff} {request.Method} {Api.BasePath}{request.Path} -> {response.StatusCode} in {clock.Elapsed.TotalMilliseconds:0} ms{disconnected} ({detail})"))).ConfigureAwait(false);
        return response with { Headers = [.. response.Headers, KeyValuePair.Create("x-amzn-RequestId", requestId)] };
    }

    private async Task<(GatewayResponse Response, string Detail)> AnswerAsync(GatewayRequest request, string requestId, CancellationToken cancellationToken)
    {
        var address = IPAddress.TryParse(request.SourceIp, out var parsed) ? parsed : IPAddress.None;
        if (_waf.Inspect(address, request.ContentLength ?? request.Body.Length) is { } blocked)
        {
            return (new GatewayResponse(blocked.Status, [KeyValuePair.Create("Content-Type", "application/json")], System.Text.Encoding.UTF8.GetBytes(blocked.Body)), $"WAF {blocked.Key}");
        }

        if (_routes.Match(request.Method, request.Path) is not { } match)
        {
            return Refuse(GatewayError.MissingAuthenticationToken, requestId);
        }

        var apiKey = request.Header("x-api-key");
        ClientState? client = null;
        if (ApiKeyRequired)
        {
            if (apiKey is null || !_clientsByKey.TryGetValue(apiKey, out client))
            {
                return Refuse(GatewayError.InvalidApiKey, requestId);
            }

            if (!client.Throttle.TryTake())
            {
                return Refuse(GatewayError.Throttled, requestId, $"client {client.Client.Name}: usage plan {client.Client.Tier.Name} rate");
            }

            if (!client.Quota.TryConsume())
            {
                return Refuse(GatewayError.QuotaExceeded, requestId, $"client {client.Client.Name}: quota of {client.Client.Tier.QuotaLimit} per {client.Client.Tier.QuotaPeriod}");
            }
        }

        if (!_stageThrottle.TryTake())
        {
            return Refuse(GatewayError.Throttled, requestId, "stage throttle");
        }

        var lambdaEvent = ProxyEvents.ToEvent(request, Api, match, requestId, apiKey, _clock.GetUtcNow());
        var function = RouteInvokers.GetValueOrDefault(match.Route.Name) ?? _function;
        var invocation = await function.InvokeAsync(lambdaEvent, cancellationToken).ConfigureAwait(false);
        var who = $"{invocation.Instance}, {(invocation.ColdStart ? "cold start" : "warm")}{(client is null ? "" : ", client " + client.Client.Name)}";
        return invocation.Outcome switch
        {
            InvocationOutcome.Throttled => Refuse(GatewayError.LambdaThrottled, requestId, $"Lambda throttled: {invocation.Error}"),
            InvocationOutcome.Failed => WithLocalHeaders(GatewayError.LambdaFailed.ToResponse(requestId), invocation, $"{who}; function failed: {invocation.Error}"),
            _ => Convert(invocation, requestId, who),
        };
    }

    private static (GatewayResponse, string) Convert(LocalInvocation invocation, string requestId, string who)
    {
        try
        {
            return WithLocalHeaders(ProxyEvents.FromResponse(invocation.Payload), invocation, who);
        }
        catch (MalformedProxyResponseException error)
        {
            return WithLocalHeaders(GatewayError.LambdaFailed.ToResponse(requestId), invocation, $"{who}; malformed Lambda proxy response: {error.Message}");
        }
    }

    private static (GatewayResponse, string) WithLocalHeaders(GatewayResponse response, LocalInvocation invocation, string detail) =>
        (response with
        {
            Headers =
            [
                .. response.Headers,
                KeyValuePair.Create("X-Local-Instance", invocation.Instance),
                KeyValuePair.Create("X-Local-Cold-Start", invocation.ColdStart ? "true" : "false"),
                KeyValuePair.Create("X-Local-Duration-Ms", invocation.Duration.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)),
            ],
        }, detail);

    private static (GatewayResponse, string) Refuse(GatewayError error, string requestId, string? why = null) =>
        (error.ToResponse(requestId), why is null ? error.ResponseType : $"{error.ResponseType}: {why}");

    private sealed record ClientState(LocalClient Client, TokenBucket Throttle, UsageQuota Quota);
}
