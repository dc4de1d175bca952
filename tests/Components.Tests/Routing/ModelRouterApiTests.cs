using System.Text.Json;
using Infra.Components;
using Infra.Core;
using Infra.Policy;
using Infra.Core.Synthesis;
using Infra.Testing;
using SchemaCheck.Checking;

namespace Components.Tests.Routing;

/// <summary>The router: its functions, their memory, its routes and their targets, the shared function's variables, and its checks.</summary>
public sealed class ModelRouterApiTests
{
    private static readonly CodeDirectory Code = new("../.build/function", "/nonexistent");

    /// <summary>ResNet18 (64 MB) and PP-OCR cls (0.6 MB) with a second small classifier, an ensemble of the small ones, and rules.</summary>
    internal static ModelRouterApiArgs Args() => new()
    {
        Models =
        [
            new RoutedModel { Name = "resnet18", Version = "0.23.1", Size = DataSize.FromMebibytes(60.7) },
            new RoutedModel { Name = "ppocr-cls", Version = "2.0.0", Size = DataSize.FromMebibytes(0.55) },
            new RoutedModel { Name = "text-dir", Version = "1.0.0", Size = DataSize.FromMebibytes(0.55) },
        ],
        Ensembles = [new EnsembleArgs { Name = "direction", Members = [new("ppocr-cls", 2), new("text-dir", 1) { Timeout = TimeSpan.FromMilliseconds(300) }] }],
        Rules = [RequestRule.Header("x-task", "direction", "direction"), RequestRule.ContentType("image/*", "ppocr-cls")],
        DefaultTarget = "ppocr-cls",
        Function = new InferenceFunctionArgs { Code = Code },
        Api = new RestApiSettings
        {
            Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }],
            Clients = [new ApiClient("acme", "standard")],
        },
    };

    private static (StackTemplate Program, ModelRouterApi Router) SynthRouter(ModelRouterApiArgs args)
    {
        var stack = new Stack("proj", "dev");
        var router = new ModelRouterApi(stack, "models", args);
        return (StackTemplate.FromStack(stack), router);
    }

    [Fact]
    public void A_large_model_gets_a_dedicated_function_with_a_full_vcpu_and_the_small_ones_share_a_small_function()
    {
        var (template, router) = SynthRouter(Args());

        Assert.Equal(["resnet18", "shared"], router.Functions.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1769L, Convert.ToInt64(template.Property("models-resnet18-function-function", "memorySize")));
        Assert.Equal("resnet18", template.Property("models-resnet18-function-function", "environment", "variables", "MODEL_NAME"));
        // (92 MB + 2 × 0.55 MB × 4.2) × 1.5 = 145 MB, rounded up to 192.
        Assert.Equal(192L, Convert.ToInt64(template.Property("models-shared-function-function", "memorySize")));
        Assert.Equal("ppocr-cls,text-dir", template.Property("models-shared-function-function", "environment", "variables", "MODEL_NAME"));
    }

    [Fact]
    public void Each_models_routes_invoke_its_own_functions_live_alias_and_the_rules_and_ensembles_the_shared_one()
    {
        var (template, router) = SynthRouter(Args());

        Assert.Equal("${models-resnet18-function-alias.invokeArn}", template.Property("models-api-resnet18-predict-integration", "uri"));
        Assert.Equal("${models-resnet18-function-alias.functionName}", template.Property("models-api-resnet18-predict-permission", "function"));
        Assert.EndsWith("/POST/v2/models/resnet18/predict", (string)template.Property("models-api-resnet18-predict-permission", "sourceArn")!, StringComparison.Ordinal);
        Assert.Equal("${models-shared-function-alias.invokeArn}", template.Property("models-api-ppocr-cls-infer-integration", "uri"));
        Assert.Equal("${models-shared-function-alias.invokeArn}", template.Property("models-api-direction-predict-integration", "uri"));
        Assert.Equal("${models-shared-function-alias.invokeArn}", template.Property("models-api-auto-infer-integration", "uri"));
        Assert.Equal("${models-shared-function-alias.invokeArn}", template.Property("models-api-health-ready-integration", "uri"));
        Assert.Equal("resnet18", template.Property("models-api-path-v2-models-resnet18", "pathPart"));
        Assert.Same(router.Functions["resnet18"], router.RouteFunctions["resnet18-infer"]);
        Assert.Same(router.SharedFunction, router.FunctionOf("direction"));
        Assert.Same(router.SharedFunction, router.FunctionOf("auto"));
    }

    [Fact]
    public void The_shared_function_gets_the_ensembles_and_rules_in_the_functions_own_format()
    {
        var (template, _) = SynthRouter(Args());

        var ensembles = JsonDocument.Parse((string)template.Property("models-shared-function-function", "environment", "variables", "ENSEMBLES")!).RootElement;
        Assert.Equal("""[{"name":"direction","combine":"vote","members":[{"model":"ppocr-cls","weight":2,"timeoutMs":5000},{"model":"text-dir","weight":1,"timeoutMs":300}]}]""",
            ensembles.GetRawText());
        var router = (string)template.Property("models-shared-function-function", "environment", "variables", "ROUTER")!;
        Assert.Equal("""{"name":"auto","rules":[{"header":"x-task","equals":"direction","model":"direction"},{"contentType":"image/*","model":"ppocr-cls"}],"default":"ppocr-cls"}""", router);
        Assert.False(template.Has("resources", "models-resnet18-function-function", "properties", "environment", "variables", "ROUTER"));
    }

    [Fact]
    public void Every_function_has_its_alarms_and_the_api_has_waf_and_keys_so_the_policy_pack_is_quiet()
    {
        var stack = new Stack("proj", "dev");
        _ = new ModelRouterApi(stack, "models", Args());

        var report = PolicyPack.Default.Evaluate(stack);

        Assert.True(report.Findings.Count == 0, string.Join(Environment.NewLine, report.Findings.Select(f => f.Describe())));
        var template = StackTemplate.FromStack(stack);
        Assert.Equal("${models-resnet18-function-function.name}:live", template.Property("models-resnet18-monitoring-error-rate", "metricQueries", 0, "metric", "dimensions", "Resource"));
        Assert.Equal("${models-shared-function-function.name}:live", template.Property("models-shared-monitoring-error-rate", "metricQueries", 0, "metric", "dimensions", "Resource"));
        Assert.True(template.Has("resources", "models-resnet18-monitoring-api-5xx-rate"));
        Assert.False(template.Has("resources", "models-shared-monitoring-api-5xx-rate"));
    }

    [Fact]
    public void The_synthesized_router_passes_the_provider_schema_check()
    {
        var stack = new Stack("ml-serving", "schema");
        _ = new ModelRouterApi(stack, "models", Args() with
        {
            Models = [.. Args().Models, new RoutedModel { Name = "tabular", Version = "1.0.0", Size = DataSize.FromMebibytes(0.01), Placement = ModelPlacement.Dedicated, Memory = DataSize.FromMebibytes(512), Images = false }],
        });

        var report = new SchemaChecker().Check([new ProgramSource("router.yaml", YamlProgramWriter.Write(ProgramSynthesizer.Synthesize(stack)))]);

        Assert.True(report.Passed, string.Join(Environment.NewLine, report.Programs.SelectMany(p => p.Findings).Select(f => $"{f.Entity?.Name} {f.Path}: {f.Code} {f.Message}")));
    }

    [Fact]
    public void Placement_and_memory_can_be_set_and_a_model_without_images_gets_no_predict_route()
    {
        var (template, router) = SynthRouter(Args() with
        {
            Models =
            [
                new RoutedModel { Name = "resnet18", Version = "0.23.1", Size = DataSize.FromMebibytes(60.7), Placement = ModelPlacement.Dedicated, Memory = DataSize.FromMebibytes(3008) },
                new RoutedModel { Name = "ppocr-cls", Version = "2.0.0", Size = DataSize.FromMebibytes(0.55) },
                new RoutedModel { Name = "text-dir", Version = "1.0.0", Size = DataSize.FromMebibytes(0.55) },
                new RoutedModel { Name = "tabular", Version = "1.0.0", Size = DataSize.FromMebibytes(0.01), Placement = ModelPlacement.Dedicated, Images = false },
            ],
            SharedMemory = DataSize.FromMebibytes(512),
        });

        Assert.Equal(3008L, Convert.ToInt64(template.Property("models-resnet18-function-function", "memorySize")));
        Assert.Equal(512L, Convert.ToInt64(template.Property("models-shared-function-function", "memorySize")));
        Assert.Equal(192L, Convert.ToInt64(template.Property("models-tabular-function-function", "memorySize")));
        Assert.True(router.RouteFunctions.ContainsKey("tabular-infer"));
        Assert.False(router.RouteFunctions.ContainsKey("tabular-predict"));
    }

    [Theory]
    [InlineData(0.6, 192)]
    [InlineData(20, 1769)]
    [InlineData(64, 1769)]
    [InlineData(800, 5184)]
    public void The_memory_rule_fits_the_measured_need_and_gives_compute_bound_models_a_full_vcpu(double sizeMb, int expectedMb)
    {
        Assert.Equal(expectedMb, ModelMemorySizing.For([sizeMb]));
    }

    [Fact]
    public void Bad_args_name_the_component_the_key_the_value_and_what_is_allowed_and_nothing_is_emitted()
    {
        var args = Args() with
        {
            Models =
            [
                new RoutedModel { Name = "resnet18", Version = "0.23.1", Size = DataSize.FromMebibytes(60.7), Placement = ModelPlacement.Dedicated },
                new RoutedModel { Name = "ppocr-cls", Version = "2.0.0", Size = DataSize.FromMebibytes(0), Memory = DataSize.FromMebibytes(512) },
                new RoutedModel { Name = "text-dir", Version = "1.0.0", Size = DataSize.FromMebibytes(0.55) },
            ],
            Ensembles = [new EnsembleArgs { Name = "direction", Members = [new("ppocr-cls", 0), new("resnet18"), new("gone")] }],
            Rules = [RequestRule.ContentType("image", "ppocr-cls"), RequestRule.Header("x-task", "", "resnet18")],
            DefaultTarget = "nowhere",
            Function = new InferenceFunctionArgs { Code = Code, Memory = DataSize.FromMebibytes(1024) },
        };

        var error = Assert.Throws<SynthesisException>(() => new ModelRouterApi(new Stack("proj", "dev"), "models", args));

        Assert.Contains("component 'models': Models[1].Size = 0 bytes is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("Models[1].Memory = 512 MiB is invalid: expected null unless Placement is Dedicated", error.Message, StringComparison.Ordinal);
        Assert.Contains("Models[0].Placement = Dedicated is invalid: expected Shared or Auto: 'resnet18' is an ensemble member or a rule's target", error.Message, StringComparison.Ordinal);
        Assert.Contains("Ensembles[0].Members[0].Weight = 0 is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("Ensembles[0].Members[1].Model = 'resnet18' is invalid: expected a shared model", error.Message, StringComparison.Ordinal);
        Assert.Contains("Ensembles[0].Members[2].Model = 'gone' is invalid: expected one of Models", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rules[0].Key = 'image' is invalid: expected a media type", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rules[1].Target = 'resnet18' is invalid: expected a shared model or an ensemble: direction, ppocr-cls, text-dir", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rules[1].Value = '' is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultTarget = 'nowhere' is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("Function.Memory = 1024 MiB is invalid: expected unset", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_router_name_that_a_model_has_and_variables_over_lambdas_limit_are_refused()
    {
        var clash = Assert.Throws<SynthesisException>(() => new ModelRouterApi(new Stack("proj", "dev"), "models", Args() with { RouterName = "ppocr-cls" }));
        Assert.Contains("RouterName = 'ppocr-cls' is invalid: expected a name no model and no ensemble has", clash.Message, StringComparison.Ordinal);

        var many = Enumerable.Range(0, 60).Select(i => RequestRule.Header("x-customer-segment", $"segment-number-{i}", "ppocr-cls")).ToArray();
        var large = Assert.Throws<SynthesisException>(() => new ModelRouterApi(new Stack("proj", "dev"), "models", Args() with { Rules = many }));
        Assert.Contains("bytes of ENSEMBLES, ROUTER and MODEL_NAME", large.Message, StringComparison.Ordinal);
        Assert.Contains("Lambda allows 4 KB of variables per function", large.Message, StringComparison.Ordinal);
    }
}

/// <summary>preview's cost estimate reads the router like any API: each function is an API function billed at its own memory.</summary>
public sealed class ModelRouterPreviewTests
{
    [Fact]
    public void Each_router_function_is_costed_as_an_api_function_at_its_derived_memory()
    {
        var stack = new Stack("proj", "dev");
        _ = new ModelRouterApi(stack, "models", ModelRouterApiTests.Args());

        var estimate = new Infra.Preview.CostEstimator(new Infra.Core.Synthesis.ProgramGraph(stack), new Infra.Preview.TrafficProfile(), Infra.Preview.Measurements.None).Estimate();

        var loads = estimate.Functions.ToDictionary(f => f.Component);
        Assert.Equal(["models/resnet18-function", "models/shared-function"], loads.Keys.Order(StringComparer.Ordinal));
        Assert.All(loads.Values, load => Assert.Equal(Infra.Preview.FunctionKind.Api, load.Kind));
        Assert.Equal(1769, loads["models/resnet18-function"].MemoryMb);
        Assert.Equal(192, loads["models/shared-function"].MemoryMb);
        // The day's 10,000 predictions are shared by the two API functions, each billed at its own memory.
        Assert.Equal(loads["models/resnet18-function"].Predictions, loads["models/shared-function"].Predictions);
        var duration = estimate.Lines.Where(l => l.Service == "Lambda" && l.Item == "duration").ToDictionary(l => l.Component, l => (double)l.Monthly);
        Assert.Equal(1769 / 192.0, duration["models/resnet18-function"] / duration["models/shared-function"], 2);
    }
}
