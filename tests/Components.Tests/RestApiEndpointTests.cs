using System.Text.Json;
using System.Text.RegularExpressions;
using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using Infra.Testing;
using LambdaAlias = Infra.Aws.Lambda.Alias;
using LambdaAliasArgs = Infra.Aws.Lambda.AliasArgs;

namespace Components.Tests;

public partial class RestApiEndpointTests
{
    private static readonly UsagePlanTier Free = new() { Name = "free", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 5, BurstLimit = 10 };
    private static readonly UsagePlanTier Pro = new() { Name = "pro", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 50, BurstLimit = 100 };

    /// <summary>An endpoint in front of a stand-in <c>live</c> alias, with two clients in two tiers.</summary>
    internal static RestApiEndpoint NewEndpoint(Stack stack, Func<RestApiEndpointArgs, RestApiEndpointArgs>? customize = null, ComponentResourceOptions? options = null)
    {
        var args = new RestApiEndpointArgs
        {
            Target = LambdaAliasTarget.Of(LiveAlias(stack)),
            Tiers = [Free, Pro],
            Clients = [new ApiClient("acme", "pro"), new ApiClient("trial", "free")],
        };
        return new RestApiEndpoint(stack, "api", customize is null ? args : customize(args), options);
    }

    private static LambdaAlias LiveAlias(Stack stack, string name = "fn-live") =>
        new(stack, name, new LambdaAliasArgs { FunctionName = "inference", FunctionVersion = "3", Name = "live" });

    private static IEnumerable<string> ResourcesOfType(StackTemplate program, string type) =>
        ((OrderedMap)program.At("resources")!).Where(r => (string?)ProgramValues.At(r.Value, "type") == type).Select(r => r.Key);

    [Fact]
    public void Each_inference_route_is_a_method_on_its_path_with_a_lambda_proxy_integration_to_the_live_alias()
    {
        var stack = new Stack("proj", "dev");
        NewEndpoint(stack);

        var program = StackTemplate.FromStack(stack);

        var expected = new (string Route, string Method, string Resource)[]
        {
            ("health-live", "GET", "api-path-v2-health-live"),
            ("health-ready", "GET", "api-path-v2-health-ready"),
            ("model", "GET", "api-path-v2-models-name"),
            ("infer", "POST", "api-path-v2-models-name-infer"),
            ("predict", "POST", "api-path-v2-models-name-predict"),
            ("feedback", "POST", "api-path-v2-models-name-feedback"),
        };
        foreach (var (route, method, resource) in expected)
        {
            Assert.Equal(method, program.Property($"api-{route}-method", "httpMethod"));
            Assert.Equal($"${{{resource}.id}}", program.Property($"api-{route}-method", "resourceId"));
            Assert.Equal("AWS_PROXY", program.Property($"api-{route}-integration", "type"));
            Assert.Equal("POST", program.Property($"api-{route}-integration", "integrationHttpMethod"));
            Assert.Equal($"${{api-{route}-method.httpMethod}}", program.Property($"api-{route}-integration", "httpMethod"));
            Assert.Equal("${fn-live.invokeArn}", program.Property($"api-{route}-integration", "uri"));
        }

        Assert.Equal(6, ResourcesOfType(program, "aws:apigateway/method:Method").Count());
        Assert.Equal("${api-api.rootResourceId}", program.Property("api-path-v2", "parentId"));
        Assert.Equal("${api-path-v2-models.id}", program.Property("api-path-v2-models-name", "parentId"));
        Assert.Equal("{name}", program.Property("api-path-v2-models-name", "pathPart"));
        Assert.Equal("REGIONAL", program.Property("api-api", "endpointConfiguration", "types"));
    }

    [Fact]
    public void Each_route_may_invoke_only_the_live_alias_and_only_from_this_apis_stage_method_and_path()
    {
        var stack = new Stack("proj", "dev");
        NewEndpoint(stack);

        var program = StackTemplate.FromStack(stack);

        Assert.Equal("${fn-live.functionName}", program.Property("api-infer-permission", "function"));
        Assert.Equal("live", program.Property("api-infer-permission", "qualifier"));
        Assert.Equal("apigateway.amazonaws.com", program.Property("api-infer-permission", "principal"));
        Assert.Equal("lambda:InvokeFunction", program.Property("api-infer-permission", "action"));
        Assert.Equal("${api-api.executionArn}/prod/POST/v2/models/*/infer", program.Property("api-infer-permission", "sourceArn"));
        Assert.Equal("${api-api.executionArn}/prod/GET/v2/health/live", program.Property("api-health-live-permission", "sourceArn"));
        Assert.Equal("${api-api.executionArn}/prod/GET/v2/models/*", program.Property("api-model-permission", "sourceArn"));
        Assert.Equal(6, ResourcesOfType(program, "aws:lambda/permission:Permission").Count());
    }

    [Theory]
    [InlineData("$LATEST")]
    [InlineData("7")]
    [InlineData("")]
    public void The_target_must_be_an_alias_never_latest_or_a_bare_version(string alias)
    {
        var stack = new Stack("proj", "dev");

        var error = Assert.Throws<SynthesisException>(() => NewEndpoint(stack, a => a with { Target = a.Target! with { AliasName = alias } }));

        Assert.Contains($"component 'api': Target.AliasName = '{alias}' is invalid: expected an alias name such as 'live'", error.Problems.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_literal_invoke_arn_must_be_the_aliases_not_the_unqualified_functions()
    {
        var stack = new Stack("proj", "dev");
        const string unqualified = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:inference/invocations";

        var error = Assert.Throws<SynthesisException>(() => NewEndpoint(stack, a => a with { Target = new LambdaAliasTarget { FunctionName = "inference", InvokeArn = unqualified } }));

        Assert.Equal($"component 'api': Target.InvokeArn = '{unqualified}' is invalid: expected the invoke ARN of alias 'live', ending in ':live/invocations'", error.Problems.Single());
    }

    [Fact]
    public void Images_are_binary_media_types_and_api_keys_come_from_the_header()
    {
        var stack = new Stack("proj", "dev");
        NewEndpoint(stack);

        var program = StackTemplate.FromStack(stack);

        Assert.Equal(new List<object?> { "image/jpeg", "image/png", "image/webp", "application/octet-stream" }, program.Property("api-api", "binaryMediaTypes"));
        Assert.Equal("HEADER", program.Property("api-api", "apiKeySource"));
    }

    [Fact]
    public void Every_method_uses_the_validator_path_parameters_are_required_and_infer_bodies_must_match_the_oip_schema()
    {
        var stack = new Stack("proj", "dev");
        NewEndpoint(stack);

        var program = StackTemplate.FromStack(stack);

        Assert.Equal(true, program.Property("api-validator", "validateRequestParameters"));
        Assert.Equal(true, program.Property("api-validator", "validateRequestBody"));
        foreach (var method in ResourcesOfType(program, "aws:apigateway/method:Method"))
        {
            Assert.Equal("${api-validator.id}", program.Property(method, "requestValidatorId"));
        }

        Assert.Equal(true, program.Property("api-predict-method", "requestParameters", "method.request.path.name"));
        Assert.False(program.Has("resources", "api-health-live-method", "properties", "requestParameters"));
        Assert.Equal("${api-infer-model.name}", program.Property("api-infer-method", "requestModels", "application/json"));
        Assert.Equal("InferRequest", program.Property("api-infer-model", "name"));
        Assert.Equal("application/json", program.Property("api-infer-model", "contentType"));
        var schema = JsonDocument.Parse((string)program.Property("api-infer-model", "schema")!).RootElement;
        Assert.Equal("inputs", schema.GetProperty("required")[0].GetString());
        Assert.Equal(["name", "shape", "datatype", "data"], schema.GetProperty("properties").GetProperty("inputs").GetProperty("items").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.False(program.Has("resources", "api-predict-method", "properties", "requestModels"));
    }

    [Fact]
    public void Gateway_errors_answer_in_the_functions_json_error_shape()
    {
        var stack = new Stack("proj", "dev");
        NewEndpoint(stack);

        var program = StackTemplate.FromStack(stack);

        foreach (var (resource, type) in new[] { ("api-default-4xx", "DEFAULT_4XX"), ("api-default-5xx", "DEFAULT_5XX") })
        {
            Assert.Equal(type, program.Property(resource, "responseType"));
            // The engine reads $$ as $; API Gateway then fills in the context, messageString with its quotes.
            var template = ((string)program.Property(resource, "responseTemplates", "application/json")!).Replace("$$", "$", StringComparison.Ordinal);
            var filled = template
                .Replace("$context.error.messageString", "\"Forbidden\"", StringComparison.Ordinal)
                .Replace("$context.error.responseType", "MISSING_AUTHENTICATION_TOKEN", StringComparison.Ordinal)
                .Replace("$context.requestId", "abc-123", StringComparison.Ordinal);
            var body = JsonDocument.Parse(filled).RootElement;
            Assert.Equal("Forbidden", body.GetProperty("error").GetString());
            Assert.Equal("MISSING_AUTHENTICATION_TOKEN", body.GetProperty("code").GetString());
        }
    }

    [Fact]
    public void The_deployment_is_keyed_on_the_definition_hash_and_waits_for_every_method_and_integration()
    {
        var stack = new Stack("proj", "dev");
        var api = NewEndpoint(stack);

        var program = StackTemplate.FromStack(stack);

        Assert.Matches("^[0-9a-f]{64}$", api.DefinitionHash);
        Assert.Equal(api.DefinitionHash, program.Property("api-deployment", "triggers", "definition"));
        Assert.Equal("${api-deployment.id}", program.Property("api-stage", "deployment"));
        var dependsOn = (List<object?>)program.At("resources", "api-deployment", "options", "dependsOn")!;
        foreach (var route in new[] { "health-live", "health-ready", "model", "infer", "predict" })
        {
            Assert.Contains($"${{api-{route}-method}}", dependsOn);
            Assert.Contains($"${{api-{route}-integration}}", dependsOn);
        }
    }

    public static TheoryData<string, Func<RestApiEndpointArgs, RestApiEndpointArgs>> DefinitionChanges => new()
    {
        { "a route's path", a => a with { Routes = [.. a.Routes.Select(r => r.Name == "predict" ? r with { Path = "/v2/models/{name}/classify" } : r)] } },
        { "a route's method", a => a with { Routes = [.. a.Routes.Select(r => r.Name == "model" ? r with { HttpMethod = "POST" } : r)] } },
        { "a route removed", a => a with { Routes = [.. a.Routes.Where(r => r.Name != "predict")] } },
        { "a route added", a => a with { Routes = [.. a.Routes, new ApiRoute("metadata", "GET", "/v2")] } },
        { "a request schema", a => a with { Routes = [.. a.Routes.Select(r => r.Name == "infer" ? r with { JsonBodySchema = "{\"type\":\"object\"}" } : r)] } },
        { "the auth mode", a => a with { Auth = RestApiAuth.Iam } },
        { "the integration target", a => a with { Target = a.Target! with { InvokeArn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:1:function:other:live/invocations" } } },
        { "the binary media types", a => a with { BinaryMediaTypes = ["image/png"] } },
    };

    [Theory]
    [MemberData(nameof(DefinitionChanges))]
    public void Changing_the_api_definition_changes_the_hash(string change, Func<RestApiEndpointArgs, RestApiEndpointArgs> customize)
    {
        var baseline = NewEndpoint(new Stack("proj", "dev")).DefinitionHash;

        var changed = NewEndpoint(new Stack("proj", "dev"), customize).DefinitionHash;

        Assert.True(baseline != changed, $"changing {change} must change the hash");
    }

    public static TheoryData<string, Func<RestApiEndpointArgs, RestApiEndpointArgs>> OtherChanges => new()
    {
        { "the stage name", a => a with { StageName = "v1" } },
        { "the throttle", a => a with { ThrottleRateLimit = 60, ThrottleBurstLimit = 120 } },
        { "the tiers and clients", a => a with { Tiers = [Free], Clients = [new ApiClient("other", "free")] } },
        { "the cache", a => a with { Cache = new StageCacheArgs() } },
        { "the log retention", a => a with { AccessLogRetention = TimeSpan.FromDays(365) } },
        // The stage's dependency on the account setting is an option, not part of the definition (the other stack only holds the setting).
        { "the account logging role", a => a with { AccountLogging = new ApiGatewayAccountLogging(new Stack("proj", "logging"), "logging") } },
    };

    [Theory]
    [MemberData(nameof(OtherChanges))]
    public void Changing_anything_outside_the_definition_keeps_the_hash_so_the_deployment_stays(string change, Func<RestApiEndpointArgs, RestApiEndpointArgs> customize)
    {
        var baseline = NewEndpoint(new Stack("proj", "dev")).DefinitionHash;

        var changed = NewEndpoint(new Stack("proj", "dev"), customize).DefinitionHash;

        Assert.True(baseline == changed, $"changing {change} must not change the hash");
    }

    [Fact]
    public void Tags_and_the_stack_name_are_not_part_of_the_definition()
    {
        var baseline = NewEndpoint(new Stack("proj", "dev")).DefinitionHash;

        var tagged = NewEndpoint(new Stack("proj", "prod"), options: new ComponentResourceOptions { Tags = new Dictionary<string, string> { ["team"] = "ml" } }).DefinitionHash;

        Assert.Equal(baseline, tagged);
    }

    [Fact]
    public void The_stage_traces_with_xray_and_writes_json_access_logs_with_the_api_key_id_to_a_kms_encrypted_group()
    {
        var stack = new Stack("proj", "dev");
        NewEndpoint(stack);

        var program = StackTemplate.FromStack(stack);

        Assert.Equal("prod", program.Property("api-stage", "stageName"));
        Assert.Equal(true, program.Property("api-stage", "xrayTracingEnabled"));
        Assert.Equal("${api-access-logs.arn}", program.Property("api-stage", "accessLogSettings", "destinationArn"));
        Assert.Equal(ApiAccessLog.Format.Replace("$", "$$", StringComparison.Ordinal), program.Property("api-stage", "accessLogSettings", "format"));
        Assert.Equal("${api-logs-key.arn}", program.Property("api-access-logs", "kmsKeyId"));
        Assert.Equal(30m, program.Property("api-access-logs", "retentionInDays"));
        Assert.Equal(true, program.Property("api-logs-key", "enableKeyRotation"));
        Assert.Equal("CloudWatchLogsUseKey", program.Property("api-logs-key", "policy", "fn::toJSON", "Statement", 1, "Sid"));
        Assert.False(program.Has("resources", "api-stage", "properties", "cacheClusterEnabled"));
    }

    [Fact]
    public void An_access_log_line_is_valid_json_carrying_the_client_and_outcome_fields()
    {
        // What API Gateway writes: each $context variable replaced by its value.
        var line = ContextVariable().Replace(ApiAccessLog.Format, m => m.Value switch
        {
            "$context.status" => "429",
            "$context.responseLatency" or "$context.requestTimeEpoch" => "12",
            "$context.error.messageString" => "\"Too Many Requests\"",
            _ => "-",
        });

        var entry = JsonDocument.Parse(line).RootElement;

        Assert.Equal(429, entry.GetProperty("status").GetInt32());
        Assert.Equal("Too Many Requests", entry.GetProperty("errorMessage").GetString());
        foreach (var field in new[] { "apiKeyId", "ip", "caller", "userArn", "cognitoSubject", "httpMethod", "resourcePath", "responseLatency", "integrationError", "wafResponseCode", "xrayTraceId" })
        {
            Assert.True(entry.TryGetProperty(field, out _), field);
        }

        Assert.Contains("\"apiKeyId\":\"$context.identity.apiKeyId\"", ApiAccessLog.Format, StringComparison.Ordinal);
    }

    [Fact]
    public void Stage_wide_throttling_and_metrics_apply_to_every_method_and_bodies_are_never_logged()
    {
        var stack = new Stack("proj", "dev");
        NewEndpoint(stack, a => a with { ThrottleRateLimit = 80, ThrottleBurstLimit = 160 });

        var program = StackTemplate.FromStack(stack);

        Assert.Equal("*/*", program.Property("api-method-settings", "methodPath"));
        Assert.Equal("${api-stage.stageName}", program.Property("api-method-settings", "stageName"));
        Assert.Equal(80m, program.Property("api-method-settings", "settings", "throttlingRateLimit"));
        Assert.Equal(160m, program.Property("api-method-settings", "settings", "throttlingBurstLimit"));
        Assert.Equal(true, program.Property("api-method-settings", "settings", "metricsEnabled"));
        Assert.Equal(false, program.Property("api-method-settings", "settings", "dataTraceEnabled"));
        Assert.Equal(false, program.Property("api-method-settings", "settings", "cachingEnabled"));
    }

    [Fact]
    public void The_optional_cache_is_encrypted_sized_and_refuses_unauthorized_cache_control()
    {
        var stack = new Stack("proj", "dev");
        NewEndpoint(stack, a => a with { Cache = new StageCacheArgs { Size = StageCacheSize.Gb1_6, Ttl = TimeSpan.FromSeconds(60) } });

        var program = StackTemplate.FromStack(stack);

        Assert.Equal(true, program.Property("api-stage", "cacheClusterEnabled"));
        Assert.Equal("1.6", program.Property("api-stage", "cacheClusterSize"));
        Assert.Equal(true, program.Property("api-method-settings", "settings", "cachingEnabled"));
        Assert.Equal(60m, program.Property("api-method-settings", "settings", "cacheTtlInSeconds"));
        Assert.Equal(true, program.Property("api-method-settings", "settings", "cacheDataEncrypted"));
        Assert.Equal(true, program.Property("api-method-settings", "settings", "requireAuthorizationForCacheControl"));
        Assert.Equal("FAIL_WITH_403", program.Property("api-method-settings", "settings", "unauthorizedCacheControlHeaderStrategy"));
        Assert.Equal(new List<object?> { "method.request.path.name" }, program.Property("api-model-integration", "cacheKeyParameters"));
        Assert.False(program.Has("resources", "api-health-live-integration", "properties", "cacheKeyParameters"));
    }

    [Fact]
    public void Each_tier_is_a_usage_plan_with_its_quota_and_throttle_that_depends_explicitly_on_the_stage()
    {
        var stack = new Stack("proj", "dev");
        var api = NewEndpoint(stack);

        var program = StackTemplate.FromStack(stack);

        Assert.Equal(["free", "pro"], api.UsagePlans.Keys.Order());
        Assert.Equal(100_000m, program.Property("api-plan-pro", "quotaSettings", "limit"));
        Assert.Equal("MONTH", program.Property("api-plan-pro", "quotaSettings", "period"));
        Assert.Equal(50m, program.Property("api-plan-pro", "throttleSettings", "rateLimit"));
        Assert.Equal(100m, program.Property("api-plan-pro", "throttleSettings", "burstLimit"));
        Assert.Equal("${api-api.id}", program.Property("api-plan-pro", "apiStages", 0, "apiId"));
        Assert.Equal("${api-stage.stageName}", program.Property("api-plan-pro", "apiStages", 0, "stage"));
        // "Invalid API Stage": the plan must not be created before the stage exists.
        Assert.Equal(new List<object?> { "${api-stage}" }, program.At("resources", "api-plan-free", "options", "dependsOn"));
        Assert.Equal(new List<object?> { "${api-stage}" }, program.At("resources", "api-plan-pro", "options", "dependsOn"));
    }

    [Fact]
    public void Each_client_gets_a_key_whose_value_is_secret_in_its_tiers_plan()
    {
        var stack = new Stack("proj", "dev");
        var api = NewEndpoint(stack);
        stack.Export("keyIds", api.ApiKeyIds);
        stack.Export("keyValues", api.ApiKeyValues);
        stack.Export("planIds", api.UsagePlanIds);

        var program = StackTemplate.FromStack(stack);

        Assert.Equal(new List<object?> { "value" }, program.At("resources", "api-key-acme", "options", "additionalSecretOutputs"));
        Assert.Equal(true, program.Property("api-key-acme", "enabled"));
        Assert.Equal("${api-key-acme.id}", program.Property("api-plan-key-acme", "keyId"));
        Assert.Equal("API_KEY", program.Property("api-plan-key-acme", "keyType"));
        Assert.Equal("${api-plan-pro.id}", program.Property("api-plan-key-acme", "usagePlanId"));
        Assert.Equal("${api-plan-free.id}", program.Property("api-plan-key-trial", "usagePlanId"));
        Assert.Equal("${api-key-acme.id}", program.At("outputs", "keyIds", "acme"));
        Assert.Equal("${api-key-trial.value}", program.At("outputs", "keyValues", "trial", "fn::secret"));
        Assert.Equal("${api-plan-pro.id}", program.At("outputs", "planIds", "pro"));
    }

    [Fact]
    public void Api_key_auth_is_the_default_every_method_requires_a_key()
    {
        var stack = new Stack("proj", "dev");
        NewEndpoint(stack);

        var program = StackTemplate.FromStack(stack);

        foreach (var method in ResourcesOfType(program, "aws:apigateway/method:Method"))
        {
            Assert.Equal("NONE", program.Property(method, "authorization"));
            Assert.Equal(true, program.Property(method, "apiKeyRequired"));
        }
    }

    [Fact]
    public void Iam_auth_signs_requests_and_needs_no_key_unless_clients_are_metered()
    {
        var stack = new Stack("proj", "dev");
        NewEndpoint(stack, a => a with { Auth = RestApiAuth.Iam, Tiers = [], Clients = [] });
        var metered = new Stack("proj", "dev");
        NewEndpoint(metered, a => a with { Auth = RestApiAuth.Iam });

        var program = StackTemplate.FromStack(stack);

        Assert.Equal("AWS_IAM", program.Property("api-infer-method", "authorization"));
        Assert.Equal(false, program.Property("api-infer-method", "apiKeyRequired"));
        Assert.Empty(ResourcesOfType(program, "aws:apigateway/usagePlan:UsagePlan"));
        Assert.Equal(true, StackTemplate.FromStack(metered).Property("api-infer-method", "apiKeyRequired"));
    }

    [Fact]
    public void Cognito_auth_checks_user_pool_tokens_with_an_authorizer_on_every_method()
    {
        var stack = new Stack("proj", "dev");
        const string pool = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc";
        NewEndpoint(stack, a => a with { Auth = RestApiAuth.Cognito, CognitoUserPoolArns = [pool], Tiers = [], Clients = [] });

        var program = StackTemplate.FromStack(stack);

        Assert.Equal("COGNITO_USER_POOLS", program.Property("api-authorizer", "type"));
        Assert.Equal(new List<object?> { pool }, program.Property("api-authorizer", "providerArns"));
        Assert.Equal("method.request.header.Authorization", program.Property("api-authorizer", "identitySource"));
        foreach (var method in ResourcesOfType(program, "aws:apigateway/method:Method"))
        {
            Assert.Equal("COGNITO_USER_POOLS", program.Property(method, "authorization"));
            Assert.Equal("${api-authorizer.id}", program.Property(method, "authorizerId"));
            Assert.Equal(false, program.Property(method, "apiKeyRequired"));
        }
    }

    [Fact]
    public void The_account_logging_role_is_set_once_per_stack_and_every_stage_waits_for_it()
    {
        var stack = new Stack("proj", "dev");
        var logging = new ApiGatewayAccountLogging(stack, "logging");
        NewEndpoint(stack, a => a with { AccountLogging = logging });
        new RestApiEndpoint(stack, "other", new RestApiEndpointArgs
        {
            Target = LambdaAliasTarget.Of(LiveAlias(stack, "other-live")),
            Tiers = [Free],
            Clients = [new ApiClient("acme", "free")],
            AccountLogging = logging,
        });

        var program = StackTemplate.FromStack(stack);

        Assert.Single(ResourcesOfType(program, "aws:apigateway/account:Account"));
        Assert.Equal("${logging-role.arn}", program.Property("logging-account", "cloudwatchRoleArn"));
        Assert.Equal("arn:${aws-partition.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs", program.Property("logging-role-policy", "policyArn"));
        Assert.Equal("apigateway.amazonaws.com", program.Property("logging-role", "assumeRolePolicy", "fn::toJSON", "Statement", 0, "Principal", "Service"));
        Assert.Equal(new List<object?> { "${logging-account}" }, program.At("resources", "api-stage", "options", "dependsOn"));
        Assert.Equal(new List<object?> { "${logging-account}" }, program.At("resources", "other-stage", "options", "dependsOn"));
        // pulumi-aws v7 resets the setting when the resource is deleted: it and its role outlive the stack.
        Assert.All(new[] { "logging-account", "logging-role", "logging-role-policy" }, name => Assert.Equal(true, program.At("resources", name, "options", "retainOnDelete")));
        Assert.Equal(PrerequisiteOwner.ThisStack, Assert.Single(stack.Prerequisites).Owner);
    }

    [Fact]
    public void Without_the_logging_component_the_stack_relies_on_the_account_setting_and_says_so()
    {
        var stack = new Stack("proj", "dev");
        NewEndpoint(stack);

        Assert.Empty(ResourcesOfType(StackTemplate.FromStack(stack), "aws:apigateway/account:Account"));
        var prerequisite = Assert.Single(stack.Prerequisites);
        Assert.Equal((ApiGatewayAccountLogging.PrerequisiteId, PrerequisiteOwner.Account), (prerequisite.Id, prerequisite.Owner));
        Assert.Equal(["api"], prerequisite.NeededBy);
    }

    [Fact]
    public void A_second_logging_component_in_one_stack_is_refused()
    {
        var stack = new Stack("proj", "dev");
        new ApiGatewayAccountLogging(stack, "logging");

        var error = Assert.Throws<SynthesisException>(() => new ApiGatewayAccountLogging(stack, "again"));

        Assert.Contains("already sets API Gateway's account logging role in 'logging'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Outputs_are_the_invoke_url_the_waf_form_of_the_stage_arn_and_the_execution_arn()
    {
        var stack = new Stack("proj", "dev");
        var api = NewEndpoint(stack);
        stack.Export("url", api.InvokeUrl);
        stack.Export("stageArn", api.StageArn);
        stack.Export("executionArn", api.ExecutionArn);
        stack.Export("apiId", api.RestApiId);

        var program = StackTemplate.FromStack(stack);

        Assert.Equal("${api-stage.invokeUrl}", program.At("outputs", "url"));
        Assert.Equal("arn:${aws-partition.partition}:apigateway:${aws-region.region}::/restapis/${api-api.id}/stages/${api-stage.stageName}", program.At("outputs", "stageArn"));
        Assert.Equal("${api-api.executionArn}", program.At("outputs", "executionArn"));
        Assert.Equal("${api-api.id}", program.At("outputs", "apiId"));
        Assert.Equal("prod", api.StageName);
    }

    [Fact]
    public void A_saved_logs_insights_query_reports_requests_and_errors_per_api_key()
    {
        var stack = new Stack("proj", "dev");
        NewEndpoint(stack);

        var program = StackTemplate.FromStack(stack);

        Assert.Equal("proj/dev/api/requests-by-client", program.Property("api-usage-query", "name"));
        Assert.Equal(new List<object?> { "${api-access-logs.name}" }, program.Property("api-usage-query", "logGroupNames"));
        var query = (string)program.Property("api-usage-query", "queryString")!;
        Assert.Contains("by apiKeyId, statusClass", query, StringComparison.Ordinal);
        Assert.Contains("floor(status / 100) as statusClass", query, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dashboard_widgets_show_errors_from_metrics_and_usage_per_client_from_the_access_logs()
    {
        var stack = new Stack("proj", "dev");
        var api = NewEndpoint(stack);
        stack.Export("body", Output.JsonSerialize(new Dictionary<string, object> { ["widgets"] = new object[] { api.ErrorsWidget(0, 0), api.UsageByClientWidget(12, 0, width: 12, height: 8) } }));

        var program = StackTemplate.FromStack(stack);
        var widgets = program.At("outputs", "body", "fn::toJSON", "widgets");

        Assert.Equal("metric", ProgramValues.At(widgets, 0, "type"));
        Assert.Equal(new List<object?> { "AWS/ApiGateway", "5XXError", "ApiName", "${api-api.name}", "Stage", "prod", new OrderedMap { { "label", "5xx" }, { "stat", "Sum" } } }, ProgramValues.At(widgets, 0, "properties", "metrics", 2), new OrderedMapComparer());
        Assert.Equal("${aws-region.region}", ProgramValues.At(widgets, 0, "properties", "region"));
        Assert.Equal("log", ProgramValues.At(widgets, 1, "type"));
        Assert.Equal(12L, ProgramValues.At(widgets, 1, "x"));
        Assert.Equal(8L, ProgramValues.At(widgets, 1, "height"));
        Assert.Equal("table", ProgramValues.At(widgets, 1, "properties", "view"));
        Assert.StartsWith("SOURCE '${api-access-logs.name}' | fields apiKeyId", (string)ProgramValues.At(widgets, 1, "properties", "query")!, StringComparison.Ordinal);
    }

    [Fact]
    public void The_api_metrics_for_alarms_are_error_rates_and_counts_of_this_api_and_stage()
    {
        var stack = new Stack("proj", "dev");
        var api = NewEndpoint(stack);
        stack.Export("dims", api.ServerErrorRate.DimensionMap());

        var program = StackTemplate.FromStack(stack);

        Assert.Equal(("AWS/ApiGateway", "5XXError", "Average"), (api.ServerErrorRate.Namespace, api.ServerErrorRate.MetricName, api.ServerErrorRate.Statistic));
        Assert.Equal(("4XXError", "Average"), (api.ClientErrorRate.MetricName, api.ClientErrorRate.Statistic));
        Assert.Equal(("Count", "Sum"), (api.Requests.MetricName, api.Requests.Statistic));
        Assert.Equal(("Latency", "p95"), (api.LatencyP95.MetricName, api.LatencyP95.Statistic));
        Assert.Equal("${api-api.name}", program.At("outputs", "dims", "ApiName"));
        Assert.Equal("prod", program.At("outputs", "dims", "Stage"));
    }

    [Fact]
    public void Custom_routes_may_use_a_greedy_proxy_as_their_last_segment()
    {
        var stack = new Stack("proj", "dev");
        NewEndpoint(stack, a => a with { Routes = [new ApiRoute("files", "GET", "/v2/files/{proxy+}")] });

        var program = StackTemplate.FromStack(stack);

        Assert.Equal("{proxy+}", program.Property("api-path-v2-files-proxy", "pathPart"));
        Assert.Equal(true, program.Property("api-files-method", "requestParameters", "method.request.path.proxy"));
        Assert.Equal("${api-api.executionArn}/prod/GET/v2/files/*", program.Property("api-files-permission", "sourceArn"));
    }

    [Fact]
    public void Invalid_args_name_the_component_each_key_its_value_and_what_is_allowed_and_create_nothing()
    {
        var stack = new Stack("proj", "dev");
        var alias = LiveAlias(stack);

        var error = Assert.Throws<SynthesisException>(() => new RestApiEndpoint(stack, "api", new RestApiEndpointArgs
        {
            Target = LambdaAliasTarget.Of(alias),
            StageName = "prod stage",
            ThrottleRateLimit = 0,
            ThrottleBurstLimit = 9000,
            AccessLogRetention = TimeSpan.FromDays(10),
            Routes = [new ApiRoute("Infer", "FETCH", "v2/infer"), new ApiRoute("a", "GET", "/v2/{proxy+}/x"), new ApiRoute("a", "GET", "/v2/{id}/y")],
            Tiers = [new UsagePlanTier { Name = "gold", QuotaLimit = 0, QuotaPeriod = new QuotaPeriod("YEAR"), RateLimit = 0, BurstLimit = 0 }],
            Clients = [new ApiClient("acme", "silver")],
            CognitoUserPoolArns = ["arn:aws:cognito-idp:eu-west-1:1:userpool/x"],
            Cache = new StageCacheArgs { Size = new StageCacheSize("2"), Ttl = TimeSpan.FromSeconds(7200) },
            BinaryMediaTypes = ["jpeg"],
        }));

        Assert.Equal(
        [
            "component 'api': StageName = 'prod stage' is invalid: expected 1 to 128 letters, digits, '-' or '_'",
            "component 'api': ThrottleRateLimit = 0 is invalid: expected requests per second above 0 and at most 10000",
            "component 'api': ThrottleBurstLimit = 9000 is invalid: expected an integer from 1 to 5000",
            "component 'api': AccessLogRetention = 10 days is invalid: expected a whole number of days, one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
            "component 'api': Routes[0].Name = 'Infer' is invalid: expected lower-case letters, digits and single hyphens, starting with a letter, at most 20 characters",
            "component 'api': Routes[0].HttpMethod = 'FETCH' is invalid: expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
            "component 'api': Routes[0].Path = 'v2/infer' is invalid: expected a path such as /v2/models/{name}: segments of letters, digits, '.', '_' or '-', or one {parameter}; {proxy+} only last",
            "component 'api': Routes[1].Path = '/v2/{proxy+}/x' is invalid: expected a path such as /v2/models/{name}: segments of letters, digits, '.', '_' or '-', or one {parameter}; {proxy+} only last",
            "component 'api': Routes.Name = 'a' is invalid: expected route names that are unique",
            "component 'api': Tiers[0].QuotaLimit = 0 is invalid: expected a positive number of requests",
            "component 'api': Tiers[0].QuotaPeriod = 'YEAR' is invalid: expected one of DAY, WEEK, MONTH",
            "component 'api': Tiers[0].RateLimit = 0 is invalid: expected requests per second above 0 and at most the stage's 0",
            "component 'api': Tiers[0].BurstLimit = 0 is invalid: expected an integer from 1 to 9000",
            "component 'api': Clients[0].Tier = 'silver' is invalid: expected one of the tiers: gold",
            "component 'api': CognitoUserPoolArns = '1 user pool(s)' is invalid: expected none unless Auth = Cognito",
            "component 'api': Cache.Size = '2' is invalid: expected one of 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237",
            "component 'api': Cache.Ttl = 2 hours is invalid: expected a whole number of seconds from 0 to 3600",
            "component 'api': BinaryMediaTypes[0] = 'jpeg' is invalid: expected a media type such as image/png",
        ], error.Problems);
        Assert.Equal([alias], stack.Resources);
    }

    [Fact]
    public void Api_key_auth_without_clients_and_cognito_without_pools_are_refused()
    {
        var noClients = Assert.Throws<SynthesisException>(() => NewEndpoint(new Stack("proj", "dev"), a => a with { Clients = [] }));
        var noPools = Assert.Throws<SynthesisException>(() => NewEndpoint(new Stack("proj", "dev"), a => a with { Auth = RestApiAuth.Cognito }));

        Assert.Equal("component 'api': Clients = 'an empty list' is invalid: expected at least one client with Auth = ApiKey, or nobody could call the API", noClients.Problems.Single());
        Assert.Equal("component 'api': CognitoUserPoolArns = 'an empty list' is invalid: expected at least one user pool ARN with Auth = Cognito", noPools.Problems.Single());
    }

    [Fact]
    public void An_undefined_auth_mode_is_refused()
    {
        var error = Assert.Throws<SynthesisException>(() => NewEndpoint(new Stack("proj", "dev"), a => a with { Auth = (RestApiAuth)7 }));

        Assert.Equal("component 'api': Auth = 7 is invalid: expected one of ApiKey, Iam, Cognito", error.Problems.Single());
    }

    [Fact]
    public void The_same_method_and_path_twice_is_refused_even_with_differently_named_parameters()
    {
        var error = Assert.Throws<SynthesisException>(() => NewEndpoint(new Stack("proj", "dev"), a => a with
        {
            Routes = [new ApiRoute("one", "GET", "/v2/models/{name}"), new ApiRoute("two", "GET", "/v2/models/{model}")],
        }));

        Assert.Equal("component 'api': Routes = 'GET /v2/models/{}' is invalid: expected each method and path once", error.Problems.Single());
    }

    [GeneratedRegex(@"\$context(\.[A-Za-z]+)+")]
    private static partial Regex ContextVariable();

    /// <summary>Compares rendered nodes by value, maps included.</summary>
    private sealed class OrderedMapComparer : IEqualityComparer<object?>
    {
        public new bool Equals(object? x, object? y) =>
            JsonSerializer.Serialize(x) == JsonSerializer.Serialize(y);

        public int GetHashCode(object? obj) => 0;
    }
}
