using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Infra.Local;
using Infra.Local.Batch;

namespace Local.Tests;

/// <summary>
/// What a client can do to serve itself, through the real serve (front, gateway rules, pool) and the built function:
/// disconnect mid-request, forge log lines with control characters in the path, and reach the function with paths or
/// methods API Gateway does not route.
/// </summary>
public sealed class ServeHostileInputTests
{
    private const string ResourcePath = "/embed/test/v2/models/ppocr-cls";

    [Fact]
    public async Task A_client_that_disconnects_mid_request_leaves_the_instance_warm_and_its_request_logged()
    {
        var log = new StringWriter();
        await using var serve = await StartAsync(log);
        using var client = new HttpClient { BaseAddress = serve.Front.BaseAddress };
        var pool = serve.Pools["embed"];

        // The first request is a cold start (process start and model load, well over a second): the client gives up
        // while the instance is busy with it.
        using var abandon = new CancellationTokenSource();
        var abandoned = client.SendAsync(Request(serve, HttpMethod.Get, ResourcePath), abandon.Token);
        await WaitUntilAsync(() => pool.InstanceCount == 1, "the first request to take an instance", log);
        await Task.Delay(200);
        await abandon.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        // Lambda lets the invocation run to its end; serve logs it with the disconnect.
        await WaitUntilAsync(() => Lines(log).Any(line => line.Contains("client disconnected", StringComparison.Ordinal)), "the abandoned request's log line", log);
        using var next = await client.SendAsync(Request(serve, HttpMethod.Get, ResourcePath));

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("embed#1", next.Headers.GetValues("X-Local-Instance").Single());
        Assert.Equal("false", next.Headers.GetValues("X-Local-Cold-Start").Single());
        Assert.Equal(1, pool.InstanceCount);
        // Both invocations are measured: the abandoned one is no gap in what preview reads.
        Assert.Equal(2, pool.Measurements.Summarize(DateTimeOffset.UtcNow)!.Invocations);
        var abandonedLine = Assert.Single(Lines(log), line => line.Contains("client disconnected", StringComparison.Ordinal));
        Assert.Matches($@"GET {ResourcePath} -> 200 in \d+ ms, client disconnected \(embed#1, cold start, client acme\)$", abandonedLine);
    }

    [Fact]
    public async Task A_path_with_CR_LF_and_terminal_escapes_is_logged_as_one_escaped_line_without_a_key()
    {
        var log = new StringWriter();
        await using var serve = await StartAsync(log);
        using var client = new HttpClient { BaseAddress = serve.Front.BaseAddress };

        using var response = await client.GetAsync("/embed/test/v2/models/x%0d%0a12:00:00.000 GET /forged -> 200%1b]0;owned%07%c2%85%e2%80%a8%e2%80%ae");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var line = Assert.Single(Lines(log));
        Assert.Contains(@"GET /embed/test/v2/models/x\r\n12:00:00.000 GET /forged -> 200\x1b]0;owned\x07\x85\u2028\u202e -> 403 in ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(line, c => char.IsControl(c) || c is '\u2028' or '\u202e');
    }

    [Fact]
    public async Task A_batch_input_named_with_a_newline_and_terminal_escapes_is_logged_as_one_escaped_line()
    {
        using var root = new TempFolder("batch-names-");
        var folders = new FolderBatchObjects(root.Path);
        var settings = new BatchPipelineSettings
        {
            ModelName = "ppocr-cls", ModelVersion = "2.0.0", InputPrefix = "incoming/", InputSuffix = ".png", ResultsPrefix = "results/", BatchSize = 1,
            BatchingWindow = TimeSpan.Zero, MaxReceiveCount = 1, StableFor = TimeSpan.FromMilliseconds(100), PollInterval = TimeSpan.FromMilliseconds(50),
        };
        const string Key = "incoming/a\n12:00:00.000 batch: forged\u001b]0;owned\u0007.png";
        Directory.CreateDirectory(Path.Combine(folders.InputFolder, "incoming"));
        File.WriteAllBytes(Path.Combine(folders.InputFolder, Key), [1, 2, 3]);
        var log = new StringWriter();
        var function = new ScriptedBatchFunction(folders, settings, (_, _) => ScriptedAnswer.Result);

        await PipelineRun.UntilAsync(new BatchPipeline(folders, settings, function, TextWriter.Synchronized(log), "scans"),
            () => log.ToString().Contains(" -> results/", StringComparison.Ordinal), TimeSpan.FromSeconds(20), log.ToString);

        var line = Assert.Single(Lines(log));
        Assert.StartsWith(@"batch scans: incoming/a\n12:00:00.000 batch: forged\x1b]0;owned\x07.png -> results/", line, StringComparison.Ordinal);
        Assert.DoesNotContain(line, char.IsControl);
    }

    [Fact]
    public async Task A_lowercase_method_is_403_Missing_Authentication_Token_and_never_invokes()
    {
        await using var serve = await StartAsync(new StringWriter());

        // HttpClient upper-cases known methods, so the requests go out as written, on a socket.
        var get = await SendRawAsync(serve, "get", ResourcePath, "");
        var post = await SendRawAsync(serve, "post", ResourcePath + "/infer", "{}");

        await AssertMissingAuthenticationTokenAsync(serve, get, post);
    }

    [Fact]
    public async Task A_path_with_an_empty_segment_is_403_Missing_Authentication_Token_and_never_invokes()
    {
        await using var serve = await StartAsync(new StringWriter());
        using var client = new HttpClient { BaseAddress = serve.Front.BaseAddress };

        using var model = await client.SendAsync(Request(serve, HttpMethod.Get, "/embed/test/v2//models/ppocr-cls"));
        using var predict = await client.SendAsync(Request(serve, HttpMethod.Post, ResourcePath + "//predict"));

        await AssertMissingAuthenticationTokenAsync(serve, model, predict);
    }

    private static async Task AssertMissingAuthenticationTokenAsync(LocalServe serve, params HttpResponseMessage[] responses)
    {
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("MISSING_AUTHENTICATION_TOKEN", body.RootElement.GetProperty("code").GetString());
            Assert.Equal("Missing Authentication Token", body.RootElement.GetProperty("error").GetString());
            Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        }

        Assert.Equal(0, serve.Pools["embed"].InstanceCount);
        Assert.Null(serve.Pools["embed"].Measurements.Summarize(DateTimeOffset.UtcNow));
    }

    /// <summary>One HTTP/1.1 request written byte for byte, and the response read until the server closes.</summary>
    private static async Task<HttpResponseMessage> SendRawAsync(LocalServe serve, string method, string path, string body)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(serve.Front.BaseAddress.Host, serve.Front.BaseAddress.Port);
        var stream = tcp.GetStream();
        var request = $"{method} {path} HTTP/1.1\r\nHost: {serve.Front.BaseAddress.Authority}\r\nx-api-key: {serve.Keys["embed"]["acme"]}\r\n"
            + $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        var raw = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();
        var (head, content) = (raw[..raw.IndexOf("\r\n\r\n", StringComparison.Ordinal)], raw[(raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        var lines = head.Split("\r\n");
        var response = new HttpResponseMessage((HttpStatusCode)int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture)) { Content = new StringContent(content) };
        foreach (var header in lines.Skip(1).Select(line => line.Split(": ", 2)))
        {
            response.Headers.TryAddWithoutValidation(header[0], header[1]);
        }

        return response;
    }

    private static Task<LocalServe> StartAsync(StringWriter log) =>
        LocalServe.StartAsync(
            TestStacks.RunningTheBuiltFunction(TestStacks.RestApi()),
            new ServeSettings(0, 2, TimeSpan.FromMinutes(5), null, null),
            TextWriter.Synchronized(log));

    private static HttpRequestMessage Request(LocalServe serve, HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-api-key", serve.Keys["embed"]["acme"]);
        return request;
    }

    private static string[] Lines(StringWriter log) => log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static async Task WaitUntilAsync(Func<bool> condition, string what, StringWriter log)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Waited 30 s for {what}. serve's log:\n{log}");
            await Task.Delay(20);
        }
    }
}
