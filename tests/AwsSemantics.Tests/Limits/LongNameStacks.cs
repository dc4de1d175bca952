using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using Infra.Testing.Programs;
using AwsSemantics.Tests.Deployment;

namespace AwsSemantics.Tests.Limits;

/// <summary>
/// Every component with a physical name of its own, in stacks whose names Pulumi accepts but that are far longer
/// than the team stacks' (a project or stack name may have 100 characters of letters, digits, '-', '_' and '.':
/// pulumi/pulumi, <c>tokens.ValidateProjectName</c> and the backends' stack reference parsing), with component names
/// as long as the logical-name limit leaves room for.
/// </summary>
public static class LongNameStacks
{
    /// <summary>A hundred characters: the longest project name Pulumi accepts, with '.' and '_'.</summary>
    public static readonly string LongProject = Fill("ml.serving_platform-", 100);

    /// <summary>A hundred characters: the longest stack name Pulumi accepts, with '.' and '_'.</summary>
    public static readonly string LongStack = Fill("team_alpha.eu-west-1.feature-", 100);

    private static readonly CodeDirectory Code = new("fn", "/nonexistent");

    /// <summary>The stacks by name: the longest project and stack names; ordinary names with '.' and '_'.</summary>
    public static IReadOnlyList<DeployedStack> All() =>
    [
        Deploy(BuildLongest(LongProject, LongStack)),
        Deploy(Build("ml-serving", "team_alpha.staging", kind => kind)),
    ];

    /// <summary>
    /// The stack with each component's name as long as <see cref="Stack.MaxNameLength"/> allows: a first build with
    /// short names shows the longest logical name each component derives from its own name, the second fills the rest.
    /// </summary>
    private static Stack BuildLongest(string project, string stackName)
    {
        var probe = Build(project, stackName, kind => kind);
        return Build(project, stackName, kind =>
        {
            var suffix = probe.Resources.Where(r => r.LogicalName.StartsWith(kind + "-", StringComparison.Ordinal)).Max(r => r.LogicalName.Length - kind.Length);
            return ComponentName(kind, Stack.MaxNameLength - suffix);
        });
    }

    /// <summary>The pattern repeated to <paramref name="length"/> characters, ending in a letter.</summary>
    private static string Fill(string pattern, int length) =>
        string.Concat(Enumerable.Repeat(pattern, (length / pattern.Length) + 1))[..(length - 1)] + "x";

    /// <summary>A name padded to <paramref name="length"/> characters, unique by its start.</summary>
    public static string ComponentName(string start, int length) => length <= start.Length ? start : (start + "-" + new string('x', length))[..length].TrimEnd('-');

    private static Stack Build(string project, string stackName, Func<string, string> name)
    {
        var stack = new Stack(project, stackName);

        var alerts = new AlarmNotifications(stack, name("alerts"), new AlarmNotificationsArgs { EmailAddresses = ["ops@example.com"] });
        var models = new EncryptedBucket(stack, name("models"));
        var api = new RestInferenceApi(stack, name("embed"), new RestInferenceApiArgs
        {
            ModelName = "resnet18",
            ModelVersion = "1.0.0",
            Notifications = alerts,
            Function = new InferenceFunctionArgs
            {
                Code = Code,
                ModelBucket = models,
                ProvisionedConcurrency = new ProvisionedConcurrencyScheduleArgs { Weekends = new DailyProfile(), TargetUtilization = 0.7 },
            },
            Api = new RestApiSettings
            {
                Tiers = [new UsagePlanTier { Name = ComponentName("standard", 20), QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }],
                Clients = [new ApiClient(ComponentName("acme-corporation", 20), ComponentName("standard", 20))],
            },
        });
        var waf = new Waf(stack, name("edge"), new WafArgs { Logging = new WafLoggingArgs() });
        waf.Associate(api.Api);
        new RestInferenceApi(stack, name("rollout"), new RestInferenceApiArgs
        {
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            Notifications = alerts,
            SharedCache = SharedCacheStore.ElastiCacheServerless,
            Function = new InferenceFunctionArgs
            {
                Code = Code,
                Network = new FunctionNetworkArgs { SubnetIds = ["subnet-0a1b2c3d4e5f60718"], SecurityGroupIds = ["sg-0a1b2c3d4e5f60718"], VpcId = "vpc-0a1b2c3d4e5f60718" },
            },
            Rollout = new GradualRolloutArgs(),
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 5, BurstLimit = 10 }], Clients = [new ApiClient("acme", "standard")] },
        });
        new ContainerInferenceApi(stack, name("large"), new ContainerInferenceApiArgs
        {
            BuildContext = new CodeDirectory("..", "/nonexistent"),
            ModelName = "big",
            ModelVersion = "2.0.0",
            ModelSource = "models/big",
            Notifications = alerts,
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 5, BurstLimit = 10 }], Clients = [new ApiClient("acme", "standard")] },
        });
        new BatchInference(stack, name("batch"), new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = Code, Timeout = TimeSpan.FromSeconds(120) },
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            InputSuffix = ".png",
            Rollout = new GradualRolloutArgs(),
            Notifications = alerts,
        });
        new ModelRouterApi(stack, name("router"), new ModelRouterApiArgs
        {
            Models = [new RoutedModel { Name = "resnet18", Version = "0.23.1", Size = DataSize.FromMebibytes(60.7) }, new RoutedModel { Name = "ppocr-cls", Version = "2.0.0", Size = DataSize.FromMebibytes(0.55) }],
            DefaultTarget = "ppocr-cls",
            Function = new InferenceFunctionArgs { Code = Code },
            Notifications = alerts,
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Day, RateLimit = 5, BurstLimit = 10 }], Clients = [new ApiClient("acme", "standard")] },
        });
        new CostGuards(stack, name("cost"), new CostGuardsArgs { Notifications = alerts, MonthlyBudgetUsd = 50, AnomalyDetection = true });
        return stack;
    }

    private static DeployedStack Deploy(Stack stack)
    {
        var text = YamlProgramWriter.Write(ProgramSynthesizer.Synthesize(stack));
        return new DeployedStack(stack.StackName, null, new Dictionary<string, string> { ["aws:region"] = "eu-west-1" }, text, ProgramReader.Read(text));
    }
}
