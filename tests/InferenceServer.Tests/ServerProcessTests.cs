using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace InferenceServer.Tests;

/// <summary>The built server as SageMaker runs it: a process started with `serve`, configured by variables, stopped by SIGTERM.</summary>
public sealed class ServerProcessTests
{
    [Fact]
    public async Task It_listens_on_SAGEMAKER_BIND_TO_PORT_logs_listening_then_the_model_load_then_ready_and_serves()
    {
        using var server = ServerProcess.Start(("MODEL_NAME", "ppocr-cls"));
        await server.WaitUntilReadyAsync();
        using var client = new HttpClient { BaseAddress = server.Address };

        using var response = await client.PostAsync("/invocations", new StringContent(Inference.Tests.Requests.ClsInfer(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var messages = Lines(server.Output).Select(line => line.GetProperty("message").GetString()).ToList();
        Assert.True(messages.IndexOf("server_listening") < messages.IndexOf("model_loaded") && messages.IndexOf("model_loaded") < messages.IndexOf("server_ready"),
            string.Join(", ", messages));
        // The library's own request line and EMF metrics, as in Lambda.
        var request = Lines(server.Output).Single(line => line.GetProperty("message").GetString() == "request");
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), request.GetProperty("requestId").GetString());
        Assert.True(request.TryGetProperty("_aws", out _));
    }

    [Fact]
    public async Task SIGTERM_drains_the_request_in_flight_refuses_new_connections_and_exits_0()
    {
        using var server = ServerProcess.Start(("MODEL_NAME", "ppocr-cls"));
        await server.WaitUntilReadyAsync();
        var body = Encoding.UTF8.GetBytes(Inference.Tests.Requests.ClsInfer());

        // A request whose body is half sent is in flight: the server has its headers and waits for the rest.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /v2/models/ppocr-cls/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
        await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
        await stream.FlushAsync();
        await Task.Delay(300);
        server.SendSigterm();
        await WaitForAsync(() => server.Output.Contains("server_draining", StringComparison.Ordinal), server);

        Assert.False(server.HasExited, "The server exited with a request in flight.");
        await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var late = new TcpClient();
            await late.ConnectAsync(IPAddress.Loopback, server.Port);
        });
        await stream.WriteAsync(body.AsMemory(body.Length / 2));
        var answer = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
        Assert.Contains("\"model_name\":\"ppocr-cls\"", answer, StringComparison.Ordinal);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("server_stopped", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_INVOCATIONS_MODEL_the_server_does_not_serve_fails_init_with_exit_1_naming_the_variable_and_value()
    {
        using var server = ServerProcess.Start(("MODEL_NAME", "ppocr-cls"), ("INVOCATIONS_MODEL", "resnet-50"));

        Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Init failed: FunctionConfigInvalid: INVOCATIONS_MODEL='resnet-50' is not a model this server serves", server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_model_fails_init_with_exit_1_naming_the_variable_and_value()
    {
        using var server = ServerProcess.Start(("MODEL_NAME", "no-such-model"));

        Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Init failed: FunctionConfigInvalid", server.Errors, StringComparison.Ordinal);
        Assert.Contains("no-such-model", server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_server_variable_exits_2_naming_it()
    {
        using var server = ServerProcess.Start(("SAGEMAKER_SAFE_PORT_RANGE", "ninety"));

        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("SAGEMAKER_SAFE_PORT_RANGE='ninety'", server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_exits_3_naming_the_address()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var server = ServerProcess.Start(("SAGEMAKER_BIND_TO_PORT", port));

        Assert.Equal(3, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"Cannot listen on 127.0.0.1:{port}", server.Errors, StringComparison.Ordinal);
    }

    /// <summary>
    /// The port is SAGEMAKER_BIND_TO_PORT's (else 8080), whatever ASP.NET Core's own port variable says: the server binds
    /// through Kestrel's Listen, which overrides it. So a container image must not count on ASPNETCORE_HTTP_PORTS
    /// (functions/Dockerfile.gpu sets none; GpuDockerfileTests).
    /// </summary>
    [Fact]
    public async Task ASPNETCORE_HTTP_PORTS_does_not_move_the_server_off_SAGEMAKER_BIND_TO_PORT()
    {
        int other;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            other = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var server = ServerProcess.Start(("MODEL_NAME", "ppocr-cls"), ("ASPNETCORE_HTTP_PORTS", other.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await server.WaitUntilReadyAsync(); // /ping answers on SAGEMAKER_BIND_TO_PORT

        await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, other);
        });
    }

    private static IEnumerable<JsonElement> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement);

    private static async Task WaitForAsync(Func<bool> condition, ServerProcess server)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Waited 10 s.\n{server.Output}\n{server.Errors}");
            await Task.Delay(20);
        }
    }
}
