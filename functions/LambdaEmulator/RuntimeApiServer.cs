using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LambdaEmulator;

/// <summary>
/// The Lambda Runtime API (2018-06-01) on 127.0.0.1 with an ephemeral port: next, response,
/// invocation error and init error, with the request id, deadline, function ARN and trace headers.
/// </summary>
public sealed class RuntimeApiServer : IAsyncDisposable
{
    /// <summary>Lambda's limit for a synchronous response; larger ones are refused with 413.</summary>
    public const int MaxResponseBytes = 6 * 1024 * 1024;

    private const string Prefix = "/2018-06-01/runtime";
    private readonly Channel<PendingInvocation> _queue = Channel.CreateUnbounded<PendingInvocation>();
    private readonly Dictionary<string, PendingInvocation> _inFlight = [];
    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private readonly string _functionArn;
    private TaskCompletionSource<EmulatedError> _initError = NewInitErrorSource();

    private RuntimeApiServer(WebApplication app, string functionArn)
    {
        _app = app;
        _functionArn = functionArn;
    }

    /// <summary>host:port, the value for AWS_LAMBDA_RUNTIME_API.</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>Completes when the function posts /runtime/init/error (since the last <see cref="ResetInitError"/>).</summary>
    public Task<EmulatedError> InitError
    {
        get
        {
            lock (_gate)
            {
                return _initError.Task;
            }
        }
    }

    public static async Task<RuntimeApiServer> StartAsync(string functionName, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new RuntimeApiServer(app, $"arn:aws:lambda:us-east-1:000000000000:function:{functionName}");
        server.MapRoutes();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Address = new Uri(url).Authority;
        return server;
    }

    /// <summary>Queues an event; the function receives it on its next GET next.</summary>
    public PendingInvocation Enqueue(byte[] payload, TimeSpan timeout)
    {
        var invocation = new PendingInvocation(payload, timeout);
        lock (_gate)
        {
            _inFlight[invocation.RequestId] = invocation;
        }

        _queue.Writer.TryWrite(invocation);
        return invocation;
    }

    /// <summary>Forgets an invocation that was answered, timed out, or lost with its process.</summary>
    public void Forget(PendingInvocation invocation)
    {
        lock (_gate)
        {
            _inFlight.Remove(invocation.RequestId);
        }
    }

    /// <summary>Called before a new function process starts: a new init, a new chance to fail.</summary>
    public void ResetInitError()
    {
        lock (_gate)
        {
            _initError = NewInitErrorSource();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static TaskCompletionSource<EmulatedError> NewInitErrorSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void MapRoutes()
    {
        _app.MapGet(Prefix + "/invocation/next", NextAsync);
        _app.MapPost(Prefix + "/invocation/{requestId}/response", ResponseAsync);
        _app.MapPost(Prefix + "/invocation/{requestId}/error", InvocationErrorAsync);
        _app.MapPost(Prefix + "/init/error", InitErrorAsync);
    }

    private async Task NextAsync(HttpContext context)
    {
        PendingInvocation invocation;
        do
        {
            // Like Lambda, next blocks until there is work; a closed queue means the emulator is stopping.
            if (!await _queue.Reader.WaitToReadAsync(context.RequestAborted).ConfigureAwait(false))
            {
                context.Response.StatusCode = StatusCodes.Status410Gone;
                return;
            }
        }
        while (!_queue.Reader.TryRead(out invocation!) || !IsInFlight(invocation));

        var started = invocation.MarkStarted();
        var headers = context.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = (started + invocation.Timeout).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = _functionArn;
        headers["Lambda-Runtime-Trace-Id"] = invocation.TraceId;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(invocation.Payload, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task ResponseAsync(HttpContext context, string requestId)
    {
        if (Find(requestId) is not { } invocation)
        {
            await RejectAsync(context, 400, "InvalidRequestID", $"No invocation {requestId} is in flight.").ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body.Length > MaxResponseBytes)
        {
            await RejectAsync(context, 413, "RequestEntityTooLarge", $"The response has {body.Length} bytes; the limit is {MaxResponseBytes}.").ConfigureAwait(false);
            return;
        }

        invocation.Complete(InvocationStatus.Succeeded, body, null);
        await AcceptAsync(context).ConfigureAwait(false);
    }

    private async Task InvocationErrorAsync(HttpContext context, string requestId)
    {
        if (Find(requestId) is not { } invocation)
        {
            await RejectAsync(context, 400, "InvalidRequestID", $"No invocation {requestId} is in flight.").ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        invocation.Complete(InvocationStatus.FunctionError, body, ParseError(body, context));
        await AcceptAsync(context).ConfigureAwait(false);
    }

    private async Task InitErrorAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        lock (_gate)
        {
            _initError.TrySetResult(ParseError(body, context));
        }

        await AcceptAsync(context).ConfigureAwait(false);
    }

    private bool IsInFlight(PendingInvocation invocation)
    {
        lock (_gate)
        {
            return _inFlight.ContainsKey(invocation.RequestId);
        }
    }

    private PendingInvocation? Find(string requestId)
    {
        lock (_gate)
        {
            return _inFlight.GetValueOrDefault(requestId);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>Reads {"errorMessage","errorType","stackTrace"}; a malformed body is kept as the message.</summary>
    private static EmulatedError ParseError(byte[] body, HttpContext context)
    {
        var headerType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString();
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var stack = root.TryGetProperty("stackTrace", out var trace) && trace.ValueKind == JsonValueKind.Array
                ? trace.EnumerateArray().Select(line => line.ToString()).ToList()
                : [];
            return new EmulatedError(
                root.TryGetProperty("errorType", out var type) ? type.ToString() : headerType,
                root.TryGetProperty("errorMessage", out var message) ? message.ToString() : string.Empty,
                stack);
        }
        catch (JsonException)
        {
            return new EmulatedError(headerType.Length > 0 ? headerType : "Runtime.InvalidErrorBody", System.Text.Encoding.UTF8.GetString(body), []);
        }
    }

    private static Task AcceptAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("{\"status\":\"OK\"}", context.RequestAborted);
    }

    private static Task RejectAsync(HttpContext context, int statusCode, string errorType, string message)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(
            JsonSerializer.Serialize(new Dictionary<string, string> { ["errorType"] = errorType, ["errorMessage"] = message }),
            context.RequestAborted);
    }
}
