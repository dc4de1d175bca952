using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Inference.Caching;
using Inference.Predictions;
using Inference.Service;
using Moq;

namespace Inference.Tests;

/// <summary>The local predictions log (PREDICTIONS_LOG_FILE): the table's fields, one line per prediction.</summary>
public sealed class JsonLinesPredictionLogTests : IDisposable
{
    private const string Predict = "/v2/models/ppocr-cls/predict";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("predictions-log-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string LogFile => Path.Combine(_folder.FullName, "predictions.jsonl");

    private JsonElement[] Lines() => [.. File.ReadAllLines(LogFile).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    public static TheoryData<string> Entries => ["classification", "embedding", "error"];

    [Theory]
    [MemberData(nameof(Entries))]
    public async Task A_line_has_exactly_the_fields_and_values_of_the_DynamoDB_item(string kind)
    {
        var entry = new PredictionLogEntry
        {
            InputKey = "s3://inputs/incoming/a.png", Model = "ppocr-cls", ModelVersion = "2.0.0", Status = kind == "error" ? 400 : 200,
            ErrorCode = kind == "error" ? "invalid_image" : null, LatencyMs = 12.34567, RequestId = "r-1", InputBytes = 2048,
            Output = kind switch
            {
                "classification" => new PredictionOutput([new LabelScore("0", 0.75, null), new LabelScore("180", null, "NaN")], null),
                "embedding" => new PredictionOutput(null, "sha256:abc"),
                _ => null,
            },
        };
        var time = new FixedTime(DateTimeOffset.Parse("2026-11-27T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var item = new DynamoDbPredictionLog(new Mock<IAmazonDynamoDB>().Object, "t", TimeSpan.FromDays(7), time).ItemFor(entry);

        await new JsonLinesPredictionLog(LogFile, TimeSpan.FromDays(7), time).WriteAsync(entry, default);

        var line = Assert.Single(Lines());
        Assert.Equal(item.Keys.Order(StringComparer.Ordinal), line.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var (name, value) in item)
        {
            Assert.Equal(Plain(value), Plain(line.GetProperty(name)));
        }

        Assert.Equal(JsonValueKind.Number, line.GetProperty("status").ValueKind);
        Assert.Equal(JsonValueKind.String, line.GetProperty("inputKey").ValueKind);
    }

    [Fact]
    public async Task Concurrent_writers_in_two_logs_on_one_file_never_interleave_or_lose_a_line()
    {
        var logs = new[] { new JsonLinesPredictionLog(LogFile, TimeSpan.FromDays(1), TimeProvider.System), new JsonLinesPredictionLog(LogFile, TimeSpan.FromDays(1), TimeProvider.System) };

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => logs[i % 2].WriteAsync(new PredictionLogEntry
        {
            InputKey = $"key-{i}", Model = "m", ModelVersion = "1", Status = 200, LatencyMs = 1, RequestId = new string('r', 2000), InputBytes = i,
        }, default))));

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"key-{i}").Order(), Lines().Select(l => l.GetProperty("inputKey").GetString()).Order());
    }

    [Fact]
    public async Task A_writer_waits_while_another_process_holds_the_files_lock_and_then_appends()
    {
        var log = new JsonLinesPredictionLog(LogFile, TimeSpan.FromDays(1), TimeProvider.System);
        var entry = new PredictionLogEntry { InputKey = "k", Model = "m", ModelVersion = "1", Status = 200, LatencyMs = 1, RequestId = "r", InputBytes = 1 };
        Task write;
        await using (var other = new FileStream(LogFile, FileMode.Append, FileAccess.Write, FileShare.None))
        {
            write = log.WriteAsync(entry, default);
            await Task.Delay(300);
            Assert.False(write.IsCompleted, "the write must wait for the lock (flock) another handle holds");
        }

        await write.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("k", Assert.Single(Lines()).GetProperty("inputKey").GetString());
    }

    [Fact]
    public async Task The_service_logs_one_line_per_prediction_to_the_file_and_never_calls_DynamoDB()
    {
        var options = PredictionLogOptions.FromEnvironment(new EnvironmentValues(name => name == "PREDICTIONS_LOG_FILE" ? LogFile : null));
        using var service = await CachingService.CreateAsync(new PredictionCacheOptions { MaxEntries = 0 }, options, new Mock<IAmazonDynamoDB>(MockBehavior.Strict).Object);
        var image = TestImages.TextLine("logged", upsideDown: true);

        await service.HandleAsync(Requests.Post(Predict, image, "image/png"));
        await service.HandleAsync(Requests.Post(Predict, [1, 2, 3], "image/png"));
        await service.HandleAsync(Requests.Post(Predict, image, "image/png") with { PredictionLogKey = "s3://inputs/incoming/line.png" });

        var lines = Lines();
        Assert.Equal(3, lines.Length);
        Assert.Equal("180", lines[0].GetProperty("predictions")[0].GetProperty("label").GetString());
        Assert.Equal(("invalid_image", 400), (lines[1].GetProperty("errorCode").GetString(), lines[1].GetProperty("status").GetInt32()));
        Assert.Equal("s3://inputs/incoming/line.png", lines[2].GetProperty("inputKey").GetString());
        Assert.All(service.RequestLines(), l => Assert.True(l.GetProperty("predictionLogged").GetBoolean()));
    }

    [Fact]
    public void The_file_logs_every_request_by_default_and_cannot_be_combined_with_a_table()
    {
        Assert.Equal(1, Read(new() { ["PREDICTIONS_LOG_FILE"] = LogFile }).SampleRate);
        Assert.Equal(0.5, Read(new() { ["PREDICTIONS_LOG_FILE"] = LogFile, ["PREDICTIONS_SAMPLE_RATE"] = "0.5" }).SampleRate);

        var both = Assert.Throws<InvalidOperationException>(() => Read(new() { ["PREDICTIONS_LOG_FILE"] = LogFile, ["PREDICTIONS_TABLE"] = "log" }));
        var noFolder = Assert.Throws<InvalidOperationException>(() => Read(new() { ["PREDICTIONS_LOG_FILE"] = Path.Combine(_folder.FullName, "missing", "p.jsonl") }));

        Assert.Contains($"PREDICTIONS_TABLE is 'log' and PREDICTIONS_LOG_FILE is '{LogFile}'; set only one", both.Message, StringComparison.Ordinal);
        Assert.Contains("PREDICTIONS_LOG_FILE is", noFolder.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", noFolder.Message, StringComparison.Ordinal);
    }

    private static PredictionLogOptions Read(Dictionary<string, string> variables) =>
        PredictionLogOptions.FromEnvironment(new EnvironmentValues(name => variables.GetValueOrDefault(name)));

    /// <summary>A DynamoDB attribute or a JSON value as plain text, to compare the two logs value by value.</summary>
    private static string Plain(AttributeValue value) =>
        value.S ?? value.N ?? (value.L is { } list ? "[" + string.Join(",", list.Select(Plain)) + "]"
            : "{" + string.Join(",", value.M.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{Plain(p.Value)}")) + "}");

    private static string Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Array => "[" + string.Join(",", value.EnumerateArray().Select(Plain)) + "]",
        _ => "{" + string.Join(",", value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}:{Plain(p.Value)}")) + "}",
    };

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
