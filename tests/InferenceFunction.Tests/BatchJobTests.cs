using System.Text;
using System.Text.Json;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Jobs;
using InferenceFunction.Objects;
using InferenceFunction.Runtime;

namespace InferenceFunction.Tests;

/// <summary>The batch-job mode of the AWS Batch option: its inputs, its exit code, and its dead letters.</summary>
public sealed class BatchJobTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("batch-job-");
    private readonly BatchOptions _options = new("results", "out/", "resnet18", "0.23.1");

    public void Dispose() => _root.Delete(recursive: true);

    [Theory]
    [InlineData("s3://in/photos/a b.jpg", "in", "photos/a b.jpg", BatchJobInput.Kinds.Object)]
    [InlineData("s3://in/photos/", "in", "photos/", BatchJobInput.Kinds.Prefix)]
    [InlineData("s3://in", "in", "", BatchJobInput.Kinds.Prefix)]
    [InlineData("manifest:s3://jobs/list.txt", "jobs", "list.txt", BatchJobInput.Kinds.Manifest)]
    public void Inputs_NameAnObjectAPrefixOrAManifest_AndKeysAreTakenLiterally(string text, string bucket, string key, BatchJobInput.Kinds kind) =>
        Assert.Equal(new BatchJobInput(bucket, key, kind), BatchJobInput.Parse(text));

    [Theory]
    [InlineData("in/photos/a.jpg")]
    [InlineData("s3:///a.jpg")]
    [InlineData("manifest:s3://jobs/lists/")]
    public void AnInputThatIsNotAnS3Uri_IsRefusedNamingWhatIsExpected(string text)
    {
        var error = Assert.Throws<FunctionException>(() => BatchJobInput.Parse(text));
        Assert.Equal("InvalidBatchJobInput", error.ErrorType);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APrefix_RunsEveryObjectUnderIt_AndWritesTheRecordsTheLambdaPathWrites()
    {
        var store = new DirectoryObjectStore(_root.FullName);
        await store.PutAsync("uploads", "photos/a.jpg", [1], "image/jpeg", CancellationToken.None);
        await store.PutAsync("uploads", "photos/b.jpg", [2], "image/jpeg", CancellationToken.None);
        await store.PutAsync("uploads", "other/c.jpg", [3], "image/jpeg", CancellationToken.None);
        var service = new FakeInferenceService(_ => FakeInferenceService.Json(200, "{\"model_name\":\"resnet18\"}"));

        var exitCode = await Job(service, store, new Recorded()).RunAsync(BatchJobInput.Parse("s3://uploads/photos/"), "job-1", CancellationToken.None);

        Assert.Equal(0, exitCode);
        var records = Directory.GetFiles(Path.Combine(_root.FullName, "results"), "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Path.Combine(_root.FullName, "results"), p).Replace('\\', '/')).Order().ToArray();
        Assert.Equal([_options.ResultKeyFor("photos/a.jpg"), _options.ResultKeyFor("photos/b.jpg")], records);
        using var record = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_root.FullName, "results", _options.ResultKeyFor("photos/a.jpg"))));
        Assert.Equal(("result", "uploads", "photos/a.jpg"), (record.RootElement.GetProperty("outcome").GetString(),
            record.RootElement.GetProperty("input").GetProperty("bucket").GetString(), record.RootElement.GetProperty("input").GetProperty("key").GetString()));
    }

    [Fact]
    public async Task AnObjectThatKeepsFailing_GoesToTheDeadLetterQueueWithTheReason_AndTheJobSucceeds()
    {
        var store = new DirectoryObjectStore(_root.FullName);
        await store.PutAsync("uploads", "a.jpg", [1], "image/jpeg", CancellationToken.None);
        var service = new FakeInferenceService(_ => FakeInferenceService.Json(503, "{\"error\":\"busy\"}"));
        var deadLetters = new Recorded();

        var exitCode = await Job(service, store, deadLetters).RunAsync(BatchJobInput.Parse("s3://uploads/a.jpg"), "job-2", CancellationToken.None);

        Assert.Equal(0, exitCode);
        var (input, reason, jobId) = Assert.Single(deadLetters.Sent);
        Assert.Equal(("uploads", "a.jpg", "job-2"), (input.Bucket, input.Key, jobId));
        Assert.Equal("3 attempt(s) failed; the last: FunctionException: s3://uploads/a.jpg: the service answered 503.", reason);
        Assert.Equal(3, service.ImageBatches.Count);
        Assert.False(Directory.Exists(Path.Combine(_root.FullName, "results")));
    }

    [Fact]
    public async Task AnObjectThatCanBeNeitherRecordedNorDeadLettered_FailsTheJob()
    {
        var store = new DirectoryObjectStore(_root.FullName);
        await store.PutAsync("uploads", "a.jpg", [1], "image/jpeg", CancellationToken.None);
        var service = new FakeInferenceService(_ => FakeInferenceService.Json(503, "{\"error\":\"busy\"}"));

        var exitCode = await Job(service, store, new Recorded { Fails = true }).RunAsync(BatchJobInput.Parse("s3://uploads/a.jpg"), "job-3", CancellationToken.None);

        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task AMissingManifest_FailsTheJob_SoBatchRetriesAndThenDeadLettersIt()
    {
        var log = new StringWriter();
        var job = new BatchJob(new SqsS3BatchHandler(new FakeInferenceService(), new DirectoryObjectStore(_root.FullName), _options, log),
            new DirectoryObjectStore(_root.FullName), new Recorded(), new BatchJobOptions(), log);

        Assert.Equal(1, await job.RunAsync(BatchJobInput.Parse("manifest:s3://jobs/missing.txt"), "job-4", CancellationToken.None));
        Assert.Contains("The manifest s3://jobs/missing.txt does not exist.", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ADeadLetter_CarriesTheS3NotificationTheLambdaPathsDeadLettersCarry()
    {
        var input = new S3ObjectReference("uploads", "photos/my cat (1).jpg", "v1", false);

        var body = SqsDeadLetterQueue.NotificationBody(input);

        var record = Assert.Single(S3NotificationParser.Parse(new SqsMessage { MessageId = "m", EventSource = "aws:sqs", Body = body }).Records!);
        Assert.Equal(input, S3ObjectReference.From(record));
    }

    private BatchJob Job(FakeInferenceService service, IObjectStore store, IDeadLetterQueue deadLetters) =>
        new(new SqsS3BatchHandler(service, store, _options, TextWriter.Null), store, deadLetters, new BatchJobOptions { RetryDelay = TimeSpan.Zero }, TextWriter.Null);

    private sealed class Recorded : IDeadLetterQueue
    {
        public bool Fails { get; init; }

        public List<(S3ObjectReference Input, string Reason, string JobId)> Sent { get; } = [];

        public Task SendAsync(S3ObjectReference input, string reason, string jobId, CancellationToken cancellationToken)
        {
            if (Fails)
            {
                throw new IOException("SQS is unreachable (injected)");
            }

            Sent.Add((input, reason, jobId));
            return Task.CompletedTask;
        }
    }
}
