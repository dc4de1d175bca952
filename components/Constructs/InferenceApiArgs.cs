using Infra.Core;

namespace Infra.Components;

/// <summary>What the REST and container patterns share: the API in front of the function, its WAF and its monitoring.</summary>
public abstract record InferenceApiArgs : ApiFrontArgs
{
    /// <summary>The served model and version, the dimensions of the function's metrics.</summary>
    public required string ModelName { get; init; }

    public required string ModelVersion { get; init; }

    /// <summary>Alarm (and roll back a rollout) when top-1 accuracy from client feedback falls below this percentage; needs the predictions log.</summary>
    public double? MinimumAccuracyPercent { get; init; }

    /// <summary>Share of requests written to a DynamoDB predictions log (0 to 1); null creates no log. Only hashes, sizes and outputs are stored, never payloads.</summary>
    public double? PredictionLogSampleRate { get; init; }

    /// <summary>A prediction cache shared by all instances, behind each instance's in-memory cache: none, a DynamoDB table, or ElastiCache Serverless in the function's VPC.</summary>
    public SharedCacheStore SharedCache { get; init; }

    /// <summary>Protect the predictions log and its key from deletion (production).</summary>
    public bool ProtectData { get; init; }

    /// <summary>Move traffic to each new function version in steps, rolling back on any alarm; null moves it at once.</summary>
    public GradualRolloutArgs? Rollout { get; init; }

    /// <summary>A/B variants, a legacy backend to migrate from, and shadow traffic, split inside the function (docs/rollout.md); null serves one model.</summary>
    public TrafficSplitArgs? TrafficSplit { get; init; }
}

/// <summary>API Gateway → WAF → a function's <c>live</c> alias, with monitoring: the front of both API patterns.</summary>
internal sealed record InferenceApiFront(RestApiEndpoint Api, Waf Waf, InferenceMonitoring Monitoring)
{
    public static void Validate(ArgsValidation check, InferenceApiArgs args, InferenceFunctionArgs function)
    {
        TrafficSplitSettings.Validate(check, args.TrafficSplit, function, args.ModelVersion);
        RolloutPlan.Validate(check, args.Rollout, function, stageCanary: true)
            .Check(args.MinimumAccuracyPercent is null || args.PredictionLogSampleRate is not null, nameof(args.MinimumAccuracyPercent), args.MinimumAccuracyPercent,
                "null unless PredictionLogSampleRate is set: feedback, which the accuracy comes from, is stored in the predictions log")
            .Check(args.PredictionLogSampleRate is null or >= 0 and <= 1, nameof(args.PredictionLogSampleRate), args.PredictionLogSampleRate, "a fraction from 0 to 1, or null for no log")
            .Check(args.Api is not RestApiEndpointArgs, "Api.Target", "a target", "unset: the pattern routes the API to its own function's live alias")
            .Check(function.Timeout <= TimeSpan.FromSeconds(29), "Function.Timeout", function.Timeout, "at most 29 seconds: API Gateway ends a REST integration after 29 s, so a longer function timeout only burns money")
            .Check(Enum.IsDefined(args.SharedCache), nameof(args.SharedCache), args.SharedCache, "one of " + string.Join(", ", Enum.GetNames<SharedCacheStore>()))
            .Check(args.SharedCache != SharedCacheStore.ElastiCacheServerless || function.Network is { VpcId: not null }, "Function.Network",
                function.Network is null ? null : "a network without VpcId",
                "a network with SubnetIds, SecurityGroupIds and VpcId when SharedCache is ElastiCacheServerless: the cache lives in the function's VPC (use DynamoDb for a cache without a VPC)");
    }

    public static InferenceApiFront Build(ComponentResource owner, InferenceFunction function, InferenceApiArgs args)
    {
        var api = new RestApiEndpoint(owner, "api", new RestApiEndpointArgs(args.Api, RolloutPlan.ApiTarget(function, args.Rollout)));
        var waf = new Waf(owner, "waf", args.Waf);
        waf.Associate(api);
        var monitoring = new InferenceMonitoring(owner, "monitoring", new InferenceMonitoringArgs
        {
            Function = function,
            Notifications = args.Notifications,
            ModelName = args.ModelName,
            ModelVersion = args.ModelVersion,
            Api = api.MonitoredApi,
            ErrorRatePercent = args.ErrorRatePercent,
            P95Duration = args.P95Duration,
            ColdStartRatePercent = args.ColdStartRatePercent,
            Variants = args.TrafficSplit?.Variants.Select(v => v.Name).ToArray() ?? [],
            ShadowVariant = args.TrafficSplit?.Shadow?.Variant,
            MinimumAccuracyPercent = args.MinimumAccuracyPercent,
            ExtraWidgets = [api.ErrorsWidget(0, 0), api.UsageByClientWidget(0, 0)],
        });
        return new InferenceApiFront(api, waf, monitoring);
    }
}

/// <summary>
/// A pattern whose function takes its model from the registry (a <c>ModelBucket</c> without a <c>ModelKey</c>) serves
/// exactly the pattern's <c>ModelName</c> and <c>ModelVersion</c>, which are also its metric dimensions.
/// </summary>
internal static class RegistryPin
{
    public static bool FromRegistry(InferenceFunctionArgs function) => function.ModelBucket is not null && function.ModelKey is null;

    public static ArgsValidation CheckPin(this ArgsValidation check, InferenceFunctionArgs function, string modelName, string modelVersion) =>
        check.Check(!FromRegistry(function) || function.ModelVersion is null || function.ModelVersion == modelVersion, "Function.ModelVersion", function.ModelVersion,
                $"unset or '{modelVersion}': the pattern's ModelVersion is the registry version its function serves")
            .Check(!FromRegistry(function) || function.ModelName is null || function.ModelName == modelName, "Function.ModelName", function.ModelName,
                $"unset or '{modelName}': the pattern's ModelName is the registry model its function serves");

    public static InferenceFunctionArgs Apply(InferenceFunctionArgs function, string modelName, string modelVersion) =>
        FromRegistry(function) ? function with { ModelName = modelName, ModelVersion = modelVersion } : function;
}
