using Infra.Hosting;
using Infra.Local;
using Infra.Local.Tuning;
using Stacks;
using TestModels;

namespace Local.Tests;

/// <summary>The tune verb: its options, the latency and cost curve, the recommendation, and writing it into stack config.</summary>
public sealed class TuneTests
{
    [Theory]
    [InlineData(new[] { "--memory", "64" }, "--memory has '64'; allowed: a comma-separated list of memory sizes in MB, each 128 to 10240")]
    [InlineData(new[] { "--memory", "1024,abc" }, "--memory has 'abc'")]
    [InlineData(new[] { "--memory", "1024,1024" }, "--memory has 1024 twice")]
    [InlineData(new[] { "--target-p95", "0" }, "--target-p95 is '0'; allowed: a latency in milliseconds greater than 0")]
    [InlineData(new[] { "--requests", "2" }, "--requests is '2'; allowed: a whole number from 5 to 100000")]
    [InlineData(new[] { "--config-key", "memoryMb" }, "--config-key only says where --write puts the recommendation")]
    [InlineData(new[] { "--write", "--config-key", "ml-serving:memoryMb" }, "--config-key is 'ml-serving:memoryMb'; allowed: a config key of letters")]
    [InlineData(new[] { "--write", "yes" }, "--write takes no value, but got 'yes'")]
    [InlineData(new[] { "--input", "/no/such/photo.jpg" }, "--input '/no/such/photo.jpg' does not exist")]
    [InlineData(new[] { "--env", "ORT_ALLOW_SPINNING" }, "--env has 'ORT_ALLOW_SPINNING'; allowed: a comma-separated list of NAME=VALUE")]
    [InlineData(new[] { "--env", "A=1,A=2" }, "--env has 'A=2'; allowed:")]
    [InlineData(new[] { "--env", "1X=2" }, "--env has '1X=2'; allowed:")]
    public void A_bad_option_is_an_error_naming_the_option_the_value_and_what_is_allowed(string[] arguments, string message)
    {
        var error = new StringWriter();
        var output = new StringWriter();

        var exitCode = Deployment.Run(["tune", .. arguments], TeamStacks.Define, new DeploymentOptions
        {
            Commands = [new TuneCommand()],
            Out = output,
            Error = error,
            ProjectDirectory = TestStacks.RepositoryRoot,
        });

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.StartsWith($"error: tune: {message}", error.ToString().Trim(), StringComparison.Ordinal);
        Assert.Empty(output.ToString()); // refused before anything was built or measured
    }

    [Fact]
    public void Env_sets_function_variables_for_the_measurement_and_keeps_values_with_equals_signs()
    {
        var options = TuneOptions.Parse(CommandLine.Parse(["tune", "--env", "ORT_ALLOW_SPINNING=true, MODEL_LOG_FORMAT=a=b"], "synth"));

        Assert.Equal(new Dictionary<string, string> { ["ORT_ALLOW_SPINNING"] = "true", ["MODEL_LOG_FORMAT"] = "a=b" }, options.Environment);
        Assert.Empty(TuneOptions.Parse(CommandLine.Parse(["tune"], "synth")).Environment);
    }

    [Fact]
    public void Lambda_sizes_give_a_vcpu_per_1769_MB_up_to_six_and_pin_at_most_the_machines_cores()
    {
        Assert.Equal(1024.0 / 1769, new LambdaSize(1024).Vcpus, 6);
        Assert.Equal(1, new LambdaSize(1769).Threads);
        Assert.Equal(2, new LambdaSize(1770).Threads);
        Assert.Equal(6, new LambdaSize(10240).Threads);
        Assert.Equal(2, new LambdaSize(10240).PinnedCpus(machineCores: 2));
        Assert.True(new LambdaSize(5307).IsCapped(machineCores: 2));
        Assert.False(new LambdaSize(3538).IsCapped(machineCores: 2));
    }

    [Fact]
    public void The_curve_stretches_latency_to_the_cpu_share_marks_capped_sizes_and_its_price_never_falls_with_memory()
    {
        // ResNet18-like: 40 ms at one CPU (38 ms of CPU), 26 ms at two (48 ms of CPU: the second thread is not free).
        var measurements = new Dictionary<int, SizeMeasurement>
        {
            [1] = new(1, [.. Enumerable.Repeat(40.0, 19), 60.0], 38, "0"),
            [2] = new(2, [.. Enumerable.Repeat(26.0, 19), 40.0], 48, "0-1"),
        };

        var rows = PowerCurve.Build(LambdaSize.DefaultSizes.Select(mb => new LambdaSize(mb)), measurements, machineCores: 2);

        Assert.Equal(LambdaSize.DefaultSizes, rows.Select(r => r.Size.MemoryMb));
        var half = rows.Single(r => r.Size.MemoryMb == 1024);
        Assert.Equal(LatencyBasis.CpuShareScaled, half.Basis);
        Assert.Equal(40 * (38 / (1024.0 / 1769) / 41), half.P50Ms, 6); // 41 ms is the 1-CPU mean
        Assert.Equal(LatencyBasis.Measured, rows.Single(r => r.Size.MemoryMb == 1769).Basis);
        Assert.Equal(40, rows.Single(r => r.Size.MemoryMb == 1769).P50Ms);
        Assert.Equal(LatencyBasis.Measured, rows.Single(r => r.Size.MemoryMb == 3538).Basis);
        Assert.All(rows.Where(r => r.Size.MemoryMb > 3538), r => Assert.Equal(LatencyBasis.CappedByMachine, r.Basis));
        Assert.All(rows, r => Assert.True(r.P50Ms <= r.P95Ms));
        Assert.All(rows, r => Assert.True(r.CostPerMillionArm64 < r.CostPerMillionX86));
        for (var i = 1; i < rows.Count; i++)
        {
            Assert.True(rows[i].CostPerMillionX86 >= rows[i - 1].CostPerMillionX86,
                $"{rows[i].Size.MemoryMb} MB costs {rows[i].CostPerMillionX86} per 1M, less than {rows[i - 1].Size.MemoryMb} MB's {rows[i - 1].CostPerMillionX86}");
        }
    }

    [Fact]
    public void Sizes_below_the_functions_peak_memory_are_marked_too_small_and_never_recommended()
    {
        var measurements = new Dictionary<int, SizeMeasurement>
        {
            [1] = new(1, [40, 40, 40, 40, 42], 40, "0", PeakRssMb: 600),
            [2] = new(2, [26, 26, 26, 26, 30], 50, "0-1", PeakRssMb: 650),
        };

        var rows = PowerCurve.Build(new[] { 512, 1024, 1769 }.Select(mb => new LambdaSize(mb)), measurements, machineCores: 2);

        Assert.Equal(LatencyBasis.TooSmall, rows[0].Basis);
        Assert.NotEqual(LatencyBasis.TooSmall, rows[1].Basis);
        Assert.Equal(1769, PowerCurve.Recommend(rows, targetP95Ms: null)!.Size.MemoryMb);
    }

    [Fact]
    public void Cost_per_million_is_the_request_price_plus_the_billed_gb_seconds()
    {
        // 1,024 MB for 99.5 ms (+0.5 ms of rounding) = 0.1 GB-s: $0.20 + 100,000 GB-s × $0.0000166667.
        Assert.Equal(0.20m + 100_000m * 0.0000166667m, PowerCurve.CostPerMillion(1024, 99.5, "x86_64"));
        Assert.Equal(0.20m + 100_000m * 0.0000133334m, PowerCurve.CostPerMillion(1024, 99.5, "arm64"));
    }

    [Fact]
    public void The_recommendation_is_the_cheapest_size_meeting_the_target_and_the_fastest_of_equal_costs()
    {
        var measurements = new Dictionary<int, SizeMeasurement>
        {
            [1] = new(1, [40, 40, 40, 40, 42], 40, "0"),
            [2] = new(2, [26, 26, 26, 26, 30], 50, "0-1"),
        };
        var rows = PowerCurve.Build(new[] { 512, 1024, 1769, 3538 }.Select(mb => new LambdaSize(mb)), measurements, machineCores: 2);

        // Below one vCPU the cost is flat (CPU-bound): 1,769 MB costs the same and answers fastest.
        Assert.Equal(1769, PowerCurve.Recommend(rows, targetP95Ms: null)!.Size.MemoryMb);
        Assert.Equal(3538, PowerCurve.Recommend(rows, targetP95Ms: 35)!.Size.MemoryMb);
        Assert.Null(PowerCurve.Recommend(rows, targetP95Ms: 10));
    }

    [Fact]
    public void Writing_the_recommendation_changes_only_its_line_of_the_stack_file()
    {
        using var folder = new TempFolder("tune-config-");
        var file = Path.Combine(folder.Path, "Pulumi.dev.yaml");
        File.WriteAllText(file, "# the dev stack\nconfig:\n  aws:region: eu-west-1\n  ml-serving:memoryMb: \"2048\" # was a guess\n  ml-serving:alarmEmail:\n    secure: AAABAKx\n\n# end\n");

        StackConfigFile.Set(file, "ml-serving:memoryMb", "1769");
        StackConfigFile.Set(file, "ml-serving:containerMemoryMb", "3538");

        Assert.Equal(
            "# the dev stack\nconfig:\n  aws:region: eu-west-1\n  ml-serving:memoryMb: \"1769\"\n  ml-serving:alarmEmail:\n    secure: AAABAKx\n  ml-serving:containerMemoryMb: \"3538\"\n\n# end\n",
            File.ReadAllText(file));
        var error = Assert.Throws<ServeException>(() => StackConfigFile.Set(file, "ml-serving:alarmEmail", "1"));
        Assert.Contains("ml-serving:alarmEmail is a secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_to_a_stack_file_without_config_adds_the_map_and_a_missing_file_is_an_error()
    {
        using var folder = new TempFolder("tune-config-");
        var file = Path.Combine(folder.Path, "Pulumi.test.yaml");
        File.WriteAllText(file, "encryptionsalt: v1:abc\n");

        StackConfigFile.Set(file, "ml-serving:memoryMb", "3538");

        Assert.Equal("encryptionsalt: v1:abc\nconfig:\n  ml-serving:memoryMb: \"3538\"\n", File.ReadAllText(file));
        var missing = Path.Combine(folder.Path, "Pulumi.none.yaml");
        var error = Assert.Throws<ServeException>(() => StackConfigFile.Set(missing, "ml-serving:memoryMb", "1"));
        Assert.Contains("Pulumi.none.yaml does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_real_function_is_measured_pinned_to_one_and_two_cpus_and_sizes_sharing_a_measurement_price_in_memory_order()
    {
        var model = Inference.Contracts.ModelConfigLoader.Load(Path.Combine(TestStacks.TinyModelDirectory, "model.json"));
        var environment = new Dictionary<string, string>
        {
            ["MODEL_DIR"] = TestStacks.TinyModelDirectory,
            ["MODEL_NAME"] = model.Name,
            ["PREDICTION_CACHE_MAX_ENTRIES"] = "0",
        };
        var log = new StringWriter();
        var runner = new TuneRunner(Path.Combine(TestStacks.FunctionDirectory, "InferenceFunction.dll"), environment, TunePayload.For(TestStacks.RestApi().Apis[0], model, TextLines.Png("tune 1769", upsideDown: false), "image/png"), log);
        var cores = Math.Min(Environment.ProcessorCount, 2);

        var measurements = new Dictionary<int, SizeMeasurement>();
        for (var cpus = 1; cpus <= cores; cpus++)
        {
            measurements[cpus] = await runner.MeasureAsync(cpus, cpus * 1769, warmup: 2, requests: 20, CancellationToken.None);
        }

        Assert.Equal("0", measurements[1].AllowedCpus);
        Assert.InRange(measurements[1].PeakRssMb, 30, 2048);
        Assert.Equal(20, measurements[1].LatenciesMs.Count);
        var rows = PowerCurve.Build(LambdaSize.DefaultSizes.Select(mb => new LambdaSize(mb)), measurements, cores);
        Assert.Equal(LambdaSize.DefaultSizes.Count, rows.Count);
        Assert.All(rows, r => Assert.True(r.P50Ms > 0 && r.P50Ms <= r.P95Ms));
        // Sizes that share one measurement must price in memory order; between the 1-CPU and the 2-CPU measurement the
        // real timings of a 1 ms model differ by noise alone (both ways: a CI run saw the 2-CPU size 5 % cheaper), so only
        // the synthetic-data test checks the whole curve's strict monotonicity.
        foreach (var group in rows.GroupBy(r => r.MeasuredCpus))
        {
            var sizes = group.ToArray();
            for (var i = 1; i < sizes.Length; i++)
            {
                Assert.True(sizes[i].CostPerMillionX86 >= sizes[i - 1].CostPerMillionX86 * (1 - PowerCurve.EqualCostTolerance),
                    $"{sizes[i].Size.MemoryMb} MB: {sizes[i].CostPerMillionX86} < {sizes[i - 1].CostPerMillionX86}\n{log}");
            }
        }

        var report = new StringWriter();
        new TuneReport(report).Write(rows, cores, null, PowerCurve.Recommend(rows, null), "1.0");
        Assert.Contains("arm64 latency is an estimate", report.ToString(), StringComparison.Ordinal);
        Assert.Contains("recommended: ", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_without_preprocessing_gets_an_infer_request_with_each_declared_input_through_the_apis_route()
    {
        using var folder = new TempFolder("tune-model-");
        var json = File.ReadAllText(Path.Combine(TestStacks.TinyModelDirectory, "model.json"));
        var withoutImages = System.Text.RegularExpressions.Regex.Replace(json, @"""preprocessing"": \{[^}]*\{[^}]*\}[^}]*\},", string.Empty);
        File.WriteAllText(Path.Combine(folder.Path, "model.json"), withoutImages);
        File.Copy(Path.Combine(TestStacks.TinyModelDirectory, "ch_ppocr_mobile_v2.0_cls_infer.onnx"), Path.Combine(folder.Path, "ch_ppocr_mobile_v2.0_cls_infer.onnx"));
        var model = Inference.Contracts.ModelConfigLoader.Load(Path.Combine(folder.Path, "model.json"));
        Assert.Null(model.Config.Preprocessing);

        using var payload = System.Text.Json.JsonDocument.Parse(TunePayload.For(TestStacks.RestApi().Apis[0], model, null, null));

        // The REST proxy event of the API's route, as serve's gateway builds it.
        Assert.Equal("/v2/models/ppocr-cls/infer", payload.RootElement.GetProperty("path").GetString());
        Assert.Equal("POST", payload.RootElement.GetProperty("httpMethod").GetString());
        using var body = System.Text.Json.JsonDocument.Parse(payload.RootElement.GetProperty("body").GetString()!);
        var input = body.RootElement.GetProperty("inputs")[0];
        Assert.Equal("x", input.GetProperty("name").GetString());
        Assert.Equal("[1,3,48,192]", input.GetProperty("shape").GetRawText());
        Assert.Equal(3 * 48 * 192, input.GetProperty("data").GetArrayLength());
    }
}
