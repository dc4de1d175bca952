using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

public class RestInferenceApiTests
{
    private static readonly CodeDirectory Code = new("fn", "/nonexistent");

    internal static RestInferenceApiArgs Args() => new()
    {
        Function = new InferenceFunctionArgs { Code = Code },
        ModelName = "resnet18",
        ModelVersion = "0.23.1",
        Api = new RestApiSettings
        {
            Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }],
            Clients = [new ApiClient("acme", "standard")],
        },
    };

    private static StackTemplate SynthApi(RestInferenceApiArgs args, Action<Stack, RestInferenceApi>? export = null)
    {
        var stack = new Stack("proj", "dev");
        var api = new RestInferenceApi(stack, "embed", args);
        export?.Invoke(stack, api);
        return StackTemplate.FromStack(stack);
    }

    [Fact]
    public void Api_gateway_invokes_the_functions_live_alias_and_only_this_api_may()
    {
        var template = SynthApi(Args());

        Assert.Equal("${embed-function-alias.invokeArn}", template.Property("embed-api-predict-integration", "uri"));
        Assert.Equal("${embed-function-alias.functionName}", template.Property("embed-api-predict-permission", "function"));
        Assert.Equal("live", template.Property("embed-api-predict-permission", "qualifier"));
        Assert.StartsWith("${embed-api-api.executionArn}/", (string)template.Property("embed-api-predict-permission", "sourceArn")!, StringComparison.Ordinal);
    }

    [Fact]
    public void The_waf_guards_the_stage_and_the_alarms_watch_the_alias_and_the_api()
    {
        var template = SynthApi(Args());

        Assert.Equal("${embed-waf-acl.arn}", template.Property("embed-waf-association-api", "webAclArn"));
        Assert.Equal("arn:${aws-partition.partition}:apigateway:${aws-region.region}::/restapis/${embed-api-api.id}/stages/${embed-api-stage.stageName}",
            template.Property("embed-waf-association-api", "resourceArn"));
        Assert.Equal("${embed-function-function.name}:live", template.Property("embed-monitoring-error-rate", "metricQueries", 0, "metric", "dimensions", "Resource"));
        Assert.Equal("${embed-api-api.name}", template.Property("embed-monitoring-api-5xx-rate", "metricQueries", 0, "metric", "dimensions", "ApiName"));
    }

    [Fact]
    public void The_outputs_a_user_needs_are_typed_properties()
    {
        var template = SynthApi(Args(), (stack, api) =>
        {
            stack.Export("url", api.Url);
            stack.Export("keyId", api.ApiKeyIds["acme"]);
            stack.Export("functionName", api.FunctionName);
            stack.Export("aliasName", api.AliasName);
            stack.Export("dashboardUrl", api.DashboardUrl);
        });

        Assert.Equal("${embed-api-stage.invokeUrl}", template.At("outputs", "url"));
        Assert.Equal("${embed-function-alias.name}", template.At("outputs", "aliasName"));
        Assert.Equal("${embed-function-function.name}", template.At("outputs", "functionName"));
        Assert.StartsWith("${embed-api-", (string)template.At("outputs", "keyId")!, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_bucket_reads_are_scoped_to_the_model_key_folder()
    {
        var stack = new Stack("proj", "dev");
        var models = new EncryptedBucket(stack, "models");
        var api = new RestInferenceApi(stack, "embed", Args() with
        {
            Function = new InferenceFunctionArgs { Code = Code, ModelBucket = models, ModelKey = "models/resnet18/0.23.1/model.onnx" },
        });
        stack.Export("modelBucket", api.ModelBucketName!);

        var template = StackTemplate.FromStack(stack);
        var statements = (List<object?>)template.Property("embed-function-role-policy", "policy", "fn::toJSON", "Statement")!;

        Assert.Contains(statements, s => (string?)ProgramValues.At(s, "Resource") == "${models-bucket.arn}/models/resnet18/0.23.1/*");
        Assert.Equal("${models-bucket.bucket}", template.At("outputs", "modelBucket"));
    }

    [Fact]
    public void Setting_the_api_target_or_an_image_is_refused_with_the_pattern_to_use()
    {
        var error = Assert.Throws<SynthesisException>(() => SynthApi(Args() with
        {
            Api = new RestApiEndpointArgs(Args().Api, new LambdaAliasTarget { FunctionName = "x", InvokeArn = "arn:x:live/invocations" }),
            Function = new InferenceFunctionArgs { ImageUri = "r/x@sha256:" + new string('0', 64), Timeout = TimeSpan.FromSeconds(60) },
        }));

        Assert.Contains("Function.Timeout = 1 minute is invalid: expected at most 29 seconds", error.Message, StringComparison.Ordinal);
        Assert.Contains("component 'embed': Api.Target", error.Message, StringComparison.Ordinal);
        Assert.Contains("ContainerInferenceApi", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_data_layer_no_tables_or_data_permissions_are_created()
    {
        var template = SynthApi(Args());

        Assert.False(template.Has("resources", "embed-predictions"));
        Assert.False(template.Has("resources", "embed-cache"));
        Assert.False(template.Has("resources", "embed-data-access"));
    }

    [Fact]
    public void A_sampled_predictions_log_and_a_shared_cache_are_encrypted_tables_the_function_alone_may_use()
    {
        var template = SynthApi(Args() with { PredictionLogSampleRate = 0.1, SharedCache = SharedCacheStore.DynamoDb, ProtectData = true });
        var variables = template.Property("embed-function-function", "environment", "variables");

        Assert.Equal("${embed-predictions.name}", ProgramValues.At(variables, "PREDICTIONS_TABLE"));
        Assert.Equal("0.1", ProgramValues.At(variables, "PREDICTIONS_SAMPLE_RATE"));
        Assert.Equal("${embed-cache.name}", ProgramValues.At(variables, "PREDICTION_CACHE_TABLE"));
        Assert.Equal("inputKey", template.Property("embed-predictions", "hashKey"));
        Assert.Equal("cacheKey", template.Property("embed-cache", "hashKey"));
        foreach (var table in new[] { "embed-predictions", "embed-cache" })
        {
            Assert.Equal("${embed-data-key.arn}", template.Property(table, "serverSideEncryption", "kmsKeyArn"));
            Assert.Equal(true, template.Property(table, "pointInTimeRecovery", "enabled"));
            Assert.Equal("expiresAt", template.Property(table, "ttl", "attributeName"));
            Assert.Equal("PAY_PER_REQUEST", template.Property(table, "billingMode"));
        }

        Assert.Equal(true, template.At("resources", "embed-predictions", "options", "protect"));
        Assert.False(template.Has("resources", "embed-cache", "options", "protect"));
        var statements = (List<object?>)template.Property("embed-data-access", "policy", "fn::toJSON", "Statement")!;
        Assert.Equal("${embed-function-role.name}", template.Property("embed-data-access", "role"));
        Assert.Equal(["${embed-predictions.arn}", "${embed-predictions.arn}", "${embed-predictions.arn}/index/by-request-id", "${embed-cache.arn}", "${embed-data-key.arn}"], statements.Select(st => (string?)ProgramValues.At(st, "Resource")));
    }

    [Fact]
    public void A_sample_rate_outside_zero_to_one_is_refused()
    {
        var error = Assert.Throws<SynthesisException>(() => SynthApi(Args() with { PredictionLogSampleRate = 1.5 }));

        Assert.Contains("PredictionLogSampleRate = 1.5 is invalid: expected a fraction from 0 to 1", error.Message, StringComparison.Ordinal);
    }

    private static readonly FunctionNetworkArgs Network = new()
    {
        SubnetIds = ["subnet-0a1b2c3d4e5f60718", "subnet-0b1b2c3d4e5f60718"],
        SecurityGroupIds = ["sg-0f1b2c3d4e5f60718", "sg-0e1b2c3d4e5f60718"],
        VpcId = "vpc-0a1b2c3d4e5f60718",
    };

    private static RestInferenceApiArgs WithElastiCache(FunctionNetworkArgs? network) =>
        Args() with { SharedCache = SharedCacheStore.ElastiCacheServerless, Function = Args().Function with { Network = network } };

    [Fact]
    public void An_ElastiCache_shared_cache_is_Valkey_in_the_functions_subnets_encrypted_with_the_data_key_and_its_endpoint_is_passed_to_the_function()
    {
        var template = SynthApi(WithElastiCache(Network));
        var variables = template.Property("embed-function-function", "environment", "variables");

        Assert.Equal("aws:elasticache/serverlessCache:ServerlessCache", template.At("resources", "embed-cache", "type"));
        Assert.Equal("valkey", template.Property("embed-cache", "engine"));
        Assert.Equal("${embed-data-key.arn}", template.Property("embed-cache", "kmsKeyId"));
        Assert.Equal(["subnet-0a1b2c3d4e5f60718", "subnet-0b1b2c3d4e5f60718"], (List<object?>)template.Property("embed-cache", "subnetIds")!);
        Assert.Equal(["${embed-cache-sg.id}"], (List<object?>)template.Property("embed-cache", "securityGroupIds")!);
        Assert.Equal("${embed-cache.endpoints[0].address}:${embed-cache.endpoints[0].port}", ProgramValues.At(variables, "PREDICTION_CACHE_REDIS_ENDPOINT"));
        Assert.False(ProgramValues.Has(variables, "PREDICTION_CACHE_TABLE"));
        // The function reaches the cache over the network; it gets no IAM or KMS rights for it.
        Assert.False(template.Has("resources", "embed-data-access"));
        Assert.Equal(["subnet-0a1b2c3d4e5f60718", "subnet-0b1b2c3d4e5f60718"], (List<object?>)template.Property("embed-function-function", "vpcConfig", "subnetIds")!);
    }

    [Fact]
    public void The_caches_security_group_admits_only_the_cache_ports_from_the_functions_security_groups()
    {
        var template = SynthApi(WithElastiCache(Network));

        Assert.Equal("vpc-0a1b2c3d4e5f60718", template.Property("embed-cache-sg", "vpcId"));
        var rule = Assert.Single((List<object?>)template.Property("embed-cache-sg", "ingress")!);
        Assert.Equal(("tcp", 6379.0, 6380.0), ((string?)ProgramValues.At(rule, "protocol"), Convert.ToDouble(ProgramValues.At(rule, "fromPort"), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToDouble(ProgramValues.At(rule, "toPort"), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(["sg-0f1b2c3d4e5f60718", "sg-0e1b2c3d4e5f60718"], (List<object?>)ProgramValues.At(rule, "securityGroups")!);
        Assert.False(ProgramValues.Has(rule, "cidrBlocks"));
        Assert.False(ProgramValues.Has(rule, "self"));
        Assert.False(template.Has("resources", "embed-cache-sg", "properties", "egress"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_ElastiCache_shared_cache_without_a_network_and_VPC_is_refused_naming_the_component_and_key(bool networkWithoutVpc)
    {
        var args = WithElastiCache(networkWithoutVpc ? Network with { VpcId = null } : null);

        var error = Assert.Throws<SynthesisException>(() => SynthApi(args));

        Assert.Contains("component 'embed': Function.Network = " + (networkWithoutVpc ? "'a network without VpcId'" : "null") + " is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("SharedCache is ElastiCacheServerless", error.Message, StringComparison.Ordinal);
    }
}
