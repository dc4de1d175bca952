using Infra.Aws;
using Infra.Aws.ApiGateway;
using Infra.Aws.CloudWatch;
using Infra.Aws.Iam;
using Infra.Aws.Lambda;
using Infra.Core;
using ApiResource = Infra.Aws.ApiGateway.Resource;
using ApiResourceArgs = Infra.Aws.ApiGateway.ResourceArgs;

namespace Infra.Components;

/// <summary>
/// A regional API Gateway REST API in front of a Lambda alias: the routes with Lambda proxy
/// integrations, a request validator, binary media types, a deployment replaced whenever the
/// definition changes, a stage with throttling, JSON access logs in a KMS-encrypted log group
/// and X-Ray, optional caching, and API keys in usage plans per client tier.
/// </summary>
public sealed class RestApiEndpoint : ComponentResource
{
    private readonly List<Infra.Core.Resource> _definition = [];
    private readonly Dictionary<string, ApiResource> _pathResources = new(StringComparer.Ordinal);

    public RestApiEndpoint(IScope scope, string name, RestApiEndpointArgs args, ComponentResourceOptions? options = null)
        : base("ml:RestApiEndpoint", scope, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        RestApiEndpointValidation.Validate(Path, args);
        Settings = args;
        StageName = args.StageName;

        RestApi = Define(new RestApi(this, "api", new RestApiArgs
        {
            Description = $"Inference API of {Path}",
            EndpointConfiguration = new RestApiEndpointConfigurationArgs { Types = "REGIONAL" },
            ApiKeySource = "HEADER",
            BinaryMediaTypes = args.BinaryMediaTypes.ToArray(),
        }));
        var validator = Define(new RequestValidator(this, "validator", new RequestValidatorArgs
        {
            RestApi = RestApi.Id,
            Name = "parameters-and-body",
            ValidateRequestParameters = true,
            ValidateRequestBody = true,
        }));
        var authorizer = args.Auth == RestApiAuth.Cognito
            ? Define(new Authorizer(this, "authorizer", new AuthorizerArgs
            {
                RestApi = RestApi.Id,
                Type = "COGNITO_USER_POOLS",
                ProviderArns = InputList<string>.From(args.CognitoUserPoolArns),
                IdentitySource = "method.request.header.Authorization",
            }))
            : null;

        var dependsOnDefinition = new List<Infra.Core.Resource>();
        foreach (var route in args.Routes)
        {
            dependsOnDefinition.AddRange(AddRoute(route, args, validator, authorizer));
        }

        dependsOnDefinition.Add(ErrorResponse("default-4xx", "DEFAULT_4XX"));
        dependsOnDefinition.Add(ErrorResponse("default-5xx", "DEFAULT_5XX"));

        DefinitionHash = ApiDefinitionHash.Of(_definition);
        var deployment = new Deployment(this, "deployment", new DeploymentArgs
        {
            RestApi = RestApi.Id,
            Description = $"API definition {DefinitionHash[..12]}",
            Triggers = new InputMap<string> { ["definition"] = DefinitionHash },
        }, new CustomResourceOptions { DependsOn = dependsOnDefinition });

        var logsKey = LogEncryptionKey.Create(this, "logs-key", $"Encrypts the access logs of API {Path}");
        AccessLogGroup = new LogGroup(this, "access-logs", new LogGroupArgs { RetentionInDays = (int)TimeUnit.Days.Count(args.AccessLogRetention), KmsKeyId = logsKey.Arn });

        RequireAccountLogging(args.AccountLogging);
        Stage = new Stage(this, "stage", new StageArgs
        {
            RestApi = RestApi.Id,
            Deployment = deployment.Id,
            StageName = args.StageName,
            Description = $"Stage {args.StageName} of {Path}",
            XrayTracingEnabled = true,
            AccessLogSettings = new StageAccessLogSettingsArgs { DestinationArn = AccessLogGroup.Arn, Format = ApiAccessLog.Format },
            CacheClusterEnabled = args.Cache is not null ? true : null,
            CacheClusterSize = args.Cache is { } cache ? (Input<string>)cache.Size.Value : null,
            Variables = args.Target.CanaryAliasName is null ? null : new InputMap<string> { [StageCanary.Variable] = args.Target.AliasName },
            CanarySettings = args.Target.CanaryAliasName is { } canary ? StageCanary.Settings(deployment.Id, canary) : null,
        }, new CustomResourceOptions
        {
            // Without the account's CloudWatch role, creating a stage with access logs fails.
            DependsOn = args.AccountLogging is { } logging ? [logging.Account] : [],
            // A gradual rollout moves the canary's share; Pulumi only creates it at 0 %.
            IgnoreChanges = args.Target.CanaryAliasName is null ? [] : ["canarySettings.percentTraffic"],
        });

        new MethodSettings(this, "method-settings", new MethodSettingsArgs
        {
            RestApi = RestApi.Id,
            StageName = Stage.StageName,
            MethodPath = "*/*",
            Settings = new MethodSettingsSettingsArgs
            {
                MetricsEnabled = true,
                // Request and response bodies (images, tensors) never go to the execution logs.
                DataTraceEnabled = false,
                ThrottlingRateLimit = args.ThrottleRateLimit,
                ThrottlingBurstLimit = args.ThrottleBurstLimit,
                CachingEnabled = args.Cache is not null,
                CacheTtlInSeconds = args.Cache is { } ttl ? (Input<double>)TimeUnit.Seconds.Count(ttl.Ttl) : null,
                CacheDataEncrypted = args.Cache is not null ? true : null,
                RequireAuthorizationForCacheControl = args.Cache is not null ? true : null,
                UnauthorizedCacheControlHeaderStrategy = args.Cache is not null ? (Input<string>)"FAIL_WITH_403" : null,
            },
        });

        (UsagePlans, ApiKeys) = AddUsagePlans(args);
        UsageQuery = new QueryDefinition(this, "usage-query", new QueryDefinitionArgs
        {
            Name = $"{Stack.ProjectName}/{Stack.StackName}/{Path}/requests-by-client",
            LogGroupNames = new Input<string>[] { AccessLogGroup.LogGroupName },
            QueryString = ApiAccessLog.UsageByClientQuery,
        });
    }

    /// <summary>The validated arguments: routes, auth, tiers, clients, throttling (local mode serves from them).</summary>
    public RestApiEndpointArgs Settings { get; }

    public RestApi RestApi { get; }

    public Stage Stage { get; }

    public LogGroup AccessLogGroup { get; }

    public QueryDefinition UsageQuery { get; }

    /// <summary>The usage plan of each tier, by tier name.</summary>
    public IReadOnlyDictionary<string, UsagePlan> UsagePlans { get; }

    /// <summary>The API key of each client, by client name. Their values are secret outputs.</summary>
    public IReadOnlyDictionary<string, ApiKey> ApiKeys { get; }

    /// <summary>The SHA-256 of the emitted API definition; the deployment's trigger.</summary>
    public string DefinitionHash { get; }

    public string StageName { get; }

    public Output<string> RestApiId => RestApi.Id;

    public Output<string> ExecutionArn => RestApi.ExecutionArn;

    /// <summary>The stage's base URL, e.g. <c>https://{id}.execute-api.{region}.amazonaws.com/prod</c>; routes follow it.</summary>
    public Output<string> InvokeUrl => Stage.InvokeUrl;

    /// <summary>The stage ARN in the form WAF associates with.</summary>
    public Output<string> StageArn => ApiGatewayArns.Stage(Stack, RestApi.Id, Stage.StageName);

    /// <summary>The usage plan id of each tier, for <c>aws apigateway get-usage</c>.</summary>
    public IReadOnlyDictionary<string, Output<string>> UsagePlanIds => UsagePlans.ToDictionary(p => p.Key, p => p.Value.Id);

    public IReadOnlyDictionary<string, Output<string>> ApiKeyIds => ApiKeys.ToDictionary(k => k.Key, k => k.Value.Id);

    /// <summary>The key values, wrapped in <c>fn::secret</c> so that a stack output of them stays encrypted.</summary>
    public IReadOnlyDictionary<string, Output<string>> ApiKeyValues => ApiKeys.ToDictionary(k => k.Key, k => Secret(k.Value.Value));

    private static Output<string> Secret(Output<string> value) => new(new FunctionValue("fn::secret", value.Value));

    /// <summary>This API's stage for <see cref="InferenceMonitoringArgs.Api"/>: its 5xx and 4xx rate alarms.</summary>
    public ApiMetrics MonitoredApi => new(RestApi.RestApiName, StageName);

    /// <summary>An AWS/ApiGateway metric of this API's stage (dimensions ApiName and Stage).</summary>
    public CloudWatchMetric Metric(string metricName, string statistic) =>
        new("AWS/ApiGateway", metricName, new Dictionary<string, Input<string>> { ["ApiName"] = RestApi.RestApiName, ["Stage"] = StageName }, statistic);

    /// <summary>The share of requests answered 5xx: the Average of 5XXError is a rate from 0 to 1.</summary>
    public CloudWatchMetric ServerErrorRate => Metric("5XXError", "Average");

    /// <summary>The share of requests answered 4xx (Average of 4XXError).</summary>
    public CloudWatchMetric ClientErrorRate => Metric("4XXError", "Average");

    public CloudWatchMetric Requests => Metric("Count", "Sum");

    public CloudWatchMetric LatencyP95 => Metric("Latency", "p95");

    /// <summary>A dashboard widget (CloudWatch dashboard body JSON, as an object): requests, 4xx and 5xx over time.</summary>
    public IReadOnlyDictionary<string, object> ErrorsWidget(int x, int y, int width = 12, int height = 6) => Widget("metric", x, y, width, height, new Dictionary<string, object>
    {
        ["title"] = $"API {Path}: requests and errors",
        ["region"] = AwsContext.Region(Stack),
        ["view"] = "timeSeries",
        ["stacked"] = false,
        ["period"] = 300,
        ["metrics"] = new object[]
        {
            Metric("Count", "Sum").WidgetEntry("requests"),
            Metric("4XXError", "Sum").WidgetEntry("4xx"),
            Metric("5XXError", "Sum").WidgetEntry("5xx"),
        },
    });

    /// <summary>A dashboard widget (Logs Insights table): requests, status classes and latency per API key id.</summary>
    public IReadOnlyDictionary<string, object> UsageByClientWidget(int x, int y, int width = 12, int height = 6) => Widget("log", x, y, width, height, new Dictionary<string, object>
    {
        ["title"] = $"API {Path}: requests and errors per client (API key id)",
        ["region"] = AwsContext.Region(Stack),
        ["view"] = "table",
        ["query"] = Output.Format($"SOURCE '{AccessLogGroup.LogGroupName}' | {ApiAccessLog.UsageByClientQuery.Replace("\n", " ", StringComparison.Ordinal)}"),
    });

    private static Dictionary<string, object> Widget(string type, int x, int y, int width, int height, Dictionary<string, object> properties) => new()
    {
        ["type"] = type,
        ["x"] = x,
        ["y"] = y,
        ["width"] = width,
        ["height"] = height,
        ["properties"] = properties,
    };

    private T Define<T>(T resource)
        where T : Infra.Core.Resource
    {
        _definition.Add(resource);
        return resource;
    }

    private IEnumerable<Infra.Core.Resource> AddRoute(ApiRoute route, RestApiEndpointArgs args, RequestValidator validator, Authorizer? authorizer)
    {
        var target = route.Target ?? args.Target;
        var resource = PathResource(route.Segments);
        var model = route.JsonBodySchema is { } schema
            ? Define(new Model(this, $"{route.Name}-model", new ModelArgs
            {
                RestApi = RestApi.Id,
                Name = string.Concat(route.Name.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..])) + "Request",
                ContentType = "application/json",
                Schema = schema,
            }))
            : null;

        var parameters = new InputMap<bool>();
        foreach (var parameter in route.PathParameters)
        {
            parameters.Add($"method.request.path.{parameter}", true);
        }

        var method = Define(new Method(this, $"{route.Name}-method", new MethodArgs
        {
            RestApi = RestApi.Id,
            ResourceId = resource.Id,
            HttpMethod = route.HttpMethod,
            Authorization = args.Auth switch
            {
                RestApiAuth.Iam => "AWS_IAM",
                RestApiAuth.Cognito => "COGNITO_USER_POOLS",
                _ => "NONE",
            },
            AuthorizerId = authorizer is null ? null : (Input<string>)authorizer.Id,
            ApiKeyRequired = args.Auth == RestApiAuth.ApiKey || args.Clients.Count > 0,
            RequestValidatorId = validator.Id,
            RequestParameters = parameters.Count > 0 ? parameters : null,
            RequestModels = model is null ? null : new InputMap<string> { ["application/json"] = model.ModelName },
        }));

        var integration = Define(new Integration(this, $"{route.Name}-integration", new IntegrationArgs
        {
            RestApi = RestApi.Id,
            ResourceId = resource.Id,
            HttpMethod = method.HttpMethod,
            Type = "AWS_PROXY",
            // Lambda is always invoked with POST, whatever the route's method.
            IntegrationHttpMethod = "POST",
            Uri = target.CanaryAliasName is null ? target.InvokeArn : StageCanary.InvokeArn(Stack, target.FunctionArn!),
            // With a stage cache, /v2/models/a and /v2/models/b must not share an entry.
            CacheKeyParameters = parameters.Count > 0 ? InputList<string>.From(parameters.Keys.Select(k => (Input<string>)k)) : null,
        }));

        foreach (var (suffix, alias) in new[] { ("", (Input<string>?)target.AliasName), ("-canary", target.CanaryAliasName) })
        {
            if (alias is null)
            {
                continue;
            }

            new Permission(this, $"{route.Name}-permission{suffix}", new PermissionArgs
            {
                Action = "lambda:InvokeFunction",
                Function = target.FunctionName,
                Qualifier = alias,
                Principal = "apigateway.amazonaws.com",
                SourceArn = Output.Format($"{RestApi.ExecutionArn}/{args.StageName}/{route.HttpMethod}{route.ArnPath}"),
            });
        }

        return [method, integration];
    }

    private ApiResource PathResource(IReadOnlyList<string> segments)
    {
        ApiResource? parent = null;
        for (var depth = 1; depth <= segments.Count; depth++)
        {
            var key = string.Join("/", segments.Take(depth));
            if (!_pathResources.TryGetValue(key, out var resource))
            {
                var name = "path-" + string.Join("-", segments.Take(depth).Select(s => s.Trim('{', '}', '+').Replace('_', '-').Replace('.', '-').ToLowerInvariant()));
                resource = Define(new ApiResource(this, name, new ApiResourceArgs
                {
                    RestApi = RestApi.Id,
                    ParentId = parent is null ? RestApi.RootResourceId : parent.Id,
                    PathPart = segments[depth - 1],
                }));
                _pathResources.Add(key, resource);
            }

            parent = resource;
        }

        return parent!;
    }

    // API Gateway's own errors (missing key, throttled, invalid body, ...) in the function's error shape.
    private Response ErrorResponse(string name, string type) => Define(new Response(this, name, new ResponseArgs
    {
        RestApiId = RestApi.Id,
        ResponseType = type,
        ResponseTemplates = new InputMap<string>
        {
            ["application/json"] = "{\"error\":$context.error.messageString,\"code\":\"$context.error.responseType\",\"requestId\":\"$context.requestId\"}",
        },
    }));

    private void RequireAccountLogging(ApiGatewayAccountLogging? logging)
    {
        if (logging is not null)
        {
            // Merged with the logging component's own declaration, which it made first.
            Stack.Require(this, new Prerequisite(ApiGatewayAccountLogging.PrerequisiteId, ApiGatewayAccountLogging.PrerequisiteSubject, PrerequisiteOwner.ThisStack,
                $"set by {logging.Path}"));
            return;
        }

        Stack.Require(this, new Prerequisite(ApiGatewayAccountLogging.PrerequisiteId, ApiGatewayAccountLogging.PrerequisiteSubject, PrerequisiteOwner.Account,
            "expected to be set already: `aws apigateway get-account` must show a cloudwatchRoleArn in this region, or creating the stage fails with " +
            "\"CloudWatch Logs role ARN must be set in account settings to enable logging\"; set it in exactly one stack per account and region"));
    }

    private (IReadOnlyDictionary<string, UsagePlan> Plans, IReadOnlyDictionary<string, ApiKey> Keys) AddUsagePlans(RestApiEndpointArgs args)
    {
        var plans = new Dictionary<string, UsagePlan>(StringComparer.Ordinal);
        foreach (var tier in args.Tiers)
        {
            plans[tier.Name] = new UsagePlan(this, $"plan-{tier.Name}", new UsagePlanArgs
            {
                Name = $"{Stack.ProjectName}-{Stack.StackName}-{QualifyName(tier.Name)}",
                Description = $"Tier {tier.Name} of API {Path}",
                ApiStages = new[] { new UsagePlanApiStageArgs { ApiId = RestApi.Id, Stage = Stage.StageName } },
                QuotaSettings = new UsagePlanQuotaSettingsArgs { Limit = tier.QuotaLimit, Period = tier.QuotaPeriod.Value },
                ThrottleSettings = new UsagePlanThrottleSettingsArgs { RateLimit = tier.RateLimit, BurstLimit = tier.BurstLimit },
            },
            // Without it the plan can be created before the stage exists: "Invalid API Stage".
            new CustomResourceOptions { DependsOn = [Stage] });
        }

        var keys = new Dictionary<string, ApiKey>(StringComparer.Ordinal);
        foreach (var client in args.Clients)
        {
            var key = new ApiKey(this, $"key-{client.Name}", new ApiKeyArgs
            {
                Name = $"{Stack.ProjectName}-{Stack.StackName}-{QualifyName(client.Name)}",
                Description = $"Client {client.Name} ({client.Tier}) of API {Path}",
                CustomerId = client.Name,
                Enabled = true,
            }, new CustomResourceOptions { AdditionalSecretOutputs = ["value"] });
            new UsagePlanKey(this, $"plan-key-{client.Name}", new UsagePlanKeyArgs
            {
                KeyId = key.Id,
                KeyType = "API_KEY",
                UsagePlanId = plans[client.Tier].Id,
            });
            keys[client.Name] = key;
        }

        return (plans, keys);
    }
}
