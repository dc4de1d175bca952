using System.Net;
using System.Net.Sockets;
using Infra.Aws;
using Infra.Aws.CloudWatch;
using Infra.Aws.WafV2;
using Infra.Core;

namespace Infra.Components;

public sealed record WafArgs
{
    /// <summary>AWSManagedRulesCommonRuleSet (OWASP-style checks). Its 8 KB body-size rule only counts: <see cref="MaxBody"/> decides.</summary>
    public bool CommonRuleSet { get; init; } = true;

    /// <summary>
    /// Rules of the Common group that only count instead of blocking. SizeRestrictions_BODY (8 KB)
    /// would refuse every image; add body rules here (e.g. CrossSiteScripting_BODY) if their
    /// sampled requests show them matching binary uploads.
    /// </summary>
    public IReadOnlyList<string> CommonRulesCountOnly { get; init; } = ["SizeRestrictions_BODY"];

    /// <summary>AWSManagedRulesKnownBadInputsRuleSet (exploit patterns such as Log4j lookups).</summary>
    public bool KnownBadInputsRuleSet { get; init; } = true;

    /// <summary>AWSManagedRulesAmazonIpReputationList (addresses Amazon threat intelligence flags).</summary>
    public bool IpReputationList { get; init; } = true;

    /// <summary>Requests one client IP may make per <see cref="RateLimitWindow"/> before it is blocked (429).</summary>
    public int RateLimitPerIp { get; init; } = 2000;

    /// <summary>The rate rule's sliding window: 1, 2, 5 or 10 minutes.</summary>
    public TimeSpan RateLimitWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Bodies larger than this are blocked (413). Up to <see cref="BodyInspectionLimit"/> WAF measures
    /// the body itself; above it WAF cannot see the whole body, so the limit is enforced on the
    /// Content-Length header instead. API Gateway caps bodies at 10 MB.
    /// </summary>
    public DataSize MaxBody { get; init; } = DataSize.FromMebibytes(4);

    /// <summary>How much of an API Gateway request body WAF inspects: KB_16 (in the base price), KB_32, KB_48 or KB_64 (charged extra).</summary>
    public WafBodyInspectionLimit BodyInspectionLimit { get; init; } = WafBodyInspectionLimit.Kb16;

    /// <summary>When set, only these addresses pass; everyone else gets 403.</summary>
    public IpAddressList? Allowlist { get; init; }

    /// <summary>Addresses that always get 403, checked before everything else.</summary>
    public IpAddressList? Blocklist { get; init; }

    /// <summary>WAF logs into a KMS-encrypted CloudWatch log group; null turns logging off.</summary>
    public WafLoggingArgs? Logging { get; init; }
}

/// <summary>
/// CIDR blocks such as <c>203.0.113.0/24</c>. Items may be outputs, for example Pulumi config
/// secrets, so that the addresses never appear in the program text.
/// </summary>
public sealed record IpAddressList
{
    public IReadOnlyList<Input<string>> Ipv4 { get; init; } = [];

    public IReadOnlyList<Input<string>> Ipv6 { get; init; } = [];
}

public sealed record WafLoggingArgs
{
    /// <summary>The log group's name; WAF requires the prefix <c>aws-waf-logs-</c>. Null derives one from the project, stack and component.</summary>
    public string? LogGroupName { get; init; }

    /// <summary>The log group's retention: whole days, one of CloudWatch's allowed counts.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Headers WAF replaces with REDACTED in its logs, so that credentials never reach them.</summary>
    public IReadOnlyList<string> RedactedHeaders { get; init; } = ["authorization", "x-api-key"];
}

/// <summary>
/// How a blocking rule of <see cref="Waf"/> answers (a WAF custom response): the status and a JSON
/// body in the function's error shape. Local mode answers blocked requests with the same.
/// </summary>
public sealed record WafBlockResponse(string Key, int Status, string Message, string Code)
{
    public static WafBlockResponse IpBlocked { get; } = new("ip-blocked", 403, "Your address is blocked.", "ip_blocked");

    public static WafBlockResponse IpNotAllowed { get; } = new("ip-not-allowed", 403, "Your address is not on the allowlist.", "ip_not_allowed");

    public string Body => System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = Message, ["code"] = Code });

    public static WafBlockResponse RateLimited(WafArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new("rate-limited", 429, $"More than {args.RateLimitPerIp} requests in {(int)args.RateLimitWindow.TotalSeconds} s from your address; retry later.", "rate_limited");
    }

    public static WafBlockResponse BodyTooLarge(WafArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new("body-too-large", 413, $"The request body is larger than {args.MaxBody.Bytes} bytes.", "body_too_large");
    }
}

/// <summary>
/// A regional WAFv2 web ACL for an API Gateway stage: optional IP block and allow lists, a
/// per-IP rate limit, a body-size limit, the AWS managed rule groups, CloudWatch metrics on
/// every rule, and optional logging. <see cref="Associate(RestApiEndpoint)"/> attaches it.
/// </summary>
public sealed partial class Waf : ComponentResource
{
    public const string LogGroupPrefix = "aws-waf-logs-";

    /// <summary>Inspection limits for API Gateway bodies, in bytes.</summary>
    public static readonly IReadOnlyDictionary<WafBodyInspectionLimit, int> InspectionLimits = new Dictionary<WafBodyInspectionLimit, int>
    {
        [WafBodyInspectionLimit.Kb16] = 16 * 1024,
        [WafBodyInspectionLimit.Kb32] = 32 * 1024,
        [WafBodyInspectionLimit.Kb48] = 48 * 1024,
        [WafBodyInspectionLimit.Kb64] = 64 * 1024,
    };

    private static readonly DataSize ApiGatewayMaxBody = DataSize.FromMebibytes(10);

    private readonly List<string> _ruleNames = [];
    private readonly GrantsByName<WebAclAssociation> _associations;

    public Waf(IScope scope, string name, WafArgs? args = null, ComponentResourceOptions? options = null)
        : base("ml:Waf", scope, name, options)
    {
        _associations = new GrantsByName<WebAclAssociation>(this);
        args ??= new WafArgs();
        Validate(args);
        Settings = args;

        var rules = new List<WebAclRuleArgs>();
        if (args.Blocklist is { } blocked)
        {
            rules.Add(BlockRule("ip-blocklist", MatchesAny(blocked, "blocklist"), WafBlockResponse.IpBlocked));
        }

        if (args.Allowlist is { } allowed)
        {
            rules.Add(BlockRule("ip-allowlist", new WebAclRuleStatementArgs
            {
                NotStatement = new WebAclRuleStatementNotStatementArgs { Statement = MatchesAny(allowed, "allowlist") },
            }, WafBlockResponse.IpNotAllowed));
        }

        rules.Add(BlockRule("rate-limit", new WebAclRuleStatementArgs
        {
            RateBasedStatement = new WebAclRuleStatementRateBasedStatementArgs
            {
                AggregateKeyType = "IP",
                Limit = args.RateLimitPerIp,
                EvaluationWindowSec = (int)args.RateLimitWindow.TotalSeconds,
            },
        }, WafBlockResponse.RateLimited(args)));
        rules.Add(BlockRule("body-size", BodySizeStatement(args), WafBlockResponse.BodyTooLarge(args)));

        if (args.IpReputationList)
        {
            rules.Add(ManagedRule("ip-reputation", "AWSManagedRulesAmazonIpReputationList"));
        }

        if (args.KnownBadInputsRuleSet)
        {
            rules.Add(ManagedRule("known-bad-inputs", "AWSManagedRulesKnownBadInputsRuleSet"));
        }

        if (args.CommonRuleSet)
        {
            rules.Add(ManagedRule("common", "AWSManagedRulesCommonRuleSet", args.CommonRulesCountOnly));
        }

        WebAcl = new WebAcl(this, "acl", new WebAclArgs
        {
            Description = $"Protects the REST API of {Path}",
            Scope = "REGIONAL",
            DefaultAction = new WebAclDefaultActionArgs { Allow = new WebAclDefaultActionAllowArgs() },
            Rules = rules.ToArray(),
            CustomResponseBodies = new[] { WafBlockResponse.IpBlocked, WafBlockResponse.IpNotAllowed, WafBlockResponse.RateLimited(args), WafBlockResponse.BodyTooLarge(args) }
                .Select(ErrorBody).ToArray(),
            AssociationConfig = new WebAclAssociationConfigArgs
            {
                RequestBodies = new[]
                {
                    new WebAclAssociationConfigRequestBodyArgs
                    {
                        ApiGateway = new WebAclAssociationConfigRequestBodyApiGatewayArgs { DefaultSizeInspectionLimit = args.BodyInspectionLimit.Value },
                    },
                },
            },
            VisibilityConfig = new WebAclVisibilityConfigArgs { CloudwatchMetricsEnabled = true, SampledRequestsEnabled = true, MetricName = QualifyName("acl") },
        });

        if (args.Logging is { } logging)
        {
            EnableLogging(logging);
        }
    }

    /// <summary>The validated arguments (local mode enforces the same rules from them).</summary>
    public WafArgs Settings { get; }

    public WebAcl WebAcl { get; }

    public Output<string> WebAclArn => WebAcl.Arn;

    /// <summary>The log group WAF writes to, when logging is on.</summary>
    public LogGroup? LogGroup { get; private set; }

    /// <summary>The CloudWatch metric name of each rule, in priority order (the rule name, prefixed with the component).</summary>
    public IReadOnlyList<string> RuleMetricNames => [.. _ruleNames.Select(QualifyName)];

    /// <summary>Requests the ACL blocked, over all rules (AWS/WAFV2 BlockedRequests, Rule=ALL).</summary>
    public CloudWatchMetric BlockedRequests => BlockedRequestsOf("ALL");

    /// <summary>Requests one rule blocked, by the rule's metric name (see <see cref="RuleMetricNames"/>).</summary>
    public CloudWatchMetric BlockedRequestsOf(string ruleMetricName) =>
        new("AWS/WAFV2", "BlockedRequests", new Dictionary<string, Input<string>>
        {
            ["WebACL"] = WebAcl.WebAclName,
            ["Region"] = AwsContext.Region(Stack),
            ["Rule"] = ruleMetricName,
        }, "Sum");

    /// <summary>
    /// Attaches the ACL to the endpoint's stage, as <c>association-{endpoint}</c> (its path relative to this ACL's parent,
    /// e.g. <c>api</c> in a pattern); asking again returns that association.
    /// </summary>
    public WebAclAssociation Associate(RestApiEndpoint api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return Associate(GrantNames.Of(this, "association", api.Path)["association-".Length..], api.RestApi.Id, api.Stage.StageName, api.Path);
    }

    /// <summary>
    /// Attaches the ACL to a REST API stage by the stage ARN WAF expects, as <c>association-{stage}</c>. Pass the stage's
    /// <c>stageName</c> output rather than a literal, so that the association waits for the stage.
    /// </summary>
    /// <param name="stage">A stable name of the stage for the association's logical name (e.g. <c>orders-api-canary</c>).</param>
    public WebAclAssociation Associate(string stage, Input<string> restApiId, Input<string> stageName) => Associate(stage, restApiId, stageName, "stage " + stage);

    private WebAclAssociation Associate(string stage, Input<string> restApiId, Input<string> stageName, string target)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        var name = $"association-{stage}";
        return _associations.GetOrCreate(name, target, number => number == 1 ? "association" : $"association-{number}",
            options => new WebAclAssociation(this, name, new WebAclAssociationArgs
            {
                ResourceArn = ApiGatewayArns.Stage(Stack, restApiId, stageName),
                WebAclArn = WebAcl.Arn,
            }, options));
    }

    private void Validate(WafArgs args)
    {
        var validation = new ArgsValidation(Path)
            .Range(nameof(args.RateLimitPerIp), args.RateLimitPerIp, 10, 2_000_000_000)
            .DurationOneOf(nameof(args.RateLimitWindow), args.RateLimitWindow, TimeUnit.Seconds, [60, 120, 300, 600])
            .Check(args.MaxBody > DataSize.Zero && args.MaxBody <= ApiGatewayMaxBody, nameof(args.MaxBody), args.MaxBody, $"from 1 byte to {ApiGatewayMaxBody} (API Gateway's largest body)")
            .OneOf(nameof(args.BodyInspectionLimit), args.BodyInspectionLimit, WafBodyInspectionLimit.All);
        for (var i = 0; i < args.CommonRulesCountOnly.Count; i++)
        {
            validation.Check(ManagedRuleName().IsMatch(args.CommonRulesCountOnly[i]), $"{nameof(args.CommonRulesCountOnly)}[{i}]", args.CommonRulesCountOnly[i], "a rule name of the Common group, such as SizeRestrictions_BODY");
        }

        ValidateList(validation, nameof(args.Allowlist), args.Allowlist);
        ValidateList(validation, nameof(args.Blocklist), args.Blocklist);
        if (args.Logging is { } logging)
        {
            validation
                .Check(logging.LogGroupName is null || ValidWafLogGroupName(logging.LogGroupName),
                    $"{nameof(args.Logging)}.{nameof(logging.LogGroupName)}", logging.LogGroupName,
                    $"a name starting with '{LogGroupPrefix}', at most 512 characters of letters, digits and . _ - / #")
                .DurationOneOf($"{nameof(args.Logging)}.{nameof(logging.Retention)}", logging.Retention, TimeUnit.Days, InferenceFunction.AllowedRetentionDays);
        }

        validation.ThrowIfInvalid();
    }

    private static void ValidateList(ArgsValidation validation, string key, IpAddressList? list)
    {
        if (list is null)
        {
            return;
        }

        validation.Check(list.Ipv4.Count + list.Ipv6.Count > 0, key, "an empty list", "at least one CIDR block (omit the list to turn it off)");
        CheckCidrs(validation, $"{key}.{nameof(list.Ipv4)}", list.Ipv4, AddressFamily.InterNetwork, "an IPv4 CIDR block such as 203.0.113.7/32");
        CheckCidrs(validation, $"{key}.{nameof(list.Ipv6)}", list.Ipv6, AddressFamily.InterNetworkV6, "an IPv6 CIDR block such as 2001:db8::/64");
    }

    // Outputs (secrets) are checked by WAF at deployment; literals are checked here.
    private static void CheckCidrs(ArgsValidation validation, string key, IReadOnlyList<Input<string>> items, AddressFamily family, string allowed)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Value is LiteralValue { Value: var literal })
            {
                var text = literal as string;
                var valid = text is not null && text.Contains('/', StringComparison.Ordinal)
                    && IPNetwork.TryParse(text, out var network) && network.BaseAddress.AddressFamily == family;
                validation.Check(valid, $"{key}[{i}]", text, allowed);
            }
        }
    }

    private static bool ValidWafLogGroupName(string name) =>
        name.StartsWith(LogGroupPrefix, StringComparison.Ordinal) && name.Length <= 512
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or '#');

    private WebAclRuleStatementArgs MatchesAny(IpAddressList list, string setName)
    {
        var statements = new List<WebAclRuleStatementArgs>();
        if (list.Ipv4.Count > 0)
        {
            statements.Add(IpSetReference($"{setName}-ipv4", "IPV4", list.Ipv4));
        }

        if (list.Ipv6.Count > 0)
        {
            statements.Add(IpSetReference($"{setName}-ipv6", "IPV6", list.Ipv6));
        }

        return statements.Count == 1
            ? statements[0]
            : new WebAclRuleStatementArgs { OrStatement = new WebAclRuleStatementOrStatementArgs { Statements = statements.ToArray() } };
    }

    private WebAclRuleStatementArgs IpSetReference(string name, string version, IReadOnlyList<Input<string>> addresses)
    {
        var set = new IpSet(this, name, new IpSetArgs
        {
            Description = $"{name} of {Path}",
            Scope = "REGIONAL",
            IpAddressVersion = version,
            Addresses = InputList<string>.From(addresses),
        });
        return new WebAclRuleStatementArgs { IpSetReferenceStatement = new WebAclRuleStatementIpSetReferenceStatementArgs { Arn = set.Arn } };
    }

    private static WebAclRuleStatementArgs BodySizeStatement(WafArgs args)
    {
        if (args.MaxBody.Bytes <= InspectionLimits[args.BodyInspectionLimit])
        {
            // WAF sees the whole of any body up to the limit; a longer one is over the maximum anyway.
            return new WebAclRuleStatementArgs
            {
                SizeConstraintStatement = new WebAclRuleStatementSizeConstraintStatementArgs
                {
                    ComparisonOperator = "GT",
                    Size = args.MaxBody.Bytes,
                    FieldToMatch = new WebAclRuleStatementSizeConstraintStatementFieldToMatchArgs
                    {
                        Body = new WebAclRuleStatementSizeConstraintStatementFieldToMatchBodyArgs { OversizeHandling = "MATCH" },
                    },
                    TextTransformations = new[] { new WebAclRuleStatementSizeConstraintStatementTextTransformationArgs { Priority = 0, Type = "NONE" } },
                },
            };
        }

        return new WebAclRuleStatementArgs
        {
            RegexMatchStatement = new WebAclRuleStatementRegexMatchStatementArgs
            {
                RegexString = GreaterThanPattern.For(args.MaxBody.Bytes),
                FieldToMatch = new WebAclRuleStatementRegexMatchStatementFieldToMatchArgs
                {
                    SingleHeader = new WebAclRuleStatementRegexMatchStatementFieldToMatchSingleHeaderArgs { Name = "content-length" },
                },
                TextTransformations = new[] { new WebAclRuleStatementRegexMatchStatementTextTransformationArgs { Priority = 0, Type = "NONE" } },
            },
        };
    }

    private WebAclRuleArgs BlockRule(string ruleName, WebAclRuleStatementArgs statement, WafBlockResponse response)
    {
        return new WebAclRuleArgs
        {
            Name = ruleName,
            Priority = NextPriority(ruleName),
            Statement = statement,
            Action = new WebAclRuleActionArgs
            {
                Block = new WebAclRuleActionBlockArgs
                {
                    CustomResponse = new WebAclRuleActionBlockCustomResponseArgs { ResponseCode = response.Status, CustomResponseBodyKey = response.Key },
                },
            },
            VisibilityConfig = RuleVisibility(ruleName),
        };
    }

    private WebAclRuleArgs ManagedRule(string ruleName, string groupName, IReadOnlyList<string>? countOnly = null)
    {
        return new WebAclRuleArgs
        {
            Name = ruleName,
            Priority = NextPriority(ruleName),
            OverrideAction = new WebAclRuleOverrideActionArgs { None = new WebAclRuleOverrideActionNoneArgs() },
            Statement = new WebAclRuleStatementArgs
            {
                ManagedRuleGroupStatement = new WebAclRuleStatementManagedRuleGroupStatementArgs
                {
                    VendorName = "AWS",
                    Name = groupName,
                    RuleActionOverrides = countOnly is not { Count: > 0 } ? null : (InputList<WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs>)countOnly.Select(rule => new WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs
                    {
                        Name = rule,
                        ActionToUse = new WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs
                        {
                            Count = new WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs(),
                        },
                    }).ToArray(),
                },
            },
            VisibilityConfig = RuleVisibility(ruleName),
        };
    }

    // Rules are evaluated in the order they are added.
    private int NextPriority(string ruleName)
    {
        _ruleNames.Add(ruleName);
        return _ruleNames.Count - 1;
    }

    private static WebAclCustomResponseBodyArgs ErrorBody(WafBlockResponse response) => new()
    {
        Key = response.Key,
        ContentType = "APPLICATION_JSON",
        Content = response.Body,
    };

    private void EnableLogging(WafLoggingArgs logging)
    {
        var key = LogEncryptionKey.Create(this, "logs-key", $"Encrypts the WAF logs of {Path}");
        LogGroup = new LogGroup(this, "logs", new LogGroupArgs
        {
            Name = logging.LogGroupName ?? $"{LogGroupPrefix}{Stack.ProjectName}-{Stack.StackName}-{QualifyName("acl")}",
            RetentionInDays = (int)logging.Retention.TotalDays,
            KmsKeyId = key.Arn,
        });
        new WebAclLoggingConfiguration(this, "logging", new WebAclLoggingConfigurationArgs
        {
            ResourceArn = WebAcl.Arn,
            LogDestinationConfigs = new Input<string>[] { LogGroup.Arn },
            RedactedFields = logging.RedactedHeaders.Select(header => new WebAclLoggingConfigurationRedactedFieldArgs
            {
                SingleHeader = new WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs { Name = header },
            }).ToArray(),
        });
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial System.Text.RegularExpressions.Regex ManagedRuleName();

    private WebAclRuleVisibilityConfigArgs RuleVisibility(string ruleName) =>
        new() { CloudwatchMetricsEnabled = true, SampledRequestsEnabled = true, MetricName = QualifyName(ruleName) };
}
