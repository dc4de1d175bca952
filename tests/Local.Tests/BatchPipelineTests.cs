using System.Text.Json;
using Infra.Components;
using Infra.Local.Batch;
using LambdaEmulator;

namespace Local.Tests;

/// <summary>The local event source mapping and redrive policy, against a scripted function on real folders.</summary>
public sealed class BatchPipelineTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly TempFolder _root = new("batch-pipeline-");
    private readonly FolderBatchObjects _folders;
    private readonly BatchPipelineSettings _settings = new()
    {
        ModelName = "ppocr-cls", ModelVersion = "2.0.0", InputPrefix = "incoming/", InputSuffix = ".png", ResultsPrefix = "results/", BatchSize = 3, BatchingWindow = TimeSpan.Zero,
        MaxReceiveCount = 3, StableFor = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(50),
    };

    public BatchPipelineTests() => _folders = new FolderBatchObjects(_root.Path);

    public void Dispose() => _root.Dispose();

    private void Drop(string key, int bytes = 10)
    {
        var path = Path.Combine(_folders.InputFolder, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
    }

    private BatchPipeline Pipeline(IBatchFunction function, BatchPipelineSettings? settings = null) =>
        new(_folders, settings ?? _settings, function, TextWriter.Null, "batch");

    private string[] Results => PipelineRun.Files(_folders.OutputFolder);

    private string[] DeadLetters => PipelineRun.Files(_folders.DeadLetters.Path);

    private JsonElement Reason(string key) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_folders.DeadLetters.Path, key + DeadLetterFolder.ReasonSuffix))).RootElement.Clone();

    [Fact]
    public async Task Inputs_are_delivered_in_batches_of_the_components_size_and_only_through_its_filter()
    {
        for (var i = 0; i < 7; i++) Drop($"incoming/{i}.png");
        Drop("incoming/notes.txt");
        Drop("elsewhere/x.png");
        var function = new ScriptedBatchFunction(_folders, _settings, (_, _) => ScriptedAnswer.Result);

        await PipelineRun.UntilAsync(Pipeline(function), () => Results.Length == 7, Limit);

        Assert.Equal([3, 3, 1], function.Invocations.Select(i => i.Count));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"results/ppocr-cls/2.0.0/incoming/{i}.png.json").Order(StringComparer.Ordinal), Results);
        Assert.Empty(DeadLetters);
    }

    [Fact]
    public async Task A_batching_window_waits_for_more_inputs_before_invoking()
    {
        var function = new ScriptedBatchFunction(_folders, _settings, (_, _) => ScriptedAnswer.Result);
        var pipeline = Pipeline(function, _settings with { BatchSize = 10, BatchingWindow = TimeSpan.FromSeconds(2) });
        Drop("incoming/first.png");

        await PipelineRun.UntilAsync(pipeline, () =>
        {
            if (!File.Exists(Path.Combine(_folders.InputFolder, "incoming", "second.png")))
            {
                Thread.Sleep(700);
                Drop("incoming/second.png");
            }

            return Results.Length == 2;
        }, Limit);

        Assert.Equal([2], function.Invocations.Select(i => i.Count));
    }

    [Fact]
    public async Task A_handed_back_input_is_delivered_again_and_one_failing_every_time_is_dead_lettered_after_max_receive_count()
    {
        Drop("incoming/flaky.png");
        Drop("incoming/stuck.png");
        var function = new ScriptedBatchFunction(_folders, _settings, (key, receiveCount) =>
            key.Contains("stuck", StringComparison.Ordinal) || receiveCount == 1 ? ScriptedAnswer.Retry : ScriptedAnswer.Result);

        await PipelineRun.UntilAsync(Pipeline(function), () => Results.Length + DeadLetters.Length == 3, Limit);

        Assert.Equal(["results/ppocr-cls/2.0.0/incoming/flaky.png.json"], Results);
        Assert.Equal(["incoming/stuck.png", "incoming/stuck.png.reason.json"], DeadLetters);
        Assert.Equal([1, 2, 3], function.Invocations.SelectMany(i => i).Where(d => d.Key.Contains("stuck", StringComparison.Ordinal)).Select(d => d.ReceiveCount));
        Assert.Equal([1, 2], function.Invocations.SelectMany(i => i).Where(d => d.Key.Contains("flaky", StringComparison.Ordinal)).Select(d => d.ReceiveCount));
        var reason = Reason("incoming/stuck.png");
        Assert.Equal("delivery_failed", reason.GetProperty("error").GetProperty("kind").GetString());
        Assert.Contains("will be retried: IOException: incoming/stuck.png is busy", reason.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, reason.GetProperty("deliveries").GetInt32());
        Assert.Equal(("input", "incoming/stuck.png"), (reason.GetProperty("input").GetProperty("bucket").GetString(), reason.GetProperty("input").GetProperty("key").GetString()));
        Assert.False(File.Exists(Path.Combine(_folders.InputFolder, "incoming", "stuck.png")));
    }

    [Fact]
    public async Task An_error_record_moves_the_input_to_the_dead_letter_folder_with_the_functions_error_and_leaves_no_record()
    {
        Drop("incoming/good.png");
        Drop("incoming/bad.png");
        var function = new ScriptedBatchFunction(_folders, _settings, (key, _) => key.Contains("bad", StringComparison.Ordinal) ? ScriptedAnswer.ErrorRecord : ScriptedAnswer.Result);

        await PipelineRun.UntilAsync(Pipeline(function), () => Results.Length + DeadLetters.Length == 3, Limit);

        Assert.Equal(["results/ppocr-cls/2.0.0/incoming/good.png.json"], Results);
        Assert.Equal(["incoming/bad.png", "incoming/bad.png.reason.json"], DeadLetters);
        var error = Reason("incoming/bad.png").GetProperty("error");
        Assert.Equal(("error_record", 400, "invalid_image", "not an image"),
            (error.GetProperty("kind").GetString(), error.GetProperty("status").GetInt32(), error.GetProperty("code").GetString(), error.GetProperty("message").GetString()));
        Assert.Equal("error", Reason("incoming/bad.png").GetProperty("record").GetProperty("outcome").GetString());
        Assert.Single(function.Invocations);
    }

    [Fact]
    public async Task A_failed_invocation_counts_as_a_failed_delivery_of_every_message_in_it()
    {
        Drop("incoming/a.png");
        var function = new ScriptedBatchFunction(_folders, _settings, (_, _) => ScriptedAnswer.Retry) { Status = InvocationStatus.TimedOut };

        await PipelineRun.UntilAsync(Pipeline(function, _settings with { MaxReceiveCount = 2 }), () => DeadLetters.Length == 2, Limit);

        Assert.Equal(2, function.Invocations.Count);
        var error = Reason("incoming/a.png").GetProperty("error");
        Assert.Equal("delivery_failed", error.GetProperty("kind").GetString());
        Assert.Contains("TimedOut", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("Task timed out after 3 seconds.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_still_being_written_is_delivered_once_and_whole()
    {
        var path = Path.Combine(_folders.InputFolder, "incoming", "slow.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var function = new ScriptedBatchFunction(_folders, _settings, (_, _) => ScriptedAnswer.Result);
        var writing = Task.Run(async () =>
        {
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
            for (var chunk = 0; chunk < 5; chunk++)
            {
                await file.WriteAsync(new byte[1000]);
                await file.FlushAsync();
                await Task.Delay(150); // under StableFor: the writer is still at it
            }
        });

        // A wide margin over the writer's 150 ms pauses: with 300 ms, a loaded machine once stretched one pause past it.
        await PipelineRun.UntilAsync(Pipeline(function, _settings with { StableFor = TimeSpan.FromSeconds(2) }), () => writing.IsCompleted && Results.Length == 1, Limit);
        await writing;

        var delivery = Assert.Single(function.Invocations.SelectMany(i => i));
        Assert.Equal(("incoming/slow.png", 5000), (delivery.Key, delivery.Bytes));
    }

    [Fact]
    public async Task An_input_with_a_result_is_not_delivered_again_after_a_restart_until_it_changes()
    {
        Drop("incoming/a.png");
        Drop("incoming/b.png");
        var function = new ScriptedBatchFunction(_folders, _settings, (_, _) => ScriptedAnswer.Result);
        await PipelineRun.UntilAsync(Pipeline(function), () => Results.Length == 2, Limit);

        // A new pipeline (serve restarted) finds the results and delivers nothing; a changed input goes through again, once.
        var restarted = Pipeline(function);
        await PipelineRun.ForAsync(restarted, _settings.StableFor * 4);
        Assert.Single(function.Invocations);
        Drop("incoming/b.png", bytes: 20);
        await PipelineRun.UntilAsync(restarted, () => function.Invocations.Count == 2, Limit);
        await PipelineRun.ForAsync(restarted, _settings.StableFor * 3);

        Assert.Equal(2, function.Invocations.Count);
        var redelivered = Assert.Single(function.Invocations.Last());
        Assert.Equal(("incoming/b.png", 20), (redelivered.Key, redelivered.Bytes));
    }

    [Fact]
    public async Task Links_in_the_input_folder_are_not_followed_so_nothing_outside_it_is_read_or_moved()
    {
        var outside = Path.Combine(_root.Path, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllBytes(Path.Combine(outside, "secret.png"), new byte[7]);
        Drop("incoming/own.png");
        var folderLink = Path.Combine(_folders.InputFolder, "incoming", "elsewhere");
        var fileLink = Path.Combine(_folders.InputFolder, "incoming", "linked.png");
        Directory.CreateSymbolicLink(folderLink, outside);
        File.CreateSymbolicLink(fileLink, Path.Combine(outside, "secret.png"));
        // An error record for anything but our own file: had the pipeline followed a link, it would move what it found.
        var function = new ScriptedBatchFunction(_folders, _settings, (key, _) => key == "incoming/own.png" ? ScriptedAnswer.Result : ScriptedAnswer.ErrorRecord);

        await PipelineRun.UntilAsync(Pipeline(function), () => Results.Length == 1 && DeadLetters.Length == 1, Limit, () => string.Join(", ", DeadLetters));

        Assert.Equal(["incoming/own.png"], function.Invocations.SelectMany(i => i).Select(d => d.Key));
        Assert.Equal(["results/ppocr-cls/2.0.0/incoming/own.png.json"], Results);
        Assert.Equal(7, new FileInfo(Path.Combine(outside, "secret.png")).Length);
        // The link to a file passes the filter: refused, undelivered, with a reason naming its target; the link is gone.
        Assert.Equal(["incoming/linked.png.reason.json"], DeadLetters);
        var reason = Reason("incoming/linked.png");
        Assert.Equal(("refused", 0), (reason.GetProperty("error").GetProperty("kind").GetString(), reason.GetProperty("deliveries").GetInt32()));
        Assert.Contains($"symbolic link to '{Path.Combine(outside, "secret.png")}'", reason.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(Path.Exists(fileLink));
        Assert.Null(new FileInfo(fileLink).LinkTarget);
        // The link to a folder does not pass the filter (no .png suffix): it is left alone, and not entered.
        Assert.Equal(outside, new DirectoryInfo(folderLink).LinkTarget);
    }

    [Fact]
    public async Task A_link_loop_in_the_input_folder_does_not_multiply_the_inputs()
    {
        for (var i = 0; i < 11; i++) Drop($"incoming/{i}.png");
        var loop = Path.Combine(_folders.InputFolder, "incoming", "loop");
        Directory.CreateSymbolicLink(loop, ".");
        // Without a suffix the loop's own name passes the filter, so it is refused rather than left alone.
        var settings = _settings with { InputSuffix = "" };
        var function = new ScriptedBatchFunction(_folders, settings, (_, _) => ScriptedAnswer.Result);

        await PipelineRun.UntilAsync(Pipeline(function, settings), () => Results.Length >= 11 && DeadLetters.Length == 1, Limit, () => $"{Results.Length} results");

        Assert.Equal(Enumerable.Range(0, 11).Select(i => $"results/ppocr-cls/2.0.0/incoming/{i}.png.json").Order(StringComparer.Ordinal), Results);
        Assert.Equal(11, function.Invocations.Sum(i => i.Count));
        Assert.Equal(["incoming/loop.reason.json"], DeadLetters);
        Assert.Contains("symbolic link to '.'", Reason("incoming/loop").GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(Path.Exists(loop));
    }

    [Fact]
    public async Task A_file_name_with_a_backslash_is_refused_as_a_key_and_kept_in_the_dead_letter_folder_undelivered()
    {
        const string key = "incoming/a\\..\\..\\x.png"; // one file name in incoming/ on Linux; a path upwards on Windows
        Drop(key);
        Drop("incoming/plain.png");
        var function = new ScriptedBatchFunction(_folders, _settings, (_, _) => ScriptedAnswer.Result);

        await PipelineRun.UntilAsync(Pipeline(function), () => Results.Length + DeadLetters.Length == 3, Limit, () => string.Join(", ", Results.Concat(DeadLetters)));

        Assert.Equal(["incoming/plain.png"], function.Invocations.SelectMany(i => i).Select(d => d.Key));
        Assert.All(DeadLetters, f => Assert.StartsWith("refused-keys/", f, StringComparison.Ordinal));
        var kept = Assert.Single(DeadLetters, f => !f.EndsWith(DeadLetterFolder.ReasonSuffix, StringComparison.Ordinal));
        var reason = Reason(kept);
        Assert.Equal((key, "refused"), (reason.GetProperty("input").GetProperty("key").GetString(), reason.GetProperty("error").GetProperty("kind").GetString()));
        Assert.Equal(10, new FileInfo(Path.Combine(_folders.DeadLetters.Path, kept)).Length);
        Assert.Equal(["incoming/plain.png"], PipelineRun.Files(_folders.InputFolder));
    }

    [Fact]
    public void The_settings_come_from_the_BatchInference_component_args()
    {
        var args = new BatchInferenceArgs
        {
            Function = null!, ModelName = "ppocr-cls", ModelVersion = "2.0.0", Notifications = null!,
            InputPrefix = "scans/", InputSuffix = ".jpg", ResultsPrefix = "out/", BatchSize = 25, BatchingWindow = TimeSpan.FromSeconds(7), MaxReceiveCount = 4,
        };

        var settings = BatchPipelineSettings.From(args);

        Assert.Equal(("scans/", ".jpg", "out/", 25, TimeSpan.FromSeconds(7), 4),
            (settings.InputPrefix, settings.InputSuffix, settings.ResultsPrefix, settings.BatchSize, settings.BatchingWindow, settings.MaxReceiveCount));
        Assert.True(settings.Accepts("scans/a/b.jpg"));
        Assert.False(settings.Accepts("scans/a.png"));
        Assert.False(settings.Accepts("other/a.jpg"));
        Assert.Equal("out/ppocr-cls/2.0.0/scans/a.jpg.json", settings.ResultKeyFor("scans/a.jpg"));
    }
}
