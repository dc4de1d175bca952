using Infra.Local.Gateway;
using Infra.Local.Lambda;
using Infra.Local.StackReading;

namespace Local.Tests;

/// <summary>The local front on a free loopback port with one API in front of the given function.</summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    private readonly LocalFront _front;

    private GatewayHost(LocalFront front, HttpClient client, IReadOnlyDictionary<string, string> keys, StringWriter log)
    {
        _front = front;
        Client = client;
        Keys = keys;
        Log = log;
    }

    public HttpClient Client { get; }

    public IReadOnlyDictionary<string, string> Keys { get; }

    /// <summary>The gateway's request log lines.</summary>
    public StringWriter Log { get; }

    public static async Task<GatewayHost> StartAsync(LocalStack stack, IFunctionInvoker function)
    {
        var api = stack.Apis.Single();
        var keys = LocalApiKeys.Generate(api);
        var log = new StringWriter();
        var front = new LocalFront([new LocalRestApi(api, keys, function, TextWriter.Synchronized(log), TimeProvider.System)], 0, null);
        await front.StartAsync(CancellationToken.None);
        return new GatewayHost(front, new HttpClient { BaseAddress = front.BaseAddress }, keys, log);
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? client = "acme")
    {
        var request = new HttpRequestMessage(method, "/embed/test" + path);
        if (client is not null)
        {
            request.Headers.Add("x-api-key", Keys[client]);
        }

        return request;
    }

    public Task<HttpResponseMessage> GetHealthAsync(string? client = "acme") => Client.SendAsync(Request(HttpMethod.Get, "/v2/health/live", client));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _front.DisposeAsync();
    }
}
