using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Infra.Local.Batch;
using LambdaEmulator;

namespace Local.Tests;

/// <summary>
/// Stands in for the batch handler: for each message it reads the input from the folder, asks the script what to do,
/// and writes the record under output/ or hands the message back, printing the handler's retry line.
/// </summary>
internal sealed class ScriptedBatchFunction(FolderBatchObjects folders, BatchPipelineSettings settings, Func<string, int, ScriptedAnswer> script) : IBatchFunction
{
    private readonly StringBuilder _output = new();

    /// <summary>Each invocation's deliveries: (key, input bytes, ApproximateReceiveCount).</summary>
    public ConcurrentQueue<IReadOnlyList<(string Key, int Bytes, int ReceiveCount)>> Invocations { get; } = new();

    public InvocationStatus Status { get; set; } = InvocationStatus.Succeeded;

    public Task<InvocationResult> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        using var sqsEvent = JsonDocument.Parse(payload);
        var deliveries = new List<(string, int, int)>();
        var failures = new List<string>();
        foreach (var message in sqsEvent.RootElement.GetProperty("Records").EnumerateArray())
        {
            using var notification = JsonDocument.Parse(message.GetProperty("body").GetString()!);
            var s3 = notification.RootElement.GetProperty("Records")[0].GetProperty("s3");
            Assert.Equal(FolderBatchObjects.InputBucketName, s3.GetProperty("bucket").GetProperty("name").GetString());
            var key = WebUtility.UrlDecode(s3.GetProperty("object").GetProperty("key").GetString()!);
            var receiveCount = int.Parse(message.GetProperty("attributes").GetProperty("ApproximateReceiveCount").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var bytes = File.ReadAllBytes(Path.Combine(folders.InputFolder, key));
            deliveries.Add((key, bytes.Length, receiveCount));
            var messageId = message.GetProperty("messageId").GetString()!;
            switch (script(key, receiveCount))
            {
                case ScriptedAnswer.Retry:
                    failures.Add(messageId);
                    _output.AppendLine($"SQS message {messageId} will be retried: IOException: {key} is busy");
                    break;
                case var answer:
                    var record = Path.Combine(folders.OutputFolder, settings.ResultKeyFor(key));
                    Directory.CreateDirectory(Path.GetDirectoryName(record)!);
                    File.WriteAllText(record, answer == ScriptedAnswer.Result
                        ? """{"outcome":"result","status":200,"response":{"predictions":[]}}"""
                        : """{"outcome":"error","status":400,"response":{"error":"not an image","code":"invalid_image"}}""");
                    break;
            }
        }

        Invocations.Enqueue(deliveries);
        var answerJson = JsonSerializer.SerializeToUtf8Bytes(new { batchItemFailures = failures.Select(id => new { itemIdentifier = id }) });
        return Task.FromResult(Status == InvocationStatus.Succeeded
            ? new InvocationResult(Status, "r", answerJson, null, false, TimeSpan.Zero)
            : new InvocationResult(Status, "r", [], new EmulatedError("Sandbox.Timedout", "Task timed out after 3 seconds.", []), false, TimeSpan.Zero));
    }

    public string RecentOutput() => _output.ToString();
}

internal enum ScriptedAnswer
{
    Result,
    ErrorRecord,
    Retry,
}
