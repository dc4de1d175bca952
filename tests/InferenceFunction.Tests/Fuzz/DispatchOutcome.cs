using System.Text.Json;
using System.Text;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Objects;
using InferenceFunction.Runtime;

namespace InferenceFunction.Tests.Fuzz;

/// <summary>
/// Runs one payload through the function's event dispatcher, the same path the runtime loop takes, and checks
/// that bad input ends in the function's own typed answer: a <see cref="FunctionException"/> with an error type,
/// an HTTP response below 500 whose error body names the problem, or an SQS batch response.
/// </summary>
internal sealed class DispatchOutcome : IDisposable
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);
    private readonly string _objects = Directory.CreateTempSubdirectory("fuzz-objects").FullName;
    private readonly EventDispatcher _dispatcher;

    public DispatchOutcome()
    {
        Directory.CreateDirectory(Path.Combine(_objects, "in", "photos"));
        File.WriteAllBytes(Path.Combine(_objects, "in", "photos", "my cat.jpg"), [0xFF, 0xD8, 0xFF]);
        var service = new FakeInferenceService();
        var options = new BatchOptions("results", "out/", "resnet18", "0.23.1");
        _dispatcher = new EventDispatcher(service, new Lazy<SqsS3BatchHandler>(
            () => new SqsS3BatchHandler(service, new DirectoryObjectStore(_objects), options, TextWriter.Null)));
    }

    public void Dispose() => Directory.Delete(_objects, recursive: true);

    public Task<string> AssertHandledAsync(string payload) => AssertHandledAsync(Encoding.UTF8.GetBytes(payload));

    /// <returns>What the answer was, for the corpus: "error:ErrorType", "http:status:code", "batch:failures" or "warm".</returns>
    public async Task<string> AssertHandledAsync(byte[] payload)
    {
        var invocation = new Invocation("req-1", DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds(),
            "arn:aws:lambda:us-east-1:000000000000:function:f", "Root=1-0-0", payload);
        byte[] answer;
        try
        {
            answer = await _dispatcher.HandleAsync(invocation, Invocations.Deadline(invocation), CancellationToken.None).WaitAsync(HangLimit);
        }
        catch (FunctionException rejected)
        {
            Assert.False(string.IsNullOrWhiteSpace(rejected.ErrorType));
            Assert.False(string.IsNullOrWhiteSpace(rejected.Message));
            return "error:" + rejected.ErrorType;
        }

        using var document = JsonDocument.Parse(answer);
        var root = document.RootElement;
        if (root.TryGetProperty("statusCode", out var status))
        {
            Assert.InRange(status.GetInt32(), 200, 499);
            if (status.GetInt32() >= 400)
            {
                using var body = JsonDocument.Parse(root.GetProperty("body").GetString()!);
                Assert.False(string.IsNullOrWhiteSpace(body.RootElement.GetProperty("code").GetString()));
                Assert.False(string.IsNullOrWhiteSpace(body.RootElement.GetProperty("error").GetString()));
                return $"http:{status.GetInt32()}:{body.RootElement.GetProperty("code").GetString()}";
            }

            return $"http:{status.GetInt32()}";
        }

        if (root.TryGetProperty("batchItemFailures", out var failures))
        {
            return $"batch:{failures.GetArrayLength()}";
        }

        Assert.True(root.TryGetProperty("warmedUp", out _), $"neither an HTTP, SQS batch nor warm-up answer: {root.GetRawText()}");
        return "warm";
    }
}
