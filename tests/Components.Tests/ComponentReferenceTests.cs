using System.Text.RegularExpressions;
using Infra.Components;
using Infra.Core;

namespace Components.Tests;

/// <summary>The README's component reference states how many resources each component creates with its defaults; this keeps it true.</summary>
public partial class ComponentReferenceTests
{
    private static readonly CodeDirectory Code = new("fn", "/nonexistent");

    private static readonly Dictionary<string, Func<Stack, object>> Defaults = new()
    {
        ["EncryptedBucket"] = s => new EncryptedBucket(s, "c"),
        ["InferenceFunction"] = s => new InferenceFunction(s, "c", new InferenceFunctionArgs { Code = Code }),
        ["ProvisionedConcurrencySchedule"] = s => new ProvisionedConcurrencySchedule(s, "c", new ProvisionedConcurrencyTargetArgs { FunctionName = "fn", AliasName = "live", Schedule = new ProvisionedConcurrencyScheduleArgs() }),
        ["AlarmNotifications"] = s => new AlarmNotifications(s, "c"),
        ["InferenceMonitoring"] = s => new InferenceMonitoring(s, "c", new InferenceMonitoringArgs
        {
            Function = new InferenceFunction(s, "f", new InferenceFunctionArgs { Code = Code }),
            Notifications = new AlarmNotifications(s, "n"),
            ModelName = "m",
            ModelVersion = "1",
        }),
        ["CostGuards"] = s => new CostGuards(s, "c", new CostGuardsArgs { Notifications = new AlarmNotifications(s, "n"), MonthlyBudgetUsd = 50, AnomalyDetection = true }),
        ["Waf"] = s => new Waf(s, "c"),
        ["RestApiEndpoint"] = s => new RestApiEndpoint(s, "c", new RestApiEndpointArgs
        {
            Target = LambdaAliasTarget.Of(new InferenceFunction(s, "f", new InferenceFunctionArgs { Code = Code }).Alias),
            Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }],
            Clients = [new ApiClient("acme", "standard")],
        }),
        ["RestInferenceApi"] = s => new RestInferenceApi(s, "c", new RestInferenceApiArgs
        {
            Function = new InferenceFunctionArgs { Code = Code },
            ModelName = "m",
            ModelVersion = "1",
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }], Clients = [new ApiClient("acme", "standard")] },
        }),
        ["ContainerInferenceApi"] = s => new ContainerInferenceApi(s, "c", new ContainerInferenceApiArgs
        {
            BuildContext = new CodeDirectory("..", "/nonexistent"),
            ModelName = "m",
            ModelVersion = "1",
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }], Clients = [new ApiClient("acme", "standard")] },
        }),
        ["ModelRouterApi"] = s => new ModelRouterApi(s, "c", new ModelRouterApiArgs
        {
            Models = [new RoutedModel { Name = "m", Version = "1", Size = DataSize.FromMebibytes(1) }],
            Function = new InferenceFunctionArgs { Code = Code },
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }], Clients = [new ApiClient("acme", "standard")] },
        }),
        ["BatchInference"] = s => new BatchInference(s, "c", new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = Code },
            ModelName = "m",
            ModelVersion = "1",
            Notifications = new AlarmNotifications(s, "n"),
        }),
    };

    private static int CountOwnResources(string component)
    {
        var stack = new Stack("proj", "dev");
        Defaults[component](stack);
        // Only what the component itself adds: helpers built for the arguments live under other prefixes.
        return stack.Resources.Count(r => r.LogicalName.StartsWith("c-", StringComparison.Ordinal));
    }

    private static Dictionary<string, int> Documented()
    {
        var readme = File.ReadAllText(Path.Combine(TeamStackTests.RepositoryRoot(), "README.md"));
        return ReferenceRow().Matches(readme).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public static TheoryData<string> Components() => [.. Defaults.Keys];

    [Theory]
    [MemberData(nameof(Components))]
    public void The_readme_states_the_resource_count_of_each_component_with_its_defaults(string component)
    {
        var documented = Documented();

        Assert.True(documented.ContainsKey(component), $"README.md's component reference has no row for {component} (it creates {CountOwnResources(component)} resources)");
        Assert.Equal(documented[component], CountOwnResources(component));
    }

    [GeneratedRegex(@"^\| `(\w+)` \|[^\n]*\| (\d+) \|$", RegexOptions.Multiline)]
    private static partial Regex ReferenceRow();

    /// <summary>The API patterns' data layer options, each applied alone to RestInferenceApi's defaults.</summary>
    private static readonly Dictionary<string, Func<RestInferenceApiArgs, RestInferenceApiArgs>> DataLayerOptions = new()
    {
        ["PredictionLogSampleRate = 0.05"] = a => a with { PredictionLogSampleRate = 0.05 },
        ["SharedCache = SharedCacheStore.DynamoDb"] = a => a with { SharedCache = SharedCacheStore.DynamoDb },
        ["SharedCache = SharedCacheStore.ElastiCacheServerless"] = a => a with
        {
            SharedCache = SharedCacheStore.ElastiCacheServerless,
            Function = a.Function with { Network = new FunctionNetworkArgs { SubnetIds = ["subnet-1"], SecurityGroupIds = ["sg-1"], VpcId = "vpc-1" } },
        },
    };

    public static TheoryData<string> DataLayerOptionNames() => [.. DataLayerOptions.Keys];

    [Theory]
    [MemberData(nameof(DataLayerOptionNames))]
    public void The_readme_states_how_many_resources_each_data_layer_option_adds(string option)
    {
        var defaults = DataLayerDefaults();
        var documented = DataLayerRow().Matches(File.ReadAllText(Path.Combine(TeamStackTests.RepositoryRoot(), "README.md")))
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        var added = CountApiResources(DataLayerOptions[option](defaults)) - CountApiResources(defaults);

        Assert.True(documented.ContainsKey(option), $"README.md's data layer table has no row for `{option}` (it adds {added} resources)");
        Assert.Equal(documented[option], added);
    }

    private static RestInferenceApiArgs DataLayerDefaults() => new()
    {
        Function = new InferenceFunctionArgs { Code = Code },
        ModelName = "m",
        ModelVersion = "1",
        Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }], Clients = [new ApiClient("acme", "standard")] },
    };

    private static int CountApiResources(RestInferenceApiArgs args)
    {
        var stack = new Stack("proj", "dev");
        _ = new RestInferenceApi(stack, "c", args);
        return stack.Resources.Count(r => r.LogicalName.StartsWith("c-", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\| `((?:PredictionLogSampleRate|SharedCache) = [\w.]+)` \|[^\n]*\| \+(\d+) \|$", RegexOptions.Multiline)]
    private static partial Regex DataLayerRow();
}
