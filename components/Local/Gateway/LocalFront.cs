using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Infra.Local.Gateway;

/// <summary>
/// The local API Gateway front on 127.0.0.1, one port for everything: each API under
/// <c>/{component path}/{stage}/...</c>, the try-it page at <c>/</c>, the sample photo at
/// <c>/sample.jpg</c> and the list of APIs for the page at <c>/local/apis</c>.
/// </summary>
public sealed class LocalFront(IReadOnlyList<LocalRestApi> apis, int port, string? samplePhotoPath) : ILocalService
{
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase) { "Content-Length", "Transfer-Encoding", "Connection" };
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;

    /// <summary>The front's address, e.g. <c>http://127.0.0.1:4000</c>; known once started.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, port);
            // Bodies are limited by each API's WAF rule, which answers 413 itself.
            options.Limits.MaxRequestBodySize = null;
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/", (HttpContext context) => WritePageAsync(context));
        app.MapGet("/sample.jpg", () => samplePhotoPath is not null && File.Exists(samplePhotoPath)
            ? Results.File(samplePhotoPath, "image/jpeg")
            : Results.Json(new { error = "the sample photo is not available (serve prints why at start)", code = "no_sample" }, statusCode: 404));
        app.MapGet("/local/apis", () => Results.Json(apis.Select(Describe)));
        app.MapFallback("{**path}", ForwardAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
    }

    public async ValueTask DisposeAsync()
    {
        // Ends the invocations still running for requests in flight; a client's disconnect does not.
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private static object Describe(LocalRestApi api) => new
    {
        name = api.Api.Path,
        pattern = api.Api.Pattern,
        model = api.Api.ModelName,
        basePath = api.Api.BasePath,
        predictPath = $"{api.Api.BasePath}/v2/models/{api.Api.ModelName}/predict",
        apiKeyRequired = api.ApiKeyRequired,
    };

    private static async Task WritePageAsync(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        await using var page = typeof(LocalFront).Assembly.GetManifestResourceStream("Infra.Local.Web.index.html")
            ?? throw new InvalidOperationException("The page Web/index.html is not embedded in Infra.Local.");
        await page.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var api = apis.FirstOrDefault(a => path == a.Api.BasePath || path.StartsWith(a.Api.BasePath + "/", StringComparison.Ordinal));
        if (api is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new
            {
                error = $"no API at {path}: the APIs are under {string.Join(", ", apis.Select(a => a.Api.BasePath + "/"))}",
                code = "no_such_api",
            }, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var declared = context.Request.ContentLength;
        var body = declared > api.MaxBodyBytes ? [] : await ReadAtMostAsync(context.Request.Body, api.MaxBodyBytes + 1, context.RequestAborted).ConfigureAwait(false);
        var remote = context.Connection.RemoteIpAddress ?? IPAddress.Loopback;
        var request = new GatewayRequest(
            context.Request.Method,
            path.Length == api.Api.BasePath.Length ? "/" : path[api.Api.BasePath.Length..],
            [.. context.Request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? "")))],
            [.. context.Request.Headers.SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v ?? "")))],
            body,
            (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString(),
            declared);

        var response = await api.HandleAsync(request, context.RequestAborted, _stopping.Token).ConfigureAwait(false);
        if (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client left while the function ran: there is no one to answer (the gateway logged it)
        }

        context.Response.StatusCode = response.StatusCode;
        foreach (var group in response.Headers.Where(h => !NotForwarded.Contains(h.Key)).GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            context.Response.Headers[group.Key] = group.Select(h => h.Value).ToArray();
        }

        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadAtMostAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (buffer.Length < limit && (read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
