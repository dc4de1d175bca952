using System.Diagnostics.CodeAnalysis;
using Infra.Core;

namespace Infra.Components;

/// <summary>How callers authenticate. REST APIs also support Lambda authorizers; Cognito covers the JWT case here.</summary>
public enum RestApiAuth
{
    /// <summary>An API key per client in the <c>x-api-key</c> header; usage plans meter and throttle each key.</summary>
    ApiKey,

    /// <summary>SigV4-signed requests (AWS_IAM); callers need <c>execute-api:Invoke</c> on the route.</summary>
    Iam,

    /// <summary>A Cognito user pool's ID or access token (a JWT) in the <c>Authorization</c> header (COGNITO_USER_POOLS).</summary>
    Cognito,
}

/// <summary>
/// The REST API's settings without its target: what an API pattern takes as its <c>Api</c> (the pattern routes the API
/// to its own function), and the base of <see cref="RestApiEndpointArgs"/>.
/// </summary>
public record RestApiSettings
{
    public IReadOnlyList<ApiRoute> Routes { get; init; } = ApiRoute.Inference;

    public string StageName { get; init; } = "prod";

    public RestApiAuth Auth { get; init; } = RestApiAuth.ApiKey;

    /// <summary>The user pools whose tokens the Cognito authorizer accepts (with <see cref="RestApiAuth.Cognito"/>).</summary>
    public IReadOnlyList<Input<string>> CognitoUserPoolArns { get; init; } = [];

    /// <summary>Usage-plan tiers; every client belongs to one.</summary>
    public IReadOnlyList<UsagePlanTier> Tiers { get; init; } = [];

    /// <summary>
    /// Clients, each with its own API key in its tier's usage plan. Required with
    /// <see cref="RestApiAuth.ApiKey"/>; with the other modes, keys are added on top for metering.
    /// </summary>
    public IReadOnlyList<ApiClient> Clients { get; init; } = [];

    /// <summary>Stage-wide steady-state limit, requests per second, over all clients.</summary>
    public double ThrottleRateLimit { get; init; } = 100;

    public int ThrottleBurstLimit { get; init; } = 200;

    /// <summary>The access-log group's retention: whole days, one of CloudWatch's allowed counts.</summary>
    public TimeSpan AccessLogRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// A stage cache; null turns it off. API Gateway caches GET methods only, keyed here by their
    /// path parameters, so inference (POST) is never cached; health answers are cached for the TTL too.
    /// </summary>
    public StageCacheArgs? Cache { get; init; }

    /// <summary>Content types API Gateway passes to the function as binary (base64 in the proxy event).</summary>
    public IReadOnlyList<string> BinaryMediaTypes { get; init; } = ["image/jpeg", "image/png", "image/webp", "application/octet-stream"];

    /// <summary>
    /// The stack's setting of the region's API Gateway CloudWatch role, which access logging needs; the stage waits for
    /// it. Null relies on the account having the role set already (preview lists it as a prerequisite). Pass the same
    /// component to every API of the stack: there is one such setting per account and region.
    /// </summary>
    public ApiGatewayAccountLogging? AccountLogging { get; init; }
}

/// <summary>A <see cref="RestApiEndpoint"/>'s arguments: the settings, and the function alias the routes invoke.</summary>
public sealed record RestApiEndpointArgs : RestApiSettings
{
    public RestApiEndpointArgs()
    {
    }

    /// <summary>The settings (e.g. a pattern's <c>Api</c>) routed to the target.</summary>
    [SetsRequiredMembers]
    public RestApiEndpointArgs(RestApiSettings settings, LambdaAliasTarget target)
        : base(settings ?? throw new ArgumentNullException(nameof(settings)))
    {
        Target = target ?? throw new ArgumentNullException(nameof(target));
    }

    /// <summary>The function alias the routes invoke (the inference function's <c>live</c> alias), never <c>$LATEST</c>.</summary>
    public required LambdaAliasTarget Target { get; init; }
}

/// <summary>The Lambda alias behind the routes: its function, its name and its invoke ARN (the alias's <c>invokeArn</c>).</summary>
public sealed record LambdaAliasTarget
{
    public required Input<string> FunctionName { get; init; }

    public string AliasName { get; init; } = "live";

    public required Input<string> InvokeArn { get; init; }

    /// <summary>
    /// A second alias that the stage's canary invokes, chosen by the stage variable <c>lambdaAlias</c>: set by a gradual
    /// rollout of a function with provisioned concurrency, which splits traffic at the stage instead of with alias
    /// weights (Lambda refuses provisioned concurrency on a weighted alias). Needs <see cref="FunctionArn"/>.
    /// </summary>
    public Input<string>? CanaryAliasName { get; init; }

    /// <summary>The function's unqualified ARN, for the stage-variable integration URI of <see cref="CanaryAliasName"/>.</summary>
    public Input<string>? FunctionArn { get; init; }

    public static LambdaAliasTarget Of(Aws.Lambda.Alias alias, string aliasName = "live")
    {
        ArgumentNullException.ThrowIfNull(alias);
        return new LambdaAliasTarget { FunctionName = alias.FunctionName, AliasName = aliasName, InvokeArn = alias.InvokeArn };
    }
}

/// <summary>A usage plan: a quota per period and a throttle per key.</summary>
public sealed record UsagePlanTier
{
    /// <summary>The tier's name, which clients name (<see cref="ApiClient.Tier"/>).</summary>
    public required string Name { get; init; }

    /// <summary>Requests each client may make per <see cref="QuotaPeriod"/>.</summary>
    public required int QuotaLimit { get; init; }

    public required QuotaPeriod QuotaPeriod { get; init; }

    /// <summary>Each client's steady-state limit, requests per second.</summary>
    public required double RateLimit { get; init; }

    /// <summary>Each client's burst, in requests.</summary>
    public required int BurstLimit { get; init; }
}

/// <summary>A client of the API: it gets one API key in its tier's usage plan.</summary>
public sealed record ApiClient(string Name, string Tier)
{
    /// <summary>What a client name may be; it becomes part of the API key's and usage plan key's names.</summary>
    public const string NameRules = RestApiEndpointValidation.Kebab;

    public static bool IsValidName(string? name) => RestApiEndpointValidation.IsKebabName(name);
}

public sealed record StageCacheArgs
{
    /// <summary>Cache cluster size, one of API Gateway's sizes (in GB).</summary>
    public StageCacheSize Size { get; init; } = StageCacheSize.Gb0_5;

    /// <summary>How long a cached response is served, whole seconds up to one hour.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(300);
}
