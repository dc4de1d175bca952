using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Inference.GpuEndpoint;
using Inference.Predictions;
using Inference.Tests.GpuEndpoint;
using InferenceFunction.Events;
using InferenceFunction.Jobs;
using InferenceFunction.Objects;

namespace InferenceFunction.Tests;

/// <summary>
/// The batch pattern on a SageMaker asynchronous endpoint: the forwarder's InvokeEndpointAsync call (checked by a
/// runtime that verifies every SigV4 signature), the collector's records for success and error notifications, and the
/// no-loss guarantee over a fault-injected run through a simulated SQS with redrive.
/// </summary>
public sealed class AsyncEndpointBatchTests : IDisposable
{
    private const string Region = "eu-west-1";
    private const string Endpoint = "ml-dev-batch-gpu";
    private const string RecordPrefix = "out/resnet18/1.0.0/";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("async-batch-");
    private readonly DirectoryObjectStore _store;

    public AsyncEndpointBatchTests() => _store = new DirectoryObjectStore(_root.FullName);

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task TheForwarder_QueuesEachUploadOnTheEndpoint_SignedWithTheInputLocationContentTypeIdAndRoute()
    {
        var endpoint = new FakeAsyncEndpoint(_store, (_, _) => Outcome.Succeed);
        var (handler, _, _) = Handler(endpoint);

        var response = await HandleAsync(handler, Upload("m1", "incoming/a b.json", "etag-1"), Upload("m2", "incoming/cat.jpg", "etag-2"));

        Assert.Empty(response.BatchItemFailures);
        Assert.Empty(endpoint.SignatureFailures);
        Assert.Equal(2, endpoint.Calls.Count);
        var json = endpoint.Calls[0];
        Assert.Equal(new Uri($"https://runtime.sagemaker.{Region}.amazonaws.com/endpoints/{Endpoint}/async-invocations"), json.Uri);
        Assert.Equal("POST", json.Method);
        Assert.Empty(json.Body);
        Assert.Equal("s3://uploads/incoming/a b.json", json.Headers[SageMakerAsyncClient.InputLocationHeader]);
        Assert.Equal("application/json", json.Headers[SageMakerAsyncClient.ContentTypeHeader]);
        Assert.Equal("method=POST;route=/v2/models/resnet18/infer", json.Headers["X-Amzn-SageMaker-Custom-Attributes"]);
        Assert.Matches("^[0-9a-f]{64}$", json.Headers[SageMakerAsyncClient.InferenceIdHeader]);
        Assert.Equal("image/jpeg", endpoint.Calls[1].Headers[SageMakerAsyncClient.ContentTypeHeader]);
        Assert.Equal("method=POST;route=/v2/models/resnet18/predict", endpoint.Calls[1].Headers["X-Amzn-SageMaker-Custom-Attributes"]);

        // The id names the upload: the same key and ETag again is the same id, new content a new one.
        Assert.Equal(json.Headers[SageMakerAsyncClient.InferenceIdHeader], SageMakerAsyncClient.InferenceIdFor("s3://uploads/incoming/a b.json", "etag-1", null));
        Assert.NotEqual(json.Headers[SageMakerAsyncClient.InferenceIdHeader], SageMakerAsyncClient.InferenceIdFor("s3://uploads/incoming/a b.json", "etag-9", null));
    }

    [Fact]
    public async Task TheForwarder_RetriesThrottling_HandsBackARefusedCall_AndRecordsAnInputNoRouteTakes()
    {
        var endpoint = new FakeAsyncEndpoint(_store, (key, call) => key switch
        {
            "incoming/busy.json" when call == 1 => Outcome.Throttle,
            "incoming/refused.json" => Outcome.Refuse,
            _ => Outcome.Succeed,
        });
        var (handler, _, _) = Handler(endpoint);

        var response = await HandleAsync(handler, Upload("m1", "incoming/busy.json"), Upload("m2", "incoming/refused.json"), Upload("m3", "incoming/notes.txt"));

        Assert.Equal(["m2"], response.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Equal(2, endpoint.Calls.Count(c => c.Headers[SageMakerAsyncClient.InputLocationHeader] == "s3://uploads/incoming/busy.json"));
        Assert.Single(endpoint.Calls, c => c.Headers[SageMakerAsyncClient.InputLocationHeader] == "s3://uploads/incoming/refused.json");
        var unsupported = Record("incoming/notes.txt");
        Assert.Equal(415, unsupported.GetProperty("status").GetInt32());
        Assert.Equal("unsupported_input", unsupported.GetProperty("response").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheCollector_WritesTheLambdaPathsRecordAndThePredictionsLogItem_FromASuccessNotification(bool snsEnvelope)
    {
        var endpoint = new FakeAsyncEndpoint(_store, (_, _) => Outcome.Succeed);
        var (handler, log, _) = Handler(endpoint);
        await HandleAsync(handler, Upload("m1", "incoming/a.json"));

        var notification = Assert.Single(endpoint.Notifications);
        var response = await HandleAsync(handler, new SqsMessage { MessageId = "n1", EventSource = "aws:sqs", Body = snsEnvelope ? Envelope(notification) : notification });

        Assert.Empty(response.BatchItemFailures);
        var record = Record("incoming/a.json");
        Assert.Equal("result", record.GetProperty("outcome").GetString());
        Assert.Equal("uploads", record.GetProperty("input").GetProperty("bucket").GetString());
        Assert.Equal("/v2/models/resnet18/infer", record.GetProperty("route").GetString());
        Assert.Equal(200, record.GetProperty("status").GetInt32());
        Assert.Equal("resnet18", record.GetProperty("response").GetProperty("model_name").GetString());
        var entry = Assert.Single(log.Entries);
        Assert.Equal("s3://uploads/incoming/a.json", entry.InputKey);
        Assert.Equal(("resnet18", "1.0.0", 200), (entry.Model, entry.ModelVersion, entry.Status));
    }

    [Fact]
    public async Task TheCollector_RecordsAModelsRefusal_AndDeadLettersAnyOtherFailureWithSageMakersReason()
    {
        var endpoint = new FakeAsyncEndpoint(_store, (key, _) => key.Contains("bad", StringComparison.Ordinal) ? Outcome.ModelRefuses : Outcome.ModelCrashes);
        var (handler, _, deadLetters) = Handler(endpoint);
        await HandleAsync(handler, Upload("m1", "incoming/bad.json"), Upload("m2", "incoming/crash.json"));

        var response = await HandleAsync(handler, [.. endpoint.Notifications.Select((body, i) => new SqsMessage { MessageId = $"n{i}", EventSource = "aws:sqs", Body = body })]);

        Assert.Empty(response.BatchItemFailures);
        var refused = Record("incoming/bad.json");
        Assert.Equal(("error", 400), (refused.GetProperty("outcome").GetString(), refused.GetProperty("status").GetInt32()));
        Assert.Equal("invalid_tensor", refused.GetProperty("response").GetProperty("code").GetString());
        var (input, reason, _) = Assert.Single(deadLetters.Sent);
        Assert.Equal(("uploads", "incoming/crash.json"), (input.Bucket, input.Key));
        Assert.Contains("server error (500)", reason, StringComparison.Ordinal);
        Assert.Contains(Endpoint, reason, StringComparison.Ordinal);
        Assert.False(File.Exists(RecordPath("incoming/crash.json")));
    }

    /// <summary>
    /// 200 uploads with faults at every step: throttled calls, calls refused on every delivery, models that refuse or
    /// crash, result and output reads and record writes that fail once, notifications delivered twice. Every input ends
    /// with exactly one record or one dead letter (from the collector with SageMaker's reason, or from the queue's redrive).
    /// </summary>
    [Fact]
    public async Task EveryInputEndsWithExactlyOneRecordOrOneDeadLetter_OverAFaultInjectedRun()
    {
        var keys = Enumerable.Range(0, 200).Select(i => i % 25 == 7 ? $"incoming/{i}.bin" : $"incoming/{i}.json").ToList();
        var endpoint = new FakeAsyncEndpoint(_store, (key, call) => (int.Parse(Path.GetFileNameWithoutExtension(key)) % 10, call) switch
        {
            (1, 1) => Outcome.Throttle,
            (2, < 3) => Outcome.Unavailable,
            (3, _) => Outcome.Refuse,
            (4, _) => Outcome.ModelRefuses,
            (5, _) => Outcome.ModelCrashes,
            _ => Outcome.Succeed,
        });
        var flaky = new FlakyObjectStore(_store, getFailsOnce: key => key.EndsWith("6.out", StringComparison.Ordinal),
            putFailsOnce: key => key.EndsWith("8.json.json", StringComparison.Ordinal), getAlwaysFails: _ => false);
        var (handler, _, deadLetters) = Handler(endpoint, flaky);

        var uploads = new SimulatedQueue(keys.Select((key, i) => Upload($"u{i}", key, $"etag-{i}")), maxReceiveCount: 3, duplicateEvery: 40);
        await uploads.DrainAsync(10, batch => Failed(handler, batch));
        var notifications = new SimulatedQueue(endpoint.Notifications.Select((body, i) => new SqsMessage { MessageId = $"n{i}", EventSource = "aws:sqs", Body = body }),
            maxReceiveCount: 3, duplicateEvery: 30);
        await notifications.DrainAsync(10, batch => Failed(handler, batch));

        Assert.Empty(endpoint.SignatureFailures);
        Assert.Empty(notifications.DeadLetters); // a failed read or write was retried and then succeeded
        var redriven = uploads.DeadLetters.SelectMany(m => S3NotificationParser.Parse(m).Records!.Select(r => S3ObjectReference.From(r).Key)).ToList();
        var deadLettered = deadLetters.Sent.Select(s => s.Input.Key).Concat(redriven).ToList();
        Assert.All(deadLetters.Sent, s => Assert.Contains("server error (500)", s.Reason, StringComparison.Ordinal));
        foreach (var key in keys)
        {
            // SQS delivers at least once: a duplicate upload of a crashing input queues it twice and may dead-letter it
            // twice; an input is never both recorded and dead-lettered, and never neither.
            var recorded = File.Exists(RecordPath(key));
            var letters = deadLettered.Count(k => k == key);
            Assert.True(recorded ? letters == 0 : letters >= 1, $"{key}: {(recorded ? 1 : 0)} record(s), {letters} dead letter(s)");
        }

        Assert.Equal(keys.Count(k => int.Parse(Path.GetFileNameWithoutExtension(k)) % 10 == 3 && k.EndsWith(".json", StringComparison.Ordinal)), redriven.Count);
        Assert.True(flaky.InjectedFaults >= 10, $"{flaky.InjectedFaults} injected store faults");
        Assert.True(uploads.Duplicates > 0 && notifications.Duplicates > 0);
    }

    private static async Task<HashSet<string>> Failed(AsyncEndpointBatchHandler handler, SqsMessage[] batch) =>
        (await HandleAsync(handler, batch)).BatchItemFailures.Select(f => f.ItemIdentifier).ToHashSet();

    private static Task<SqsBatchResponse> HandleAsync(AsyncEndpointBatchHandler handler, params SqsMessage[] batch)
    {
        var invocation = Invocations.WithPayload("{}");
        return handler.HandleAsync(batch, invocation.RequestId, Invocations.Deadline(invocation), CancellationToken.None);
    }

    private (AsyncEndpointBatchHandler Handler, RecordingLog Log, RecordingDeadLetters DeadLetters) Handler(FakeAsyncEndpoint endpoint, IObjectStore? store = null)
    {
        var log = new RecordingLog();
        var deadLetters = new RecordingDeadLetters();
        var timing = new RetryTiming(TimeProvider.System, (_, _) => Task.CompletedTask, () => 0.5);
        var client = new SageMakerAsyncClient(Endpoint, Region, new HttpClient(endpoint),
            _ => Task.FromResult(new ImmutableCredentials(SigV4Verifier.AccessKey, SigV4Verifier.SecretKey, "token")), timing);
        var handler = new AsyncEndpointBatchHandler(client, store ?? _store, new BatchOptions("results", "out/", "resnet18", "1.0.0"), deadLetters,
            new PredictionRecorder(log, 0, () => 1, TimeSpan.FromSeconds(5)), TextWriter.Null);
        return (handler, log, deadLetters);
    }

    private SqsMessage Upload(string id, string key, string etag = "etag")
    {
        var path = Path.Combine(_root.FullName, "uploads", key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, """{"inputs":[]}""");
        var encoded = WebUtility.UrlEncode(key).Replace("%2F", "/", StringComparison.Ordinal);
        return new SqsMessage
        {
            MessageId = id,
            EventSource = "aws:sqs",
            Body = $$$"""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"uploads"},"object":{"key":"{{{encoded}}}","size":13,"eTag":"{{{etag}}}"} } }]}""",
        };
    }

    private static string Envelope(string message) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["Type"] = "Notification",
        ["MessageId"] = Guid.NewGuid().ToString(),
        ["TopicArn"] = "arn:aws:sns:eu-west-1:123456789012:success",
        ["Message"] = message,
    });

    private string RecordPath(string key) => Path.Combine(_root.FullName, "results", RecordPrefix, key + ".json");

    private JsonElement Record(string key) => JsonDocument.Parse(File.ReadAllBytes(RecordPath(key))).RootElement.Clone();

    internal enum Outcome
    {
        Succeed,
        Throttle,
        Unavailable,
        Refuse,
        ModelRefuses,
        ModelCrashes,
    }

    /// <summary>
    /// SageMaker's asynchronous runtime in process: it refuses a call whose SigV4 signature does not verify, answers the
    /// others by the script (per input key and call number), and for each request it accepts does what the endpoint then
    /// does: reads the input, writes the output (or the failure) under the async bucket and publishes the notification.
    /// </summary>
    private sealed class FakeAsyncEndpoint(IObjectStore store, Func<string, int, Outcome> script) : HttpMessageHandler
    {
        private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);

        public List<Call> Calls { get; } = [];

        public List<string> SignatureFailures { get; } = [];

        public List<string> Notifications { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            Calls.Add(new Call(request.Method.Method, request.RequestUri!, headers, body));
            if (SigV4Verifier.Verify(request, body, Region, "sagemaker") is { } problem)
            {
                SignatureFailures.Add(problem);
                return Error(HttpStatusCode.Forbidden, "InvalidSignatureException");
            }

            var location = headers[SageMakerAsyncClient.InputLocationHeader];
            var (bucket, key) = AsyncNotification.SplitS3Uri(location);
            var call = _calls[key] = _calls.GetValueOrDefault(key) + 1;
            var id = headers[SageMakerAsyncClient.InferenceIdHeader];
            var outcome = script(key, call);
            switch (outcome)
            {
                case Outcome.Throttle:
                    return Error(HttpStatusCode.BadRequest, "ThrottlingException");
                case Outcome.Unavailable:
                    return Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable");
                case Outcome.Refuse:
                    return Error(HttpStatusCode.BadRequest, "ValidationError");
            }

            Assert.NotNull(await store.GetAsync(bucket, key, null, 1 << 20, cancellationToken)); // the endpoint reads the input
            var output = $"s3://async/async/output/{id}.out";
            var failure = $"s3://async/async/failures/{id}-error.out";
            var stem = Path.GetFileNameWithoutExtension(key);
            if (outcome == Outcome.Succeed)
            {
                await store.PutAsync("async", $"async/output/{id}-{stem}.out", Encoding.UTF8.GetBytes("""{"model_name":"resnet18","outputs":[]}"""), "application/json", cancellationToken);
                output = $"s3://async/async/output/{id}-{stem}.out";
                Notifications.Add(Notification(id, location, "Completed", $"\"responseParameters\":{{\"contentType\":\"application/json\",\"outputLocation\":\"{output}\"}}"));
            }
            else
            {
                var status = outcome == Outcome.ModelRefuses ? 400 : 500;
                await store.PutAsync("async", $"async/failures/{id}-error.out", Encoding.UTF8.GetBytes(status == 400
                    ? """{"error":"the input has no tensor","code":"invalid_tensor"}""" : "Internal Server Error"), "application/json", cancellationToken);
                var kind = status == 400 ? "client" : "server";
                Notifications.Add(Notification(id, location, "Failed",
                    $"\"failureReason\":\"ClientError: Received {kind} error ({status}) from model. See the SageMaker Endpoint logs.\",\"responseParameters\":{{\"failureLocation\":\"{failure}\"}}"));
            }

            var answer = new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent($"{{\"InferenceId\":\"{id}\"}}", Encoding.UTF8, "application/json") };
            answer.Headers.TryAddWithoutValidation(SageMakerAsyncClient.OutputLocationHeader, output);
            answer.Headers.TryAddWithoutValidation(SageMakerAsyncClient.FailureLocationHeader, failure);
            return answer;
        }

        private static string Notification(string id, string input, string status, string rest) =>
            $$"""{"awsRegion":"{{Region}}","eventTime":"2026-12-08T05:00:00.000Z","receivedTime":"2026-12-08T04:59:58.000Z","invocationStatus":"{{status}}","requestParameters":{"contentType":"application/json","endpointName":"{{Endpoint}}","inputLocation":"{{input}}"},"inferenceId":"{{id}}","eventVersion":"1.0","eventSource":"aws:sagemaker","eventName":"InferenceResult",{{rest}}}""";

        private static HttpResponseMessage Error(HttpStatusCode status, string type)
        {
            var answer = new HttpResponseMessage(status) { Content = new StringContent($"{{\"message\":\"{type}\"}}", Encoding.UTF8, "application/json") };
            answer.Headers.TryAddWithoutValidation("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.sagemaker.runtime/");
            return answer;
        }
    }

    private sealed record Call(string Method, Uri Uri, Dictionary<string, string> Headers, byte[] Body);

    private sealed class RecordingLog : IPredictionLog
    {
        public List<PredictionLogEntry> Entries { get; } = [];

        public Task WriteAsync(PredictionLogEntry entry, CancellationToken cancellationToken)
        {
            Entries.Add(entry);
            return Task.CompletedTask;
        }
    }

    private sealed class RecordingDeadLetters : IDeadLetterQueue
    {
        public List<(S3ObjectReference Input, string Reason, string Id)> Sent { get; } = [];

        public Task SendAsync(S3ObjectReference input, string reason, string jobId, CancellationToken cancellationToken)
        {
            Sent.Add((input, reason, jobId));
            return Task.CompletedTask;
        }
    }
}
