using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Infra.Local.Gpu;

/// <summary>
/// A stand-in for SageMaker's runtime API on 127.0.0.1 (the front's <c>GPU_ENDPOINT_URL</c>): every request goes through
/// <see cref="InvokeEndpointRelay"/> to the server process of the endpoint it names.
/// </summary>
public sealed class LocalSageMakerRuntime(int port, InvokeEndpointRelay relay) : ILocalService
{
    private static readonly string[] ForwardedHeaders = ["Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256", "Accept", Inference.Contracts.GpuEndpointContract.AttributesHeader];
    private readonly HttpMessageInvoker _relay = new(relay, disposeHandler: true);
    private WebApplication? _app;

    public static Uri UrlOf(int port) => new($"http://127.0.0.1:{port}/");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapFallback("{**path}", ForwardAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _relay.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), UrlOf(port) + context.Request.Path.ToUriComponent().TrimStart('/'))
        {
            Content = new ByteArrayContent(body.ToArray()),
        };
        if (context.Request.ContentType is { } type && MediaTypeHeaderValue.TryParse(type, out var parsed))
        {
            request.Content.Headers.ContentType = parsed;
        }

        foreach (var name in ForwardedHeaders)
        {
            if (context.Request.Headers.TryGetValue(name, out var values))
            {
                request.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
            }
        }

        using var answer = await _relay.SendAsync(request, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers)
        {
            context.Response.Headers[name] = values.ToArray();
        }

        if (answer.Content.Headers.ContentType is { } answerType)
        {
            context.Response.ContentType = answerType.ToString();
        }

        await answer.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
