using System.Text.Json;
using Infra.Components;
using Infra.Configuration;
using Infra.Core;
using Infra.Local;
using Infra.Local.Batch;
using Infra.Local.StackReading;
using TestModels;

namespace Local.Tests;

/// <summary>Batch components in serve: their functions' bindings, and the pipeline running on serve's function pool.</summary>
public sealed class ServeBatchTests : IDisposable
{
    private readonly TempFolder _root = new("serve-batch-");

    public void Dispose() => _root.Dispose();

    private static BatchInference Component(Stack stack) => new(stack, "scans", new BatchInferenceArgs
    {
        Function = new InferenceFunctionArgs
        {
            Code = new CodeDirectory("../.build/test-function", Path.Combine(TestStacks.RepositoryRoot, ".build", "test-function")),
            Memory = DataSize.FromMebibytes(512),
            Timeout = TimeSpan.FromSeconds(20),
            Environment = new Dictionary<string, Input<string>> { ["MODEL_DIR"] = TestStacks.TinyModelDirectory, ["ORT_INTRA_OP_THREADS"] = "1" },
        },
        ModelName = "ppocr-cls", ModelVersion = "2.0.0", BatchingWindow = TimeSpan.FromSeconds(1), MaxReceiveCount = 2,
        Notifications = new AlarmNotifications(stack, "alerts"),
    });

    private LocalStack Read(Stack stack, BatchInference batch) =>
        new LocalStackReader(new ConfigResolver(TestStacks.Project, ConfigValues.Empty), Path.Combine(TestStacks.RepositoryRoot, ".build", "function"),
            new Dictionary<string, LocalBatch> { [batch.Path] = LocalBatch.OnFolders(batch, _root.Path) }).Read(stack);

    private static BatchInference OnAwsBatch(Stack stack) => new(stack, "bulk", new BatchInferenceArgs
    {
        Function = new InferenceFunctionArgs
        {
            Code = new CodeDirectory("../.build/test-function", Path.Combine(TestStacks.RepositoryRoot, ".build", "test-function")),
            Environment = new Dictionary<string, Input<string>> { ["MODEL_DIR"] = TestStacks.TinyModelDirectory, ["ORT_INTRA_OP_THREADS"] = "1" },
        },
        ModelName = "ppocr-cls", ModelVersion = "2.0.0", BatchingWindow = TimeSpan.FromSeconds(1), MaxReceiveCount = 2,
        Notifications = new AlarmNotifications(stack, "alerts"),
        Compute = new AwsBatchCompute
        {
            Image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/inference:abc", SubnetIds = ["subnet-1"], SecurityGroupIds = ["sg-1"],
            JobTimeout = TimeSpan.FromMinutes(2),
        },
    });

    [Fact]
    public async Task A_component_on_AWS_Batch_compute_runs_each_input_as_a_batch_job_process_writing_results_and_dead_letters_like_the_lambda_path()
    {
        var stack = new Stack(TestStacks.Project, "test");
        var batch = OnAwsBatch(stack);
        var model = new LocalStackReader(new ConfigResolver(TestStacks.Project, ConfigValues.Empty), TestStacks.FunctionDirectory,
            new Dictionary<string, LocalBatch> { [batch.Path] = LocalBatch.OnFolders(batch, _root.Path) }).Read(stack);
        var job = Assert.Single(model.Batches);
        Assert.True(job.RunsAsJobs);
        Assert.Empty(model.Functions); // no Lambda pool: the jobs are processes of their own
        Assert.Equal(("1", 120, 4096), (job.Function.Environment["BATCH_JOB_ATTEMPTS"], job.Function.TimeoutSeconds, job.Function.MemoryMb));
        Assert.False(job.Function.Environment.ContainsKey("BATCH_DEAD_LETTER_QUEUE_URL"));
        var local = job.Batch with { Settings = job.Batch.Settings with { StableFor = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(100) } };
        model = model with { Batches = [job with { Batch = local }] };
        var folders = (FolderBatchObjects)local.Objects;
        RealFunctionBatch.Drop(folders, new Dictionary<string, byte[]>
        {
            ["incoming/line.png"] = TextLines.Png("Quick brown fox", upsideDown: true),
            ["incoming/broken.png"] = [0x89, 0x50, 0x4E, 0x47, 9, 9, 9],
        });
        var log = new StringWriter();

        await using (var serve = await LocalServe.StartAsync(model, new ServeSettings(0, 2, TimeSpan.FromMinutes(5), null, null), TextWriter.Synchronized(log)))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (PipelineRun.Files(folders.OutputFolder).Length + PipelineRun.Files(folders.DeadLetters.Path).Length < 3)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), log.ToString());
                await Task.Delay(100);
            }

            Assert.Empty(serve.Pools);
        }

        Assert.Equal(["results/ppocr-cls/2.0.0/incoming/line.png.json"], PipelineRun.Files(folders.OutputFolder));
        Assert.Equal(["incoming/broken.png", "incoming/broken.png.reason.json"], PipelineRun.Files(folders.DeadLetters.Path));
        var record = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folders.OutputFolder, "results", "ppocr-cls", "2.0.0", "incoming", "line.png.json"))).RootElement;
        Assert.Equal("180", record.GetProperty("response").GetProperty("predictions")[0].GetProperty("label").GetString());
        var reason = File.ReadAllText(Path.Combine(folders.DeadLetters.Path, "incoming", "broken.png.reason.json"));
        Assert.Contains("invalid_image", reason, StringComparison.Ordinal);
        Assert.Contains("bulk: incoming/line.png -> results/ppocr-cls/2.0.0/incoming/line.png.json", log.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(folders.PredictionsLogFile).Length);
    }

    [Fact]
    public async Task A_batch_job_that_exits_non_zero_is_a_failed_delivery_whose_reason_is_the_jobs_own_last_line()
    {
        var job = new LocalFunction("bulk", Path.Combine(TestStacks.FunctionDirectory, "InferenceFunction.dll"), 512, 60, null, 0,
            new Dictionary<string, string>
            {
                ["MODEL_DIR"] = Path.GetDirectoryName(TestStacks.TinyModelDirectory)!, ["MODEL_NAME"] = "ppocr-cls", ["ORT_INTRA_OP_THREADS"] = "1",
                ["LOCAL_OBJECT_ROOT"] = _root.Path, ["RESULTS_BUCKET"] = "output", // no BATCH_MODEL_NAME: the job cannot run
            }, []);
        var delivery = new Delivery("m-1", new InputObject("incoming/a.png", 1, DateTimeOffset.UtcNow), 1);

        var failures = await new BatchJobDelivery(job, "input", output: null).DeliverAsync([delivery], CancellationToken.None);

        var reason = Assert.Single(failures);
        Assert.Equal("m-1", reason.Key);
        Assert.StartsWith("The batch job for incoming/a.png exited with code 1: batch job local-", reason.Value, StringComparison.Ordinal);
        Assert.True(reason.Value.Contains("BATCH_MODEL_NAME is not set", StringComparison.Ordinal), reason.Value);
    }

    [Fact]
    public async Task A_component_on_AWS_Batch_compute_is_refused_with_emulators_naming_it()
    {
        var stack = new Stack(TestStacks.Project, "test");
        var batch = OnAwsBatch(stack);

        var error = await Assert.ThrowsAsync<ServeException>(() => LocalBatch.OnEmulatorsAsync(batch, _root.Path, null!, CancellationToken.None));

        Assert.Contains("bulk (ml:BatchInference) runs on AWS Batch compute", error.Message, StringComparison.Ordinal);
        Assert.Contains("without --emulators", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_component_on_a_SageMaker_asynchronous_endpoint_is_refused_naming_it_rather_than_served_as_a_lambda_pipeline()
    {
        var stack = new Stack(TestStacks.Project, "test");
        var endpoint = new GpuInferenceEndpoint(stack, "gpu", new GpuInferenceEndpointArgs
        {
            Image = new EndpointImage("123456789012.dkr.ecr.us-east-1.amazonaws.com/inference@sha256:" + new string('0', 64), "arn:aws:ecr:us-east-1:123456789012:repository/inference"),
            MinInstances = 0,
            Asynchronous = new AsyncInferenceArgs(),
        });
        var batch = new BatchInference(stack, "bulk", new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("../.build/test-function", Path.Combine(TestStacks.RepositoryRoot, ".build", "test-function")) },
            ModelName = "ppocr-cls", ModelVersion = "2.0.0",
            Notifications = new AlarmNotifications(stack, "alerts"),
            Compute = new SageMakerAsyncCompute { Endpoint = endpoint },
        });

        var folders = Assert.Throws<ServeException>(() => LocalBatch.OnFolders(batch, _root.Path));

        Assert.Contains("bulk (ml:BatchInference) runs on the SageMaker asynchronous endpoint gpu", folders.Message, StringComparison.Ordinal);
        Assert.Contains("Compute = BatchCompute.Lambda", folders.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_functions_bucket_and_table_references_are_bound_to_its_folders_instead_of_left_out()
    {
        var stack = new Stack(TestStacks.Project, "test");
        var batch = Component(stack);

        var function = Assert.Single(Read(stack, batch).Batches).Function;

        Assert.Equal(Path.Combine(_root.Path, "scans"), function.Environment["LOCAL_OBJECT_ROOT"]);
        Assert.Equal(("output", "results/", "ppocr-cls", "2.0.0"),
            (function.Environment["RESULTS_BUCKET"], function.Environment["RESULTS_PREFIX"], function.Environment["BATCH_MODEL_NAME"], function.Environment["BATCH_MODEL_VERSION"]));
        Assert.Equal(Path.Combine(_root.Path, "scans", "predictions.jsonl"), function.Environment["PREDICTIONS_LOG_FILE"]);
        Assert.DoesNotContain(function.DroppedVariables, d => d.Name == "RESULTS_BUCKET");
        var table = Assert.Single(function.DroppedVariables, d => d.Name == "PREDICTIONS_TABLE");
        Assert.Contains("exists only in AWS", table.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_binding_replaces_a_reference_and_keeps_the_setting_that_needs_it()
    {
        var stack = new Stack(TestStacks.Project, "test");
        var batch = Component(stack);
        var variables = new Dictionary<string, Input<string>> { ["PREDICTIONS_TABLE"] = batch.PredictionsLog.TableName, ["PREDICTIONS_SAMPLE_RATE"] = "0.5" };
        var environment = new LocalEnvironment(new ConfigResolver(TestStacks.Project, ConfigValues.Empty));

        var (unbound, dropped) = environment.Resolve(variables);
        var (bound, none) = environment.Resolve(variables, new Dictionary<string, string> { ["PREDICTIONS_TABLE"] = "scans-predictions", ["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:8000" });

        Assert.Empty(unbound);
        Assert.Equal(["PREDICTIONS_SAMPLE_RATE", "PREDICTIONS_TABLE"], dropped.Select(d => d.Name).Order(StringComparer.Ordinal));
        Assert.Equal(new Dictionary<string, string> { ["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:8000", ["PREDICTIONS_SAMPLE_RATE"] = "0.5", ["PREDICTIONS_TABLE"] = "scans-predictions" }, bound);
        Assert.Empty(none);
    }

    [Fact]
    public async Task Serve_runs_a_batch_components_pipeline_on_its_function_pool_and_stops_it_with_the_rest()
    {
        var stack = new Stack(TestStacks.Project, "test");
        var batch = Component(stack);
        var model = Read(stack, batch);
        var executable = Path.Combine(TestStacks.FunctionDirectory, "InferenceFunction.dll");
        model = model with { Batches = [.. model.Batches.Select(b => b with { Function = b.Function with { Executable = executable } })] };
        var local = model.Batches[0].Batch;
        var folders = (FolderBatchObjects)local.Objects;
        local = local with { Settings = local.Settings with { StableFor = TimeSpan.FromMilliseconds(300), PollInterval = TimeSpan.FromMilliseconds(100) } };
        model = model with { Batches = [model.Batches[0] with { Batch = local }] };
        RealFunctionBatch.Drop(folders, new Dictionary<string, byte[]>
        {
            ["incoming/line.png"] = TextLines.Png("Quick brown fox", upsideDown: true),
            ["incoming/broken.png"] = [0x89, 0x50, 0x4E, 0x47, 9, 9, 9],
        });
        var log = new StringWriter();

        await using (var serve = await LocalServe.StartAsync(model, new ServeSettings(0, 2, TimeSpan.FromMinutes(5), null, null), TextWriter.Synchronized(log)))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (PipelineRun.Files(folders.OutputFolder).Length + PipelineRun.Files(folders.DeadLetters.Path).Length < 3)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), log.ToString());
                await Task.Delay(100);
            }

            Assert.Equal(1, serve.Pools["scans"].InstanceCount);
        }

        Assert.Equal(["results/ppocr-cls/2.0.0/incoming/line.png.json"], PipelineRun.Files(folders.OutputFolder));
        Assert.Equal(["incoming/broken.png", "incoming/broken.png.reason.json"], PipelineRun.Files(folders.DeadLetters.Path));
        var record = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folders.OutputFolder, "results", "ppocr-cls", "2.0.0", "incoming", "line.png.json"))).RootElement;
        Assert.Equal("180", record.GetProperty("response").GetProperty("predictions")[0].GetProperty("label").GetString());
        Assert.Contains("scans: incoming/line.png -> results/ppocr-cls/2.0.0/incoming/line.png.json", log.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(folders.PredictionsLogFile).Length);
    }
}
