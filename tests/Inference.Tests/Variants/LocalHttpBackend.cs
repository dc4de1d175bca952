using System.Net;
using System.Net.Sockets;

namespace Inference.Tests.Variants;

/// <summary>A real HTTP server on 127.0.0.1 standing in for a legacy model endpoint; each request gets the handler's answer.</summary>
public sealed class LocalHttpBackend : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly Task _loop;

    public LocalHttpBackend(Func<HttpListenerContext, Task> handle)
    {
        _handle = handle;
        Url = $"http://127.0.0.1:{FreePort()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public List<(string Method, string Path, string? ContentType, byte[] Body, string? ApiKey)> Received { get; } = [];

    /// <summary>A loopback port that nothing listens on (connection refused).</summary>
    public static int ClosedPort() => FreePort();

    public static async Task Answer(HttpListenerContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException stopped) when (stopped.InnerExceptions.All(e => e is HttpListenerException or ObjectDisposedException))
        {
            // GetContextAsync ends this way when the listener stops.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception stopped) when (stopped is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            lock (Received)
            {
                Received.Add((context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray(), context.Request.Headers["x-api-key"]));
            }

            _ = Task.Run(() => _handle(context));
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
