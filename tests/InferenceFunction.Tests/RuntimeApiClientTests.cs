using InferenceFunction.Runtime;
using LambdaEmulator;

namespace InferenceFunction.Tests;

/// <summary>
/// The Runtime API client sends through an HttpClient of its own (no timeout, the API's base address): a caller's HTTP
/// settings stay the caller's. It used to set the Timeout and BaseAddress of the HttpClient it was given.
/// </summary>
public sealed class RuntimeApiClientTests
{
    [Fact]
    public async Task A_callers_HttpClient_on_the_same_handler_keeps_its_timeout_base_address_and_headers_and_still_sends()
    {
        await using var server = await RuntimeApiServer.StartAsync("client-settings", CancellationToken.None);
        using var handler = new SocketsHttpHandler();
        using var http = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(7) };
        http.DefaultRequestHeaders.Add("X-Caller", "mine");

        using (var client = new RuntimeApiClient(server.Address, handler))
        {
            await client.SendInitErrorAsync(new LambdaError("a probe", "Probe", []), CancellationToken.None);
        }

        Assert.Equal("Probe", (await server.InitError.WaitAsync(TimeSpan.FromSeconds(5))).ErrorType);
        Assert.Null(http.BaseAddress);
        Assert.Equal(TimeSpan.FromSeconds(7), http.Timeout);
        Assert.Equal("mine", Assert.Single(http.DefaultRequestHeaders.GetValues("X-Caller")));
        // The handler is still the caller's after the client is gone (a disposed handler throws ObjectDisposedException).
        using var response = await http.GetAsync(new Uri($"http://{server.Address}/2018-06-01/runtime/unknown"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
