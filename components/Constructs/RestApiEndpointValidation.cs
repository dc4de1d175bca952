using System.Text.RegularExpressions;
using Infra.Core;

namespace Infra.Components;

/// <summary>Checks a <see cref="RestApiEndpointArgs"/> and reports every problem at once.</summary>
internal static partial class RestApiEndpointValidation
{
    public static readonly IReadOnlyList<string> HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    internal const string Kebab = "lower-case letters, digits and single hyphens, starting with a letter, at most 20 characters";

    internal static bool IsKebabName(string? name) => name is not null && KebabName().IsMatch(name);

    public static void Validate(string path, RestApiEndpointArgs args)
    {
        var v = new ArgsValidation(path)
            .Check(StageName().IsMatch(args.StageName), nameof(args.StageName), args.StageName, "1 to 128 letters, digits, '-' or '_'")
            .Check(Enum.IsDefined(args.Auth), nameof(args.Auth), args.Auth, "one of " + string.Join(", ", Enum.GetNames<RestApiAuth>()))
            .Check(args.ThrottleRateLimit > 0 && args.ThrottleRateLimit <= 10_000, nameof(args.ThrottleRateLimit), args.ThrottleRateLimit, "requests per second above 0 and at most 10000")
            .Range(nameof(args.ThrottleBurstLimit), args.ThrottleBurstLimit, 1, 5000)
            .DurationOneOf(nameof(args.AccessLogRetention), args.AccessLogRetention, TimeUnit.Days, InferenceFunction.AllowedRetentionDays);

        ValidateTarget(v, args.Target);
        ValidateRoutes(v, args.Routes);
        ValidateClients(v, args);
        if (args.Auth == RestApiAuth.Cognito)
        {
            v.Check(args.CognitoUserPoolArns.Count > 0, nameof(args.CognitoUserPoolArns), "an empty list", "at least one user pool ARN with Auth = Cognito");
        }
        else
        {
            v.Check(args.CognitoUserPoolArns.Count == 0, nameof(args.CognitoUserPoolArns), $"{args.CognitoUserPoolArns.Count} user pool(s)", "none unless Auth = Cognito");
        }

        if (args.Cache is { } cache)
        {
            v.OneOf($"{nameof(args.Cache)}.{nameof(cache.Size)}", cache.Size, StageCacheSize.All)
                .Duration($"{nameof(args.Cache)}.{nameof(cache.Ttl)}", cache.Ttl, TimeUnit.Seconds, 0, 3600);
        }

        for (var i = 0; i < args.BinaryMediaTypes.Count; i++)
        {
            v.Check(MediaType().IsMatch(args.BinaryMediaTypes[i]), $"{nameof(args.BinaryMediaTypes)}[{i}]", args.BinaryMediaTypes[i], "a media type such as image/png");
        }

        v.ThrowIfInvalid();
    }

    private static void ValidateTarget(ArgsValidation v, LambdaAliasTarget? target, string prefix = nameof(RestApiEndpointArgs.Target))
    {
        if (target is null)
        {
            v.Check(false, prefix, null, "the function alias the routes invoke (LambdaAliasTarget.Of(function.Alias))");
            return;
        }

        var key = $"{prefix}.{nameof(target.AliasName)}";
        v.Check(AliasName().IsMatch(target.AliasName) && target.AliasName != "$LATEST", key, target.AliasName,
            "an alias name such as 'live' (not $LATEST and not a version number: the API must call a published, aliased version)");
        if (target.InvokeArn.Value is LiteralValue { Value: string arn })
        {
            v.Check(arn.EndsWith($":{target.AliasName}/invocations", StringComparison.Ordinal),
                $"{prefix}.{nameof(target.InvokeArn)}", arn, $"the invoke ARN of alias '{target.AliasName}', ending in ':{target.AliasName}/invocations'");
        }
    }

    private static void ValidateRoutes(ArgsValidation v, IReadOnlyList<ApiRoute> routes)
    {
        const string key = nameof(RestApiEndpointArgs.Routes);
        v.Check(routes.Count > 0, key, "an empty list", "at least one route");
        for (var i = 0; i < routes.Count; i++)
        {
            var route = routes[i];
            v.Check(KebabName().IsMatch(route.Name), $"{key}[{i}].Name", route.Name, Kebab)
                .OneOf($"{key}[{i}].HttpMethod", route.HttpMethod, HttpMethods)
                .Check(ValidPath(route), $"{key}[{i}].Path", route.Path,
                    "a path such as /v2/models/{name}: segments of letters, digits, '.', '_' or '-', or one {parameter}; {proxy+} only last");
            if (route.Target is { } own)
            {
                ValidateTarget(v, own, $"{key}[{i}].Target");
                v.Check(own.CanaryAliasName is null, $"{key}[{i}].Target.CanaryAliasName", "a canary alias",
                    "unset: the stage canary switches one stage variable for every route, so only the endpoint's Target may have one");
            }
        }

        foreach (var name in routes.GroupBy(r => r.Name).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            v.Check(false, $"{key}.Name", name, "route names that are unique");
        }

        foreach (var route in routes.GroupBy(r => (r.HttpMethod, Path: NormalizedPath(r))).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            v.Check(false, key, $"{route.HttpMethod} {route.Path}", "each method and path once");
        }
    }

    private static void ValidateClients(ArgsValidation v, RestApiSettings args)
    {
        var tiers = args.Tiers;
        for (var i = 0; i < tiers.Count; i++)
        {
            var tier = tiers[i];
            var at = $"{nameof(args.Tiers)}[{i}]";
            v.Check(KebabName().IsMatch(tier.Name), $"{at}.Name", tier.Name, Kebab)
                .Check(tier.QuotaLimit > 0, $"{at}.QuotaLimit", tier.QuotaLimit, "a positive number of requests")
                .OneOf($"{at}.QuotaPeriod", tier.QuotaPeriod, QuotaPeriod.All)
                .Check(tier.RateLimit > 0 && tier.RateLimit <= args.ThrottleRateLimit, $"{at}.RateLimit", tier.RateLimit, $"requests per second above 0 and at most the stage's {args.ThrottleRateLimit}")
                .Range($"{at}.BurstLimit", tier.BurstLimit, 1, args.ThrottleBurstLimit);
        }

        foreach (var duplicate in tiers.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            v.Check(false, $"{nameof(args.Tiers)}.Name", duplicate, "tier names that are unique");
        }

        var tierNames = tiers.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < args.Clients.Count; i++)
        {
            var client = args.Clients[i];
            var at = $"{nameof(args.Clients)}[{i}]";
            v.Check(KebabName().IsMatch(client.Name), $"{at}.Name", client.Name, Kebab)
                .Check(tierNames.Contains(client.Tier), $"{at}.Tier", client.Tier, "one of the tiers: " + (tierNames.Count == 0 ? "(none declared)" : string.Join(", ", tierNames)));
        }

        foreach (var duplicate in args.Clients.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            v.Check(false, $"{nameof(args.Clients)}.Name", duplicate, "client names that are unique");
        }

        if (args.Auth == RestApiAuth.ApiKey)
        {
            v.Check(args.Clients.Count > 0, nameof(args.Clients), "an empty list", "at least one client with Auth = ApiKey, or nobody could call the API");
        }
    }

    private static bool ValidPath(ApiRoute route)
    {
        if (!route.Path.StartsWith('/') || route.Path.Contains("//", StringComparison.Ordinal) || route.Path.EndsWith('/'))
        {
            return false;
        }

        var segments = route.Segments;
        return segments.Count > 0 && segments.Select((segment, i) =>
            PathSegment().IsMatch(segment)
            || ParameterSegment().IsMatch(segment)
            || (i == segments.Count - 1 && ProxySegment().IsMatch(segment))).All(ok => ok);
    }

    private static string NormalizedPath(ApiRoute route) => "/" + string.Join("/", route.Segments.Select(s => s.StartsWith('{') ? "{}" : s));

    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex StageName();

    [GeneratedRegex("^(?![0-9]+$)[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex AliasName();

    [GeneratedRegex("^(?=.{1,20}$)[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex KebabName();

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex PathSegment();

    [GeneratedRegex("^\\{[A-Za-z][A-Za-z0-9_]*\\}$")]
    private static partial Regex ParameterSegment();

    [GeneratedRegex("^\\{[A-Za-z][A-Za-z0-9_]*\\+\\}$")]
    private static partial Regex ProxySegment();

    [GeneratedRegex("^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+*-]+$")]
    private static partial Regex MediaType();
}
