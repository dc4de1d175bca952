using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Objects;
using InferenceFunction.Runtime;
using Moq;
using TestModels;

namespace InferenceFunction.Tests;

public sealed class SqsS3BatchHandlerTests
{
    private readonly Mock<IAmazonS3> _s3 = new(MockBehavior.Strict);
    private readonly Dictionary<string, byte[]> _written = [];
    private readonly BatchOptions _options = new("results-bucket", "out/", "resnet18", "0.23.1");

    public SqsS3BatchHandlerTests()
    {
        _s3.Setup(s3 => s3.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()))
            .Returns<PutObjectRequest, CancellationToken>((request, _) =>
            {
                Assert.Equal("results-bucket", request.BucketName);
                Assert.Equal("application/json", request.ContentType);
                using var copy = new MemoryStream();
                request.InputStream.CopyTo(copy);
                _written[request.Key] = copy.ToArray();
                return Task.FromResult(new PutObjectResponse());
            });
    }

    [Fact]
    public async Task ImageAndJsonObjects_ArePredictedOnTheirRoutes_AndOneRecordIsWrittenPerInputUnderADerivedKey()
    {
        StoreObject("in", "photos/my cat (1).JPG", [1, 2, 3]);
        StoreObject("in", "tensors/a.json", Encoding.UTF8.GetBytes("{\"inputs\":[]}"));
        var service = new FakeInferenceService(request => FakeInferenceService.Json(200, "{\"model_name\":\"resnet18\"}"));

        var failures = await HandleAsync(service,
            Message("m1", S3Record("in", "photos/my+cat+%281%29.JPG")),
            Message("m2", S3Record("in", "tensors/a.json")));

        Assert.Empty(failures.BatchItemFailures);
        var requests = service.Requests.ToArray();
        Assert.Equal(("/v2/models/resnet18/predict", "image/jpeg"), (requests[0].Path, requests[0].Headers["Content-Type"]));
        Assert.Equal([1, 2, 3], requests[0].Body.ToArray());
        Assert.Equal(("/v2/models/resnet18/infer", "application/json"), (requests[1].Path, requests[1].Headers["content-type"]));
        Assert.Equal(["out/resnet18/0.23.1/photos/my cat (1).JPG.json", "out/resnet18/0.23.1/tensors/a.json.json"], _written.Keys.Order().ToArray());
        var record = Record("out/resnet18/0.23.1/photos/my cat (1).JPG.json");
        Assert.Equal("result", record.GetProperty("outcome").GetString());
        Assert.Equal("photos/my cat (1).JPG", record.GetProperty("input").GetProperty("key").GetString());
        Assert.Equal(200, record.GetProperty("status").GetInt32());
        Assert.Equal("resnet18", record.GetProperty("response").GetProperty("model_name").GetString());
    }

    [Fact]
    public async Task ReprocessingTheSameObject_OverwritesItsRecordInsteadOfAddingOne()
    {
        StoreObject("in", "a.png", [9]);
        var service = new FakeInferenceService();

        await HandleAsync(service, Message("m1", S3Record("in", "a.png")));
        await HandleAsync(service, Message("m1-again", S3Record("in", "a.png")));

        Assert.Single(_written);
        _s3.Verify(s3 => s3.PutObjectAsync(It.Is<PutObjectRequest>(r => r.Key == "out/resnet18/0.23.1/a.png.json"), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task ANewModelVersion_WritesItsRecordBesideTheOldVersionsInsteadOfReplacingIt()
    {
        StoreObject("in", "a.png", [9]);
        var service = new FakeInferenceService();
        var upgraded = _options with { ModelVersion = "0.24.0" };

        await HandleAsync(service, Message("m1", S3Record("in", "a.png")));
        await new SqsS3BatchHandler(service, new S3ObjectStore(_s3.Object), upgraded, TextWriter.Null).HandleAsync(
            [Message("m2", S3Record("in", "a.png"))], "r2", Invocations.Deadline(Invocations.WithPayload("{}")), CancellationToken.None);

        Assert.Equal(["out/resnet18/0.23.1/a.png.json", "out/resnet18/0.24.0/a.png.json"], _written.Keys.Order().ToArray());
    }

    [Fact]
    public async Task PermanentFailures_BecomeErrorRecords_NotRetries()
    {
        StoreObject("in", "not-an-image.png", [0, 0, 0]);
        StoreObject("in", "notes.txt", Encoding.UTF8.GetBytes("hello"), contentType: "text/plain");
        _s3.Setup(s3 => s3.GetObjectAsync(It.Is<GetObjectRequest>(r => r.Key == "gone.jpg"), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonS3Exception("The specified key does not exist.") { StatusCode = HttpStatusCode.NotFound, ErrorCode = "NoSuchKey" });
        var service = new FakeInferenceService(_ => FakeInferenceService.Json(400, "{\"error\":\"bytes are not an image\",\"code\":\"invalid_image\"}"));

        var failures = await HandleAsync(service,
            Message("bad-image", S3Record("in", "not-an-image.png")),
            Message("unsupported", S3Record("in", "notes.txt")),
            Message("deleted", S3Record("in", "gone.jpg")));

        Assert.Empty(failures.BatchItemFailures);
        Assert.Equal(("error", 400, "invalid_image"), Summary(Record("out/resnet18/0.23.1/not-an-image.png.json")));
        Assert.Equal(("error", 415, "unsupported_input"), Summary(Record("out/resnet18/0.23.1/notes.txt.json")));
        Assert.Equal(("error", 404, "input_not_found"), Summary(Record("out/resnet18/0.23.1/gone.jpg.json")));
        Assert.Single(service.Requests);
    }

    [Fact]
    public async Task AnObjectDeclaredLargerThanTheLimit_IsRefusedUnread_WithAnErrorRecordNamingSizeAndLimit_AndTheBatchGoesOn()
    {
        const long size = 100L * 1024 * 1024;
        var body = new CountingBody(size);
        StoreBody("in", "huge.png", body, size);
        StoreObject("in", "ok.png", [1]);
        var service = new FakeInferenceService();

        var failures = await HandleAsync(service, Message("huge", S3Record("in", "huge.png")), Message("ok", S3Record("in", "ok.png")));

        Assert.Empty(failures.BatchItemFailures);
        Assert.Equal(0, body.Served);
        var record = Record("out/resnet18/0.23.1/huge.png.json");
        Assert.Equal(("error", 413, "payload_too_large"), Summary(record));
        var message = record.GetProperty("response").GetProperty("error").GetString();
        Assert.Contains($"s3://in/huge.png has {size} bytes", message, StringComparison.Ordinal);
        Assert.Contains($"at most {InferenceOptions.DefaultMaxBodyBytes}", message, StringComparison.Ordinal);
        Assert.Contains("MAX_BODY_BYTES", message, StringComparison.Ordinal);
        var ok = Record("out/resnet18/0.23.1/ok.png.json");
        Assert.Equal(("result", 200), (ok.GetProperty("outcome").GetString(), ok.GetProperty("status").GetInt32()));
        Assert.Equal([1], Assert.Single(service.Requests).Body.ToArray());
        Assert.Equal(("s3://in/huge.png", 413, "payload_too_large"), Assert.Single(service.Unserved));
    }

    [Fact]
    public async Task AnObjectWhoseDeclaredLengthLies_IsReadNoFurtherThanTheLimitPlusOneByte()
    {
        const long size = 100L * 1024 * 1024;
        var body = new CountingBody(size);
        StoreBody("in", "liar.png", body, declaredLength: 10);
        var service = new FakeInferenceService();

        var failures = await HandleAsync(service, Message("liar", S3Record("in", "liar.png")));

        Assert.Empty(failures.BatchItemFailures);
        Assert.InRange(body.Served, InferenceOptions.DefaultMaxBodyBytes + 1, InferenceOptions.DefaultMaxBodyBytes + 1);
        var record = Record("out/resnet18/0.23.1/liar.png.json");
        Assert.Equal(("error", 413, "payload_too_large"), Summary(record));
        Assert.Contains($"more than {InferenceOptions.DefaultMaxBodyBytes} bytes", record.GetProperty("response").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(service.Requests);
    }

    [Fact]
    public async Task AnObjectOfExactlyTheLimit_IsPredicted()
    {
        var content = new byte[InferenceOptions.DefaultMaxBodyBytes];
        content[^1] = 7;
        StoreObject("in", "full.png", content);
        var service = new FakeInferenceService();

        var failures = await HandleAsync(service, Message("full", S3Record("in", "full.png")));

        Assert.Empty(failures.BatchItemFailures);
        Assert.Equal(content, Assert.Single(service.Requests).Body.ToArray());
    }

    [Fact]
    public async Task TransientFailures_AreReportedAsBatchItemFailures_WithoutARecord()
    {
        StoreObject("in", "ok.jpg", [1]);
        StoreObject("in", "busy.jpg", [2]);
        _s3.Setup(s3 => s3.GetObjectAsync(It.Is<GetObjectRequest>(r => r.Key == "throttled.jpg"), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonS3Exception("Please reduce your request rate.") { StatusCode = HttpStatusCode.ServiceUnavailable, ErrorCode = "SlowDown" });
        var service = new FakeInferenceService(request => request.Body.Span[0] == 2
            ? FakeInferenceService.Json(503, "{\"error\":\"model is loading\"}")
            : FakeInferenceService.Json(200, "{}"));

        var failures = await HandleAsync(service,
            Message("ok", S3Record("in", "ok.jpg")),
            Message("busy", S3Record("in", "busy.jpg")),
            Message("throttled", S3Record("in", "throttled.jpg")),
            new SqsMessage { MessageId = "garbage", Body = "not json", EventSource = "aws:sqs" });

        Assert.Equal(["busy", "throttled", "garbage"], failures.BatchItemFailures.Select(f => f.ItemIdentifier).ToArray());
        Assert.Equal(["out/resnet18/0.23.1/ok.jpg.json"], _written.Keys.ToArray());
    }

    [Fact]
    public async Task S3TestEventsAndRemovals_NeedNoWork()
    {
        var service = new FakeInferenceService();
        var removal = S3Record("in", "a.jpg").Replace("ObjectCreated:Put", "ObjectRemoved:Delete", StringComparison.Ordinal);

        var failures = await HandleAsync(service,
            new SqsMessage { MessageId = "test", Body = """{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"in"}""", EventSource = "aws:sqs" },
            Message("removed", removal));

        Assert.Empty(failures.BatchItemFailures);
        Assert.Empty(service.Requests);
        Assert.Empty(_written);
    }

    [Fact]
    public async Task MessagesLeftWhenTheDeadlineIsNear_AreReturnedForRetry_NotStarted()
    {
        StoreObject("in", "a.jpg", [1]);
        var service = new FakeInferenceService();
        var invocation = Invocations.WithPayload("{}", timeLeft: TimeSpan.FromMilliseconds(50));
        var deadline = Invocations.Deadline(invocation, safetyMargin: TimeSpan.FromMilliseconds(100));

        var failures = await new SqsS3BatchHandler(service, new S3ObjectStore(_s3.Object), _options, TextWriter.Null).HandleAsync(
            [Message("m1", S3Record("in", "a.jpg")), Message("m2", S3Record("in", "a.jpg"))],
            "req-1", deadline, CancellationToken.None);

        Assert.Equal(["m1", "m2"], failures.BatchItemFailures.Select(f => f.ItemIdentifier).ToArray());
        Assert.Empty(service.Requests);
    }

    [Fact]
    public async Task TheDispatcherRecognisesAnSqsEventAndAnswersWithBatchItemFailures()
    {
        StoreObject("in", "a.jpg", [1]);
        var service = new FakeInferenceService(_ => FakeInferenceService.Json(500, "{}"));
        var dispatcher = new EventDispatcher(service, new Lazy<SqsS3BatchHandler>(() => new SqsS3BatchHandler(service, new S3ObjectStore(_s3.Object), _options, TextWriter.Null)));
        var body = JsonSerializer.Serialize(S3Record("in", "a.jpg"));
        var invocation = Invocations.WithPayload($$$"""
            {"Records":[{"messageId":"m-1","receiptHandle":"h","body":{{{body}}},"attributes":{},"messageAttributes":{},
              "md5OfBody":"x","eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-1:1:q","awsRegion":"us-east-1"}]}
            """);

        var answer = await dispatcher.HandleAsync(invocation, Invocations.Deadline(invocation), CancellationToken.None);

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m-1"}]}""", Encoding.UTF8.GetString(answer));
    }

    [Fact]
    public async Task NoInputIsLost_ResultsErrorRecordsAndRetriesAccountForEveryObjectExactlyOnce()
    {
        // 60 uploads: 30 good images, 10 poison images the model rejects, 5 of an unsupported type,
        // 5 deleted before processing, and 10 that hit a transient failure on their first delivery.
        var messages = new List<SqsMessage>();
        var inputs = new List<string>();
        void Upload(string key, bool stored = true)
        {
            if (stored)
            {
                StoreObject("in", key, [1, 2, 3]);
            }
            else
            {
                _s3.Setup(s3 => s3.GetObjectAsync(It.Is<GetObjectRequest>(r => r.Key == key), It.IsAny<CancellationToken>()))
                    .ThrowsAsync(new AmazonS3Exception("gone") { StatusCode = HttpStatusCode.NotFound, ErrorCode = "NoSuchKey" });
            }

            inputs.Add(key);
            messages.Add(Message($"m{messages.Count}", S3Record("in", key)));
        }

        for (var i = 0; i < 30; i++) Upload($"good/{i}.png");
        for (var i = 0; i < 10; i++) Upload($"poison/{i}.png");
        for (var i = 0; i < 5; i++) Upload($"notes/{i}.txt");
        for (var i = 0; i < 5; i++) Upload($"deleted/{i}.png", stored: false);
        for (var i = 0; i < 10; i++) Upload($"flaky/{i}.png");
        var firstDelivery = new HashSet<string>();
        var service = new FakeInferenceService(request => request.PredictionLogKey switch
        {
            { } key when key.Contains("/poison/", StringComparison.Ordinal) => FakeInferenceService.Json(400, "{\"error\":\"not an image\",\"code\":\"invalid_image\"}"),
            { } key when key.Contains("/flaky/", StringComparison.Ordinal) && firstDelivery.Add(key) => FakeInferenceService.Json(503, "{\"error\":\"busy\",\"code\":\"model_unavailable\"}"),
            _ => FakeInferenceService.Json(200, "{\"model_name\":\"resnet18\"}"),
        });

        var first = await HandleAsync(service, [.. messages]);
        var retried = first.BatchItemFailures.Select(f => f.ItemIdentifier).ToHashSet();
        var recordedFirst = _written.Keys.ToHashSet();

        // Every input is either recorded or handed back to SQS, never both and never neither.
        Assert.Equal(10, retried.Count);
        Assert.Equal(50, recordedFirst.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            Assert.True(recordedFirst.Contains($"out/resnet18/0.23.1/{inputs[i]}.json") ^ retried.Contains(messages[i].MessageId), inputs[i]);
        }

        // SQS redelivers the failed messages; the transient failure has passed.
        await HandleAsync(service, [.. messages.Where(m => retried.Contains(m.MessageId))]);

        Assert.Equal(inputs.Select(k => $"out/resnet18/0.23.1/{k}.json").Order(), _written.Keys.Order());
        Assert.Equal(30 + 10, _written.Values.Count(r => JsonDocument.Parse(r).RootElement.GetProperty("status").GetInt32() == 200));
        Assert.All(inputs.Where(k => k.StartsWith("poison/", StringComparison.Ordinal)), k => Assert.Equal(("error", 400, "invalid_image"), Summary(Record($"out/resnet18/0.23.1/{k}.json"))));
        Assert.All(service.Requests, r => Assert.StartsWith("s3://in/", r.PredictionLogKey, StringComparison.Ordinal));
        Assert.Equal(
            inputs.Where(k => k.StartsWith("notes/", StringComparison.Ordinal) || k.StartsWith("deleted/", StringComparison.Ordinal)).Select(k => $"s3://in/{k}").Order(),
            service.Unserved.Select(u => u.Key).Order());
        Assert.Contains(service.Unserved, u => u.Status == 415 && u.Code == "unsupported_input");
        Assert.Contains(service.Unserved, u => u.Status == 404 && u.Code == "input_not_found");
    }

    [Fact]
    public async Task TheImagesOfABatch_ArePredictedInOneCall_AndAnswersStillGoToTheirOwnRecordsAndMessages()
    {
        for (var i = 0; i < 5; i++)
        {
            StoreObject("in", $"img/{i}.png", [(byte)i]);
        }

        StoreObject("in", "tensors/t.json", Encoding.UTF8.GetBytes("{\"inputs\":[]}"));
        var service = new FakeInferenceService(request => request.Body.Span[0] switch
        {
            1 => FakeInferenceService.Json(400, "{\"error\":\"bad\",\"code\":\"invalid_image\"}"),
            3 => FakeInferenceService.Json(500, "{\"error\":\"boom\",\"code\":\"internal_error\"}"),
            var first => FakeInferenceService.Json(200, $"{{\"first\":{first}}}"),
        });

        var failures = await HandleAsync(service,
            Message("m0", S3Record("in", "img/0.png")),
            Message("m1", S3Record("in", "tensors/t.json")),
            Message("m2", S3Record("in", "img/1.png")),
            Message("m3", S3Record("in", "img/2.png")),
            Message("m4", S3Record("in", "img/3.png")),
            Message("m5", S3Record("in", "img/4.png")));

        Assert.Equal([5], service.ImageBatches);
        Assert.Equal(["m4"], failures.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Equal(["out/resnet18/0.23.1/img/0.png.json", "out/resnet18/0.23.1/img/1.png.json", "out/resnet18/0.23.1/img/2.png.json", "out/resnet18/0.23.1/img/4.png.json", "out/resnet18/0.23.1/tensors/t.json.json"], _written.Keys.Order());
        Assert.Equal(0, Record("out/resnet18/0.23.1/img/0.png.json").GetProperty("response").GetProperty("first").GetInt32());
        Assert.Equal(4, Record("out/resnet18/0.23.1/img/4.png.json").GetProperty("response").GetProperty("first").GetInt32());
        Assert.Equal(("error", 400, "invalid_image"), Summary(Record("out/resnet18/0.23.1/img/1.png.json")));
        Assert.Equal("/v2/models/resnet18/infer", Record("out/resnet18/0.23.1/tensors/t.json.json").GetProperty("route").GetString());
    }

    [Fact]
    public async Task ABatchCallThatThrows_RetriesEveryImageMessage_ButNotTheJsonOnes()
    {
        StoreObject("in", "a.png", [1]);
        StoreObject("in", "b.png", [2]);
        StoreObject("in", "t.json", Encoding.UTF8.GetBytes("{\"inputs\":[]}"));
        var service = new FakeInferenceService(request => request.Path.EndsWith("/predict", StringComparison.Ordinal)
            ? throw new InvalidOperationException("session crashed")
            : FakeInferenceService.Json(200, "{}"));

        var failures = await HandleAsync(service,
            Message("m-a", S3Record("in", "a.png")), Message("m-t", S3Record("in", "t.json")), Message("m-b", S3Record("in", "b.png")));

        Assert.Equal(["m-a", "m-b"], failures.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Equal(["out/resnet18/0.23.1/t.json.json"], _written.Keys);
    }

    [Fact]
    public void MissingResultsBucket_IsAClearConfigurationError()
    {
        var error = Assert.Throws<FunctionException>(() => BatchOptions.FromEnvironment(name => name == "BATCH_MODEL_NAME" ? "resnet18" : null));

        Assert.Equal("BatchNotConfigured", error.ErrorType);
        Assert.Contains("RESULTS_BUCKET", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheInputSizeLimit_IsTheServicesBodyLimit_MAX_BODY_BYTES()
    {
        var variables = new Dictionary<string, string> { ["RESULTS_BUCKET"] = "results", ["BATCH_MODEL_NAME"] = "resnet18", ["BATCH_MODEL_VERSION"] = "0.23.1" };

        var unset = BatchOptions.FromEnvironment(variables.GetValueOrDefault);
        variables["MAX_BODY_BYTES"] = "1000";
        var set = BatchOptions.FromEnvironment(variables.GetValueOrDefault);

        Assert.Equal((InferenceOptions.DefaultMaxBodyBytes, 1000L), (unset.MaxInputBytes, set.MaxInputBytes));
    }

    [Fact]
    public void MissingModelVersion_IsAClearConfigurationError_AndAConfiguredOneKeysTheRecords()
    {
        var variables = new Dictionary<string, string> { ["RESULTS_BUCKET"] = "results", ["BATCH_MODEL_NAME"] = "resnet18" };

        var error = Assert.Throws<FunctionException>(() => BatchOptions.FromEnvironment(variables.GetValueOrDefault));
        variables["BATCH_MODEL_VERSION"] = "0.23.1";
        var options = BatchOptions.FromEnvironment(variables.GetValueOrDefault);

        Assert.Equal("BatchNotConfigured", error.ErrorType);
        Assert.Contains("BATCH_MODEL_VERSION", error.Message, StringComparison.Ordinal);
        Assert.Equal("results/resnet18/0.23.1/scans/a b.png.json", options.ResultKeyFor("scans/a b.png"));
    }

    private static SqsMessage Message(string id, string s3Notification) =>
        new() { MessageId = id, Body = s3Notification, EventSource = "aws:sqs" };

    private static string S3Record(string bucket, string encodedKey) => $$$"""
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventName":"ObjectCreated:Put",
          "s3":{"bucket":{"name":"{{{bucket}}}","arn":"arn:aws:s3:::{{{bucket}}}"},"object":{"key":"{{{encodedKey}}}","size":3} } }]}
        """;

    private void StoreObject(string bucket, string key, byte[] content, string contentType = "binary/octet-stream")
    {
        _s3.Setup(s3 => s3.GetObjectAsync(It.Is<GetObjectRequest>(r => r.BucketName == bucket && r.Key == key), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                var response = new GetObjectResponse { ResponseStream = new MemoryStream(content), BucketName = bucket, Key = key };
                response.Headers.ContentType = contentType;
                return response;
            });
    }

    /// <summary>An object whose GetObject answer declares <paramref name="declaredLength"/> bytes (S3's Content-Length) before its body is read.</summary>
    private void StoreBody(string bucket, string key, Stream body, long declaredLength) =>
        _s3.Setup(s3 => s3.GetObjectAsync(It.Is<GetObjectRequest>(r => r.BucketName == bucket && r.Key == key), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new GetObjectResponse { ResponseStream = body, BucketName = bucket, Key = key, ContentLength = declaredLength });

    private Task<SqsBatchResponse> HandleAsync(IInferenceService service, params SqsMessage[] messages)
    {
        var invocation = Invocations.WithPayload("{}");
        return new SqsS3BatchHandler(service, new S3ObjectStore(_s3.Object), _options, TextWriter.Null)
            .HandleAsync(messages, invocation.RequestId, Invocations.Deadline(invocation), CancellationToken.None);
    }

    private JsonElement Record(string key) => JsonDocument.Parse(_written[key]).RootElement.Clone();

    private static (string?, int, string?) Summary(JsonElement record) => (
        record.GetProperty("outcome").GetString(),
        record.GetProperty("status").GetInt32(),
        record.GetProperty("response").GetProperty("code").GetString());
}
