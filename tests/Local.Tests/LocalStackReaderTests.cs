using Infra.Components;
using Infra.Configuration;
using Infra.Core;
using Infra.Hosting;
using Infra.Local;
using Infra.Local.StackReading;
using Stacks;

namespace Local.Tests;

/// <summary>The local model comes from the same component args as the synthesized program.</summary>
public sealed class LocalStackReaderTests
{
    [Fact]
    public void The_dev_stack_serves_both_APIs_with_their_stage_clients_limits_and_functions()
    {
        var model = Load("dev");

        Assert.Equal(["embed", "large"], model.Apis.Select(a => a.Path));
        var embed = model.Apis[0];
        Assert.Equal("ml:RestInferenceApi", embed.Pattern);
        Assert.Equal("resnet18", embed.ModelName);
        Assert.Equal("/embed/dev", embed.BasePath);
        Assert.Equal(RestApiAuth.ApiKey, embed.Auth);
        var client = Assert.Single(embed.Clients);
        Assert.Equal(new LocalClient("default", new UsagePlanTier { Name = "standard", QuotaLimit = 1_000_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 50, BurstLimit = 100 }), client);
        Assert.Equal((100d, 200), (embed.StageRateLimit, embed.StageBurstLimit));
        Assert.Contains("image/jpeg", embed.BinaryMediaTypes);
        Assert.Equal((2000, 300, 4 * 1024 * 1024), (embed.Waf.RateLimitPerIp, embed.Waf.RateLimitWindowSeconds, embed.Waf.MaxBodyBytes));
        Assert.Null(embed.Waf.Allowlist);
        Assert.Equal((1769, 29, (int?)null, 0), (embed.Function.MemoryMb, embed.Function.TimeoutSeconds, embed.Function.ReservedConcurrency, embed.Function.ProvisionedConcurrency));
        Assert.EndsWith(Path.Combine(".build", "function", "ready-to-run-linux-x64", "InferenceFunction.dll"), embed.Function.Executable, StringComparison.Ordinal);

        var large = model.Apis[1];
        Assert.Equal("ml:ContainerInferenceApi", large.Pattern);
        Assert.Equal(1769, large.Function.MemoryMb);
        Assert.Equal(embed.Function.Executable, large.Function.Executable);
    }

    [Fact]
    public void Literals_pass_and_AWS_references_are_left_out_with_the_settings_that_need_them()
    {
        var embed = Load("dev").Apis[0].Function;

        Assert.Equal("resnet18", embed.Environment["MODEL_NAME"]);
        Assert.Equal(["PREDICTIONS_TABLE", "PREDICTIONS_SAMPLE_RATE"], embed.DroppedVariables.Select(d => d.Name));
        Assert.Contains("aws:dynamodb/table:Table", embed.DroppedVariables[0].Reason, StringComparison.Ordinal);
        Assert.Contains("PREDICTIONS_TABLE", embed.DroppedVariables[1].Reason, StringComparison.Ordinal);
        Assert.False(embed.Environment.ContainsKey("PREDICTIONS_SAMPLE_RATE"));
    }

    [Fact]
    public void Prod_keeps_the_provisioned_concurrency_peak_warm()
    {
        Assert.Equal(4, Load("prod").Apis[0].Function.ProvisionedConcurrency);
    }

    [Fact]
    public void Config_references_are_resolved_from_the_stack_config_secrets_included_unless_encrypted()
    {
        var config = new ConfigValues(
            new Dictionary<string, string> { ["ml-serving:token"] = "s3cret", ["ml-serving:office"] = "198.51.100.0/24" },
            new HashSet<string> { "ml-serving:sealed" });
        var stack = new Stack(TestStacks.Project, "test");
        var token = stack.ConfigReference<string>("token", "string", secret: true);
        var sealedValue = stack.ConfigReference<string>("sealed", "string", secret: true);
        var office = stack.ConfigReference<string>("office", "string", secret: true);
        _ = new RestInferenceApi(stack, "embed", new RestInferenceApiArgs
        {
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            Function = new InferenceFunctionArgs
            {
                Code = new CodeDirectory("fn", Path.Combine(TestStacks.RepositoryRoot, ".build", "missing")),
                Environment = new Dictionary<string, Input<string>> { ["TOKEN"] = token, ["SEALED"] = sealedValue, ["PLAIN"] = "yes" },
            },
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "t", QuotaLimit = 10, QuotaPeriod = QuotaPeriod.Day, RateLimit = 1, BurstLimit = 1 }], Clients = [new ApiClient("c", "t")] },
            Waf = new WafArgs { Allowlist = new IpAddressList { Ipv4 = [office] } },
        });

        var api = TestStacks.Read(stack, config).Apis.Single();

        Assert.Equal("s3cret", api.Function.Environment["TOKEN"]);
        Assert.Equal("yes", api.Function.Environment["PLAIN"]);
        var sealedVariable = Assert.Single(api.Function.DroppedVariables);
        Assert.Equal("SEALED", sealedVariable.Name);
        Assert.Contains("encrypted", sealedVariable.Reason, StringComparison.Ordinal);
        Assert.Equal("198.51.100.0/24", Assert.Single(api.Waf.Allowlist!).ToString());
    }

    [Fact]
    public void An_allowlist_entry_with_no_local_value_stops_serve_naming_the_component_and_key()
    {
        var error = Assert.Throws<ServeException>(() => TestStacks.RestApi(waf: new WafArgs
        {
            Allowlist = new IpAddressList { Ipv4 = [new Stack(TestStacks.Project, "x").ConfigReference<string>("missing", "string", secret: true)] },
        }));

        Assert.Contains("embed/waf: Allowlist.Ipv4[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("config key 'ml-serving:missing' is not set", error.Message, StringComparison.Ordinal);
    }

    private static LocalStack Load(string stackName)
    {
        var layout = ProjectLayout.Find(TestStacks.RepositoryRoot);
        var loader = new StackLoader(TeamStacks.Define, layout, _ => null, "dev");
        var (stack, _) = loader.Synthesize(stackName);
        return new LocalStackReader(new ConfigResolver(stack.ProjectName, loader.ConfigValuesOf(stackName)), new FunctionBuild(layout, TextWriter.Null).OutputDirectory).Read(stack);
    }
}
