using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using LambdaAlias = Infra.Aws.Lambda.Alias;
using LambdaAliasArgs = Infra.Aws.Lambda.AliasArgs;

namespace Components.Tests;

/// <summary>
/// Stacks that together use every option of <see cref="RestApiEndpoint"/> and <see cref="Waf"/>,
/// synthesized to Pulumi YAML for the schema check.
/// </summary>
internal static class ApiSampleStacks
{
    public static IReadOnlyDictionary<string, string> Programs() =>
        Stacks().ToDictionary(s => $"{s.Key}.yaml", s => YamlProgramWriter.Write(ProgramSynthesizer.Synthesize(s.Value)));

    /// <summary>The sample stacks by name, built afresh.</summary>
    public static IReadOnlyDictionary<string, Stack> Stacks() => new Dictionary<string, Stack>
    {
        ["defaults"] = Defaults(),
        ["options"] = Options(),
        ["cognito"] = Cognito(),
    };

    private static LambdaAlias LiveAlias(Stack stack) =>
        new(stack, "fn-live", new LambdaAliasArgs { FunctionName = "inference", FunctionVersion = "1", Name = "live" });

    // API keys with two tiers; the default WAF with logging, associated; every output exported.
    private static Stack Defaults()
    {
        var stack = new Stack("proj", "defaults");
        var api = new RestApiEndpoint(stack, "api", new RestApiEndpointArgs
        {
            Target = LambdaAliasTarget.Of(LiveAlias(stack)),
            Tiers = [new UsagePlanTier { Name = "free", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 5, BurstLimit = 10 }, new UsagePlanTier { Name = "pro", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 50, BurstLimit = 100 }],
            Clients = [new ApiClient("acme", "pro"), new ApiClient("trial", "free")],
        });
        var waf = new Waf(stack, "edge", new WafArgs { Logging = new WafLoggingArgs() });
        waf.Associate(api);
        stack.Export("invokeUrl", api.InvokeUrl);
        stack.Export("stageArn", api.StageArn);
        stack.Export("executionArn", api.ExecutionArn);
        stack.Export("apiKeyIds", api.ApiKeyIds);
        stack.Export("apiKeyValues", api.ApiKeyValues);
        stack.Export("usagePlanIds", api.UsagePlanIds);
        stack.Export("dashboardBody", Output.JsonSerialize(new Dictionary<string, object>
        {
            ["widgets"] = new object[] { api.ErrorsWidget(0, 0), api.UsageByClientWidget(12, 0) },
        }));
        return stack;
    }

    // IAM auth with metering keys, cache and the account logging role; a WAF with allow and block
    // lists (one address a secret), a body limit WAF measures itself, and no managed groups.
    private static Stack Options()
    {
        var stack = new Stack("proj", "options");
        var alias = LiveAlias(stack);
        var api = new RestApiEndpoint(stack, "api", new RestApiEndpointArgs
        {
            Target = new LambdaAliasTarget { FunctionName = alias.FunctionName, InvokeArn = alias.InvokeArn },
            Auth = RestApiAuth.Iam,
            StageName = "v1",
            Tiers = [new UsagePlanTier { Name = "internal", QuotaLimit = 10, QuotaPeriod = QuotaPeriod.Day, RateLimit = 1, BurstLimit = 1 }],
            Clients = [new ApiClient("batch-job", "internal")],
            Cache = new StageCacheArgs { Size = StageCacheSize.Gb1_6, Ttl = TimeSpan.FromSeconds(60) },
            AccountLogging = new ApiGatewayAccountLogging(stack, "apigateway-logging"),
        });
        var office = stack.ConfigReference<string>("officeCidr", "string", secret: true);
        var waf = new Waf(stack, "edge", new WafArgs
        {
            CommonRuleSet = false,
            KnownBadInputsRuleSet = false,
            IpReputationList = false,
            MaxBody = DataSize.FromBytes(8192),
            BodyInspectionLimit = WafBodyInspectionLimit.Kb32,
            Allowlist = new IpAddressList { Ipv4 = ["203.0.113.0/24", office], Ipv6 = ["2001:db8::/32"] },
            Blocklist = new IpAddressList { Ipv4 = ["198.51.100.7/32"] },
            Logging = new WafLoggingArgs { LogGroupName = "aws-waf-logs-custom", Retention = TimeSpan.FromDays(90) },
        });
        waf.Associate("api", api.RestApiId, api.Stage.StageName);
        stack.Export("blocked", waf.BlockedRequests.DimensionMap());
        return stack;
    }

    // A Cognito authorizer and custom routes, one a greedy proxy.
    private static Stack Cognito()
    {
        var stack = new Stack("proj", "cognito");
        new RestApiEndpoint(stack, "api", new RestApiEndpointArgs
        {
            Target = LambdaAliasTarget.Of(LiveAlias(stack)),
            Auth = RestApiAuth.Cognito,
            CognitoUserPoolArns = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc"],
            Routes = [.. ApiRoute.Inference.Where(r => r.Name != "predict"), new ApiRoute("files", "GET", "/v2/files/{proxy+}")],
        });
        return stack;
    }
}
