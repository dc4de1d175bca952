using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Inference.Contracts;
using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;

namespace Components.Tests.Monitoring;

/// <summary>
/// Every alarm and dashboard widget in the programs we synthesize watches a metric that exists: an AWS metric with a
/// dimension set the service publishes (<see cref="AwsMetricCatalog"/>), or one that the contract declares
/// (<see cref="FunctionMetrics"/>, the one definition both sides use) and our function really writes in its EMF lines
/// (<see cref="EmittedFunctionMetrics"/>); and the dimension values that name our resources name ones the
/// program creates, configured so that AWS or the function publishes the metric for them.
/// </summary>
public sealed partial class AlarmMetricsExistTests : IDisposable
{
    private const string LambdaFunction = "aws:lambda/function:Function";
    private const string SageMakerEndpoint = "aws:sagemaker/endpoint:Endpoint";
    private readonly string _containerContext = Directory.CreateTempSubdirectory("alarm-metrics-context").FullName;

    public AlarmMetricsExistTests()
    {
        Directory.CreateDirectory(Path.Combine(_containerContext, "functions"));
        File.WriteAllText(Path.Combine(_containerContext, "functions", "Dockerfile"), "FROM scratch\n");
    }

    public void Dispose() => Directory.Delete(_containerContext, recursive: true);

    public static TheoryData<string> TeamStacks => new() { "dev", "prod" };

    [Theory]
    [MemberData(nameof(TeamStacks))]
    public void Every_alarm_and_widget_of_a_team_stack_watches_a_metric_that_exists(string stack)
    {
        var (code, program, errors) = TeamStackTests.Synth([], "synth", "--stack", stack, "--format", "json");
        Assert.True(code == 0, errors);

        AssertWatchedMetricsExist(JsonNode.Parse(program)!.AsObject());
    }

    [Fact]
    public void Every_alarm_and_widget_of_the_sample_stacks_watches_a_metric_that_exists()
    {
        foreach (var (name, stack) in SampleStacks())
        {
            var program = JsonNode.Parse(JsonProgramWriter.Write(ProgramSynthesizer.Synthesize(stack)))!.AsObject();
            try
            {
                AssertWatchedMetricsExist(program);
            }
            catch (Xunit.Sdk.XunitException e)
            {
                throw new Xunit.Sdk.XunitException($"sample stack '{name}': {e.Message}");
            }
        }
    }

    [Fact]
    public void The_function_emits_exactly_the_declared_units_and_dimension_sets()
    {
        var emitted = EmittedFunctionMetrics.For(FunctionMetrics.DefaultNamespace);

        Assert.All(emitted, e =>
        {
            var declared = FunctionMetrics.All.SingleOrDefault(m => m.Name == e.Name);
            Assert.True(declared is not null, $"the function emits {e}, which FunctionMetrics does not declare");
            Assert.Equal(declared.Unit, e.Unit);
            Assert.Contains(declared.DimensionSets, set => set.SequenceEqual(e.Dimensions));
        });
        // The alarmed and graphed metrics, under each of their dimension sets, were seen in a real line.
        Assert.All(
            FunctionMetrics.All.Where(m => !m.Name.StartsWith("Ensemble", StringComparison.Ordinal)).SelectMany(m => m.DimensionSets.Select(set => (m.Name, set))),
            d => Assert.Contains(emitted, e => e.Matches(FunctionMetrics.DefaultNamespace, d.Name, d.set)));
    }

    [Fact]
    public void A_renamed_function_metric_is_reported_with_the_alarm_that_watches_it()
    {
        var program = JsonNode.Parse(JsonProgramWriter.Write(ProgramSynthesizer.Synthesize(SampleStacks()["rest-split"])))!.AsObject();
        var alarm = program["resources"]!["embed-monitoring-cold-start-rate"]!["properties"]!["metricQueries"]![0]!["metric"]!;
        alarm["metricName"] = "ColdStarts";

        var error = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertWatchedMetricsExist(program));
        Assert.Contains("alarm embed-monitoring-cold-start-rate query cold: ServerlessInference ColdStarts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_metric_an_asynchronous_endpoint_does_not_publish_is_reported()
    {
        var program = JsonNode.Parse(JsonProgramWriter.Write(ProgramSynthesizer.Synthesize(SampleStacks()["gpu-async"])))!.AsObject();
        program["resources"]!["gpu-invocation-5xx-rate"]!["properties"]!["metricName"] = "InvocationModelErrors";

        var error = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertWatchedMetricsExist(program));
        Assert.Contains("alarm gpu-invocation-5xx-rate: AWS/SageMaker InvocationModelErrors", error.Message, StringComparison.Ordinal);
        Assert.Contains("is asynchronous", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sagemaker_alarm_on_another_endpoint_or_variant_is_reported()
    {
        var program = JsonNode.Parse(JsonProgramWriter.Write(ProgramSynthesizer.Synthesize(SampleStacks()["gpu"])))!.AsObject();
        program["resources"]!["gpu-gpu-utilization"]!["properties"]!["dimensions"]!["VariantName"] = "variant-1";
        program["resources"]!["gpu-model-latency"]!["properties"]!["dimensions"]!["EndpointName"] = "someone-elses";

        var error = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertWatchedMetricsExist(program));
        Assert.Contains("alarm gpu-gpu-utilization: /aws/sagemaker/Endpoints GPUUtilization [EndpointName=proj-dev-gpu, VariantName=variant-1]: the endpoint's configuration has no production variant 'variant-1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("alarm gpu-model-latency: AWS/SageMaker ModelLatency [EndpointName=someone-elses, VariantName=AllTraffic]: EndpointName is not the name of a SageMaker endpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_widget_on_provisioned_concurrency_of_a_function_without_it_is_reported()
    {
        var program = JsonNode.Parse(JsonProgramWriter.Write(ProgramSynthesizer.Synthesize(SampleStacks()["batch"])))!.AsObject();
        var widgets = program["resources"]!["batch-monitoring-dashboard"]!["properties"]!["dashboardBody"]!["fn::toJSON"]!["widgets"]!.AsArray();
        var throttles = widgets.Single(w => (string?)w!["properties"]!["title"] == "Throttles")!["properties"]!["metrics"]![0]!.AsArray();
        throttles[1] = "ProvisionedConcurrencyUtilization";

        var error = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertWatchedMetricsExist(program));
        Assert.Contains("has no provisioned concurrency", error.Message, StringComparison.Ordinal);
    }

    private static void AssertWatchedMetricsExist(JsonObject program)
    {
        var resources = new ProgramResources(program);
        var watched = WatchedMetrics.In(program);
        var emitted = resources.MetricsNamespaces().SelectMany(EmittedFunctionMetrics.For).ToList();
        var problems = new List<string>();
        foreach (var metric in watched)
        {
            if (AwsMetricCatalog.IsAwsNamespace(metric.Namespace))
            {
                var aws = AwsMetricCatalog.Find(metric.Namespace, metric.Name, metric.Dimensions.Keys);
                if (aws is null)
                {
                    problems.Add($"{metric}: AWS publishes no such metric under these dimensions");
                    continue;
                }

                problems.AddRange(resources.CheckAwsDimensions(metric, aws));
            }
            else if (!FunctionMetrics.All.Any(m => m.Name == metric.Name && m.DimensionSets.Any(set => set.ToHashSet().SetEquals(metric.Dimensions.Keys))))
            {
                problems.Add($"{metric}: the contract (FunctionMetrics) declares no function metric of that name with these dimensions");
            }
            else if (!emitted.Any(e => e.Matches(metric.Namespace, metric.Name, metric.Dimensions.Keys)))
            {
                problems.Add($"{metric}: no function of the program emits it; the function emits {string.Join("; ", emitted)}");
            }
            else
            {
                problems.AddRange(resources.CheckFunctionDimensions(metric, watched));
            }
        }

        Assert.True(watched.Count > 0 || !program.ToJsonString().Contains(WatchedMetrics.MetricAlarm, StringComparison.Ordinal), "no watched metric was read");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private Dictionary<string, Stack> SampleStacks()
    {
        var stacks = new Dictionary<string, Stack>(ApiSampleStacks.Stacks());

        var router = new Stack("proj", "dev");
        _ = new ModelRouterApi(router, "models", Routing.ModelRouterApiTests.Args());
        stacks["router"] = router;

        var container = new Stack("proj", "dev");
        _ = new ContainerInferenceApi(container, "big", new ContainerInferenceApiArgs
        {
            BuildContext = new CodeDirectory("..", _containerContext),
            ModelName = "big",
            ModelVersion = "2.0.0",
            ForceDelete = true,
            Rollout = new GradualRolloutArgs(),
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 5, BurstLimit = 10 }], Clients = [new ApiClient("acme", "standard")] },
        });
        stacks["container"] = container;

        var batch = new Stack("proj", "dev");
        _ = new BatchInference(batch, "batch", new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent"), Timeout = TimeSpan.FromSeconds(120) },
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            InputSuffix = ".png",
            Rollout = new GradualRolloutArgs(),
            Notifications = new AlarmNotifications(batch, "alerts"),
        });
        stacks["batch"] = batch;

        // A traffic split with a shadow candidate, the accuracy alarm and provisioned concurrency: every optional widget.
        var split = new Stack("proj", "dev");
        _ = new RestInferenceApi(split, "embed", new RestInferenceApiArgs
        {
            Function = new InferenceFunctionArgs
            {
                Code = new CodeDirectory("fn", "/nonexistent"),
                ModelBucket = new EncryptedBucket(split, "models"),
                ProvisionedConcurrency = new ProvisionedConcurrencyScheduleArgs(),
            },
            ModelName = "resnet18",
            ModelVersion = "1.0.0",
            PredictionLogSampleRate = 0.1,
            MinimumAccuracyPercent = 80,
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }], Clients = [new ApiClient("acme", "standard")] },
            TrafficSplit = new TrafficSplitArgs
            {
                Variants = [new ModelVariantArgs { Name = "a", Weight = 90 }, new ModelVariantArgs { Name = "b", Weight = 10, ModelVersion = "1.1.0" }, new ModelVariantArgs { Name = "next", Weight = 0, ModelVersion = "2.0.0" }],
                Shadow = new ShadowArgs("next", 25),
            },
        });
        stacks["rest-split"] = split;

        var gpu = new Stack("proj", "dev");
        _ = new GpuInferenceEndpoint(gpu, "gpu", Gpu.GpuInferenceEndpointTests.Args() with { Rollout = new GradualRolloutArgs { StepsPercent = [10, 100] } });
        stacks["gpu"] = gpu;

        var gpuAsync = new Stack("proj", "dev");
        _ = new GpuInferenceEndpoint(gpuAsync, "gpu", Gpu.GpuInferenceEndpointTests.Args() with { MinInstances = 0, Asynchronous = new AsyncInferenceArgs() });
        stacks["gpu-async"] = gpuAsync;
        return stacks;
    }

    /// <summary>The resources of a program, for checking the dimension values that name them.</summary>
    private sealed partial class ProgramResources(JsonObject program)
    {
        private readonly JsonObject _resources = program["resources"]!.AsObject();

        /// <summary>The namespaces the program's functions write their metrics to (METRICS_NAMESPACE, or the function's default).</summary>
        public IEnumerable<string> MetricsNamespaces() =>
            OfType(LambdaFunction).Select(f => (string?)f.Value!["properties"]?["environment"]?["variables"]?[FunctionEnvironment.MetricsNamespace] ?? FunctionMetrics.DefaultNamespace)
                .Append(FunctionMetrics.DefaultNamespace).Distinct();

        public IEnumerable<string> CheckAwsDimensions(WatchedMetric metric, AwsMetric aws)
        {
            var d = metric.Dimensions;
            string? function = null;
            if (d.TryGetValue("FunctionName", out var functionName))
            {
                function = Reference(functionName, "name", LambdaFunction);
                if (function is null)
                {
                    yield return $"{metric}: FunctionName is not the name of a function of the program";
                    yield break;
                }
            }

            string? alias = null;
            if (d.TryGetValue("Resource", out var qualified))
            {
                // Lambda's Resource dimension is "function-name:qualifier".
                alias = qualified is not null && qualified.StartsWith(functionName + ":", StringComparison.Ordinal)
                    ? AliasOf(function!, qualified[(functionName!.Length + 1)..]) : null;
                if (alias is null)
                {
                    yield return $"{metric}: Resource is not '<FunctionName>:<alias>' for an alias of that function";
                }
            }

            if (d.TryGetValue("ExecutedVersion", out var version)
                && (Reference(version, "version", LambdaFunction) != function || (bool?)Properties(function!)["publish"] != true))
            {
                yield return $"{metric}: ExecutedVersion is not the published version of {function}";
            }

            if (aws.NeedsProvisionedConcurrency && (alias is null || !HasProvisionedConcurrency(function!, alias)))
            {
                yield return $"{metric}: the alias has no provisioned concurrency, so Lambda publishes no {metric.Name} for it";
            }

            if (d.TryGetValue("ApiName", out var apiName))
            {
                var api = Reference(apiName, "name", "aws:apigateway/restApi:RestApi");
                if (api is null)
                {
                    yield return $"{metric}: ApiName is not the name of a REST API of the program";
                }
                else if (d.TryGetValue("Stage", out var stage) && !OfType("aws:apigateway/stage:Stage").Any(s =>
                    (string?)s.Value!["properties"]!["restApi"] == $"${{{api}.id}}" && (string?)s.Value!["properties"]!["stageName"] == stage))
                {
                    yield return $"{metric}: {api} has no stage '{stage}'";
                }
            }

            if (d.TryGetValue("QueueName", out var queue) && Reference(queue, "name", "aws:sqs/queue:Queue") is null)
            {
                yield return $"{metric}: QueueName is not the name of a queue of the program";
            }

            if (d.TryGetValue("EndpointName", out var endpointName))
            {
                // The name as written (a fixed physical name) or a reference to the endpoint's name output.
                var endpoint = Reference(endpointName, "name", SageMakerEndpoint)
                    ?? OfType(SageMakerEndpoint).Where(e => (string?)e.Value!["properties"]!["name"] == endpointName).Select(e => e.Key).FirstOrDefault();
                if (endpoint is null)
                {
                    yield return $"{metric}: EndpointName is not the name of a SageMaker endpoint of the program";
                    yield break;
                }

                var config = Reference((string?)Properties(endpoint)["endpointConfigName"], "name", "aws:sagemaker/endpointConfiguration:EndpointConfiguration");
                var configuration = config is null ? null : Properties(config);
                if (d.TryGetValue("VariantName", out var variant)
                    && configuration?["productionVariants"]?.AsArray().Any(v => (string?)v!["variantName"] == variant) != true)
                {
                    yield return $"{metric}: the endpoint's configuration has no production variant '{variant}'";
                }

                if (configuration?["asyncInferenceConfig"] is not null && AwsMetricCatalog.NotPublishedByAsynchronousEndpoints.Contains(metric.Name))
                {
                    yield return $"{metric}: {endpoint} is asynchronous, and SageMaker publishes no {metric.Name} for it";
                }
            }
        }

        /// <summary>
        /// The Model, ModelVersion and Variant values of an EMF metric against the function its component watches (the
        /// FunctionName of the component's Lambda metrics): the models it serves (MODEL_NAME or BATCH_MODEL_NAME), the
        /// version it loads (the registry pin, the batch version, a variant's version, or the bundled model.json), and
        /// the variants of its TRAFFIC_SPLIT. A function whose model is decided elsewhere (a container image) is not checked.
        /// </summary>
        public IEnumerable<string> CheckFunctionDimensions(WatchedMetric metric, IReadOnlyList<WatchedMetric> watched)
        {
            var functions = watched.Where(w => w.Group == metric.Group && w.Dimensions.TryGetValue("FunctionName", out _))
                .Select(w => Reference(w.Dimensions["FunctionName"], "name", LambdaFunction)).Distinct().ToList();
            if (functions is not [{ } function])
            {
                yield break; // no single function to compare with
            }

            var variables = Properties(function)["environment"]?["variables"]?.AsObject();
            var models = ((string?)variables?[FunctionEnvironment.ModelName] ?? (string?)variables?[FunctionEnvironment.BatchModelName])?.Split(',');
            if (models is null)
            {
                yield break;
            }

            var model = metric.Dimensions.GetValueOrDefault(FunctionMetrics.Model);
            if (model is null || !models.Contains(model))
            {
                yield return $"{metric}: {function} serves [{string.Join(", ", models)}], not Model={model}";
                yield break;
            }

            var split = (string?)variables?[FunctionEnvironment.TrafficSplit] is { } json ? JsonNode.Parse(json)!["variants"]!.AsArray() : null;
            if (metric.Dimensions.TryGetValue(FunctionMetrics.Variant, out var variant)
                && (split is null || (variant is not null && !split.Any(v => (string?)v!["name"] == variant))))
            {
                yield return $"{metric}: {function} has no traffic-split variant '{variant}'";
            }

            if (metric.Dimensions.TryGetValue(FunctionMetrics.ModelVersion, out var watchedVersion))
            {
                var pinned = (string?)variables?[FunctionEnvironment.ModelVersion] ?? (string?)variables?[FunctionEnvironment.BatchModelVersion] ?? BundledVersion(model);
                var versions = (split?.Select(v => (string?)v!["modelVersion"] ?? pinned) ?? [pinned]).OfType<string>().ToList();
                if (versions.Count > 0 && watchedVersion is not null && !versions.Contains(watchedVersion))
                {
                    yield return $"{metric}: {function} loads {model} [{string.Join(", ", versions)}], not ModelVersion={watchedVersion}";
                }
            }
        }

        private static string? BundledVersion(string model)
        {
            var path = Path.Combine(TeamStackTests.RepositoryRoot(), "functions", "Inference", "models", model, "model.json");
            return File.Exists(path) ? ModelConfigLoader.Load(path, sideFilesPresent: false).Version : null;
        }

        private IEnumerable<KeyValuePair<string, JsonNode?>> OfType(string type) => _resources.Where(r => (string?)r.Value!["type"] == type);

        private JsonObject Properties(string resource) => _resources[resource]!["properties"]!.AsObject();

        /// <summary>The resource that <paramref name="value"/> refers to as <c>${resource.property}</c>, when it is of the type.</summary>
        private string? Reference(string? value, string property, string type) =>
            value is not null && ReferencePattern().Match(value) is { Success: true } m && m.Groups["property"].Value == property
            && _resources[m.Groups["resource"].Value] is { } resource && (string?)resource["type"] == type ? m.Groups["resource"].Value : null;

        private string? AliasOf(string function, string aliasName) => OfType("aws:lambda/alias:Alias")
            .Where(a => (string?)a.Value!["properties"]!["functionName"] == $"${{{function}.name}}" && (string?)a.Value!["properties"]!["name"] == aliasName)
            .Select(a => a.Key).FirstOrDefault();

        // Provisioned concurrency on an alias: an Application Auto Scaling target for it, or a ProvisionedConcurrencyConfig.
        private bool HasProvisionedConcurrency(string function, string alias) =>
            OfType("aws:appautoscaling/target:Target").Any(t =>
                (string?)t.Value!["properties"]!["scalableDimension"] == "lambda:function:ProvisionedConcurrency"
                && (string?)t.Value!["properties"]!["resourceId"] == $"function:${{{function}.name}}:${{{alias}.name}}")
            || OfType("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig").Any(c =>
                (string?)c.Value!["properties"]!["functionName"] == $"${{{function}.name}}"
                && (string?)c.Value!["properties"]!["qualifier"] is { } q && (q == $"${{{alias}.name}}" || q == (string?)Properties(alias)["name"]));

        [GeneratedRegex(@"^\$\{(?<resource>[^.}\[]+)\.(?<property>[A-Za-z]+)\}$")]
        private static partial Regex ReferencePattern();
    }
}
