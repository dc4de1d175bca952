using System.Text.Json;
using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using Infra.Testing;

namespace Components.Tests;

public class WafTests
{
    private static List<object?> Rules(StackTemplate template, string acl = "edge-acl") => (List<object?>)template.Property(acl, "rules")!;

    private static object? Rule(StackTemplate template, string name) => Rules(template).Single(r => (string?)ProgramValues.At(r, "name") == name);

    private static List<string?> RuleNames(StackTemplate template) => [.. Rules(template).Select(r => (string?)ProgramValues.At(r, "name"))];

    private static IEnumerable<string> ResourceNames(StackTemplate template) => ((OrderedMap)template.At("resources")!).Select(e => e.Key);

    [Fact]
    public void Defaults_are_a_regional_acl_that_allows_by_default_with_rate_body_and_the_three_managed_groups_in_priority_order()
    {
        var stack = new Stack("proj", "dev");
        new Waf(stack, "edge");

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("REGIONAL", template.Property("edge-acl", "scope"));
        Assert.True(ProgramValues.Has(template.Property("edge-acl", "defaultAction"), "allow"));
        Assert.Equal(["rate-limit", "body-size", "ip-reputation", "known-bad-inputs", "common"], RuleNames(template));
        Assert.Equal([0m, 1m, 2m, 3m, 4m], Rules(template).Select(r => ProgramValues.At(r, "priority")));
        Assert.Equal("AWSManagedRulesAmazonIpReputationList", ProgramValues.At(Rule(template, "ip-reputation"), "statement", "managedRuleGroupStatement", "name"));
        Assert.Equal("AWSManagedRulesKnownBadInputsRuleSet", ProgramValues.At(Rule(template, "known-bad-inputs"), "statement", "managedRuleGroupStatement", "name"));
        Assert.Equal("AWSManagedRulesCommonRuleSet", ProgramValues.At(Rule(template, "common"), "statement", "managedRuleGroupStatement", "name"));
        foreach (var managed in new[] { "ip-reputation", "known-bad-inputs", "common" })
        {
            Assert.Equal("AWS", ProgramValues.At(Rule(template, managed), "statement", "managedRuleGroupStatement", "vendorName"));
            Assert.True(ProgramValues.Has(Rule(template, managed), "overrideAction", "none"));
        }

        Assert.DoesNotContain(ResourceNames(template), n => n.Contains("ipv", StringComparison.Ordinal) || n.Contains("logs", StringComparison.Ordinal));
        Assert.Equal("KB_16", template.Property("edge-acl", "associationConfig", "requestBodies", 0, "apiGateway", "defaultSizeInspectionLimit"));
    }

    [Fact]
    public void Every_rule_and_the_acl_publish_cloudwatch_metrics_under_distinct_names()
    {
        var stack = new Stack("proj", "dev");
        var waf = new Waf(stack, "edge", new WafArgs
        {
            Allowlist = new IpAddressList { Ipv4 = ["203.0.113.0/24"] },
            Blocklist = new IpAddressList { Ipv4 = ["198.51.100.7/32"] },
        });

        var template = StackTemplate.FromStack(stack);

        var metricNames = Rules(template).Select(r =>
        {
            Assert.Equal(true, ProgramValues.At(r, "visibilityConfig", "cloudwatchMetricsEnabled"));
            Assert.Equal(true, ProgramValues.At(r, "visibilityConfig", "sampledRequestsEnabled"));
            return (string)ProgramValues.At(r, "visibilityConfig", "metricName")!;
        }).ToList();
        Assert.Equal(waf.RuleMetricNames, metricNames);
        Assert.Equal(["edge-ip-blocklist", "edge-ip-allowlist", "edge-rate-limit", "edge-body-size", "edge-ip-reputation", "edge-known-bad-inputs", "edge-common"], metricNames);
        Assert.Equal(true, template.Property("edge-acl", "visibilityConfig", "cloudwatchMetricsEnabled"));
        Assert.Equal("edge-acl", template.Property("edge-acl", "visibilityConfig", "metricName"));
    }

    [Theory]
    [InlineData("ip-reputation")]
    [InlineData("known-bad-inputs")]
    [InlineData("common")]
    public void Each_managed_group_can_be_switched_off_alone(string off)
    {
        var stack = new Stack("proj", "dev");
        new Waf(stack, "edge", new WafArgs
        {
            IpReputationList = off != "ip-reputation",
            KnownBadInputsRuleSet = off != "known-bad-inputs",
            CommonRuleSet = off != "common",
        });

        var names = RuleNames(StackTemplate.FromStack(stack));

        Assert.DoesNotContain(off, names);
        Assert.Equal(4, names.Count);
    }

    [Fact]
    public void The_common_groups_8_kb_body_rule_only_counts_so_that_images_pass_and_our_body_limit_decides()
    {
        var stack = new Stack("proj", "dev");
        new Waf(stack, "edge");

        var overrides = ProgramValues.At(Rule(StackTemplate.FromStack(stack), "common"), "statement", "managedRuleGroupStatement", "ruleActionOverrides");

        Assert.Equal("SizeRestrictions_BODY", ProgramValues.At(overrides, 0, "name"));
        Assert.True(ProgramValues.Has(overrides, 0, "actionToUse", "count"));
    }

    [Fact]
    public void More_common_rules_can_be_set_to_count_only()
    {
        var stack = new Stack("proj", "dev");
        new Waf(stack, "edge", new WafArgs { CommonRulesCountOnly = ["SizeRestrictions_BODY", "CrossSiteScripting_BODY"] });

        var overrides = (List<object?>)ProgramValues.At(Rule(StackTemplate.FromStack(stack), "common"), "statement", "managedRuleGroupStatement", "ruleActionOverrides")!;

        Assert.Equal(["SizeRestrictions_BODY", "CrossSiteScripting_BODY"], overrides.Select(o => ProgramValues.At(o, "name")));
        Assert.All(overrides, o => Assert.True(ProgramValues.Has(o, "actionToUse", "count")));
    }

    [Fact]
    public void The_rate_rule_counts_per_client_ip_over_the_configured_window_and_answers_429_with_a_json_body()
    {
        var stack = new Stack("proj", "dev");
        new Waf(stack, "edge", new WafArgs { RateLimitPerIp = 500, RateLimitWindow = TimeSpan.FromSeconds(60) });

        var template = StackTemplate.FromStack(stack);
        var rule = Rule(template, "rate-limit");

        Assert.Equal("IP", ProgramValues.At(rule, "statement", "rateBasedStatement", "aggregateKeyType"));
        Assert.Equal(500m, ProgramValues.At(rule, "statement", "rateBasedStatement", "limit"));
        Assert.Equal(60m, ProgramValues.At(rule, "statement", "rateBasedStatement", "evaluationWindowSec"));
        Assert.Equal(429m, ProgramValues.At(rule, "action", "block", "customResponse", "responseCode"));
        var body = ResponseBody(template, (string)ProgramValues.At(rule, "action", "block", "customResponse", "customResponseBodyKey")!);
        Assert.Equal("rate_limited", body.GetProperty("code").GetString());
        Assert.Contains("500 requests in 60 s", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_limit_within_the_inspection_limit_is_a_size_constraint_on_the_body_that_blocks_oversize_bodies()
    {
        var stack = new Stack("proj", "dev");
        new Waf(stack, "edge", new WafArgs { MaxBody = DataSize.FromBytes(8192), BodyInspectionLimit = WafBodyInspectionLimit.Kb16 });

        var template = StackTemplate.FromStack(stack);
        var rule = Rule(template, "body-size");
        var size = ProgramValues.At(rule, "statement", "sizeConstraintStatement");

        Assert.Equal("GT", ProgramValues.At(size, "comparisonOperator"));
        Assert.Equal(8192m, ProgramValues.At(size, "size"));
        Assert.Equal("MATCH", ProgramValues.At(size, "fieldToMatch", "body", "oversizeHandling"));
        Assert.Equal("NONE", ProgramValues.At(size, "textTransformations", 0, "type"));
        Assert.Equal(413m, ProgramValues.At(rule, "action", "block", "customResponse", "responseCode"));
        Assert.Equal("body_too_large", ResponseBody(template, "body-too-large").GetProperty("code").GetString());
    }

    [Fact]
    public void A_body_limit_above_what_waf_can_inspect_is_enforced_on_the_content_length_header()
    {
        var stack = new Stack("proj", "dev");
        new Waf(stack, "edge", new WafArgs { MaxBody = DataSize.FromBytes(4_194_304), BodyInspectionLimit = WafBodyInspectionLimit.Kb64 });

        var template = StackTemplate.FromStack(stack);
        var regex = ProgramValues.At(Rule(template, "body-size"), "statement", "regexMatchStatement");

        Assert.Equal("content-length", ProgramValues.At(regex, "fieldToMatch", "singleHeader", "name"));
        // Pulumi YAML reads $$ as a literal $.
        Assert.Equal(GreaterThanPattern.For(4_194_304).Replace("$", "$$", StringComparison.Ordinal), ProgramValues.At(regex, "regexString"));
        Assert.Equal("KB_64", template.Property("edge-acl", "associationConfig", "requestBodies", 0, "apiGateway", "defaultSizeInspectionLimit"));
    }

    [Fact]
    public void An_allowlist_blocks_every_address_outside_its_ip_sets_and_takes_addresses_from_secret_config()
    {
        var stack = new Stack("proj", "dev");
        var office = stack.ConfigReference<string>("officeCidr", "string", secret: true);
        new Waf(stack, "edge", new WafArgs { Allowlist = new IpAddressList { Ipv4 = ["203.0.113.0/24", office], Ipv6 = ["2001:db8::/32"] } });

        var template = StackTemplate.FromStack(stack);
        var rule = Rule(template, "ip-allowlist");
        var alternatives = ProgramValues.At(rule, "statement", "notStatement", "statement", "orStatement", "statements");

        Assert.Equal("${edge-allowlist-ipv4.arn}", ProgramValues.At(alternatives, 0, "ipSetReferenceStatement", "arn"));
        Assert.Equal("${edge-allowlist-ipv6.arn}", ProgramValues.At(alternatives, 1, "ipSetReferenceStatement", "arn"));
        Assert.Equal(403m, ProgramValues.At(rule, "action", "block", "customResponse", "responseCode"));
        Assert.Equal(new List<object?> { "203.0.113.0/24", "${officeCidr}" }, template.Property("edge-allowlist-ipv4", "addresses"));
        Assert.Equal("IPV4", template.Property("edge-allowlist-ipv4", "ipAddressVersion"));
        Assert.Equal("REGIONAL", template.Property("edge-allowlist-ipv4", "scope"));
        Assert.Equal("IPV6", template.Property("edge-allowlist-ipv6", "ipAddressVersion"));
        Assert.Equal(true, template.At("config", "officeCidr", "secret"));
        Assert.Equal("ip_not_allowed", ResponseBody(template, "ip-not-allowed").GetProperty("code").GetString());
    }

    [Fact]
    public void A_blocklist_is_checked_first_and_a_single_ip_set_needs_no_or_statement()
    {
        var stack = new Stack("proj", "dev");
        new Waf(stack, "edge", new WafArgs { Blocklist = new IpAddressList { Ipv6 = ["2001:db8::/64"] } });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("ip-blocklist", RuleNames(template)[0]);
        Assert.Equal("${edge-blocklist-ipv6.arn}", ProgramValues.At(Rule(template, "ip-blocklist"), "statement", "ipSetReferenceStatement", "arn"));
        Assert.Equal(403m, ProgramValues.At(Rule(template, "ip-blocklist"), "action", "block", "customResponse", "responseCode"));
    }

    [Fact]
    public void The_association_uses_the_stage_arn_waf_expects_built_from_partition_region_api_id_and_the_stage_output()
    {
        var stack = new Stack("proj", "dev");
        var api = RestApiEndpointTests.NewEndpoint(stack);
        new Waf(stack, "edge").Associate(api);

        var template = StackTemplate.FromStack(stack);

        Assert.Equal(
            "arn:${aws-partition.partition}:apigateway:${aws-region.region}::/restapis/${api-api.id}/stages/${api-stage.stageName}",
            template.Property("edge-association-api", "resourceArn"));
        Assert.Equal("${edge-acl.arn}", template.Property("edge-association-api", "webAclArn"));
        Assert.Equal("aws:getPartition", template.At("variables", "aws-partition", "fn::invoke", "function"));
        Assert.Equal("aws:getRegion", template.At("variables", "aws-region", "fn::invoke", "function"));
    }

    [Fact]
    public void One_acl_can_protect_several_stages_each_with_its_own_association()
    {
        var stack = new Stack("proj", "dev");
        var waf = new Waf(stack, "edge");
        var api = RestApiEndpointTests.NewEndpoint(stack);

        waf.Associate(api);
        waf.Associate("canary", api.RestApiId, "canary");

        var template = StackTemplate.FromStack(stack);
        Assert.EndsWith("/stages/${api-stage.stageName}", (string)template.Property("edge-association-api", "resourceArn")!, StringComparison.Ordinal);
        Assert.EndsWith("/restapis/${api-api.id}/stages/canary", (string)template.Property("edge-association-canary", "resourceArn")!, StringComparison.Ordinal);
    }

    [Fact]
    public void Logging_goes_to_a_kms_encrypted_group_named_with_the_prefix_waf_requires_and_redacts_credentials()
    {
        var stack = new Stack("proj", "dev");
        new Waf(stack, "edge", new WafArgs { Logging = new WafLoggingArgs() });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("aws-waf-logs-proj-dev-edge-acl", template.Property("edge-logs", "name"));
        Assert.Equal("${edge-logs-key.arn}", template.Property("edge-logs", "kmsKeyId"));
        Assert.Equal(30m, template.Property("edge-logs", "retentionInDays"));
        Assert.Equal(true, template.Property("edge-logs-key", "enableKeyRotation"));
        Assert.Equal("CloudWatchLogsUseKey", template.Property("edge-logs-key", "policy", "fn::toJSON", "Statement", 1, "Sid"));
        Assert.Equal("${edge-acl.arn}", template.Property("edge-logging", "resourceArn"));
        Assert.Equal(new List<object?> { "${edge-logs.arn}" }, template.Property("edge-logging", "logDestinationConfigs"));
        Assert.Equal("authorization", template.Property("edge-logging", "redactedFields", 0, "singleHeader", "name"));
        Assert.Equal("x-api-key", template.Property("edge-logging", "redactedFields", 1, "singleHeader", "name"));
    }

    [Fact]
    public void A_given_log_group_name_is_used_as_is()
    {
        var stack = new Stack("proj", "dev");
        new Waf(stack, "edge", new WafArgs { Logging = new WafLoggingArgs { LogGroupName = "aws-waf-logs-shared/api", Retention = TimeSpan.FromDays(90) } });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("aws-waf-logs-shared/api", template.Property("edge-logs", "name"));
        Assert.Equal(90m, template.Property("edge-logs", "retentionInDays"));
    }

    [Fact]
    public void The_blocked_requests_metric_names_the_acl_the_region_and_the_rule()
    {
        var stack = new Stack("proj", "dev");
        var waf = new Waf(stack, "edge");
        stack.Export("dims", waf.BlockedRequestsOf("edge-rate-limit").DimensionMap());

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("AWS/WAFV2", waf.BlockedRequests.Namespace);
        Assert.Equal("BlockedRequests", waf.BlockedRequests.MetricName);
        Assert.Equal("${edge-acl.name}", template.At("outputs", "dims", "WebACL"));
        Assert.Equal("${aws-region.region}", template.At("outputs", "dims", "Region"));
        Assert.Equal("edge-rate-limit", template.At("outputs", "dims", "Rule"));
    }

    [Fact]
    public void Invalid_args_name_the_component_each_key_its_value_and_what_is_allowed_and_create_nothing()
    {
        var stack = new Stack("proj", "dev");

        var error = Assert.Throws<SynthesisException>(() => new Waf(stack, "edge", new WafArgs
        {
            RateLimitPerIp = 5,
            RateLimitWindow = TimeSpan.FromSeconds(100),
            MaxBody = DataSize.FromBytes(20_000_000),
            BodyInspectionLimit = new WafBodyInspectionLimit("KB_128"),
            Allowlist = new IpAddressList { Ipv4 = ["203.0.113.7", "2001:db8::/32"] },
            Blocklist = new IpAddressList(),
            CommonRulesCountOnly = ["Size Restrictions"],
            Logging = new WafLoggingArgs { LogGroupName = "/waf/logs", Retention = TimeSpan.FromDays(10) },
        }));

        Assert.Equal(
        [
            "component 'edge': RateLimitPerIp = 5 is invalid: expected an integer from 10 to 2000000000",
            "component 'edge': RateLimitWindow = 100 seconds is invalid: expected a whole number of seconds, one of 60, 120, 300, 600",
            "component 'edge': MaxBody = 20000000 bytes is invalid: expected from 1 byte to 10 MiB (API Gateway's largest body)",
            "component 'edge': BodyInspectionLimit = 'KB_128' is invalid: expected one of KB_16, KB_32, KB_48, KB_64",
            "component 'edge': CommonRulesCountOnly[0] = 'Size Restrictions' is invalid: expected a rule name of the Common group, such as SizeRestrictions_BODY",
            "component 'edge': Allowlist.Ipv4[0] = '203.0.113.7' is invalid: expected an IPv4 CIDR block such as 203.0.113.7/32",
            "component 'edge': Allowlist.Ipv4[1] = '2001:db8::/32' is invalid: expected an IPv4 CIDR block such as 203.0.113.7/32",
            "component 'edge': Blocklist = 'an empty list' is invalid: expected at least one CIDR block (omit the list to turn it off)",
            "component 'edge': Logging.LogGroupName = '/waf/logs' is invalid: expected a name starting with 'aws-waf-logs-', at most 512 characters of letters, digits and . _ - / #",
            "component 'edge': Logging.Retention = 10 days is invalid: expected a whole number of days, one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
        ], error.Problems);
        Assert.Empty(stack.Resources);
    }

    private static JsonElement ResponseBody(StackTemplate template, string key)
    {
        var bodies = (List<object?>)template.Property("edge-acl", "customResponseBodies")!;
        var body = bodies.Single(b => (string?)ProgramValues.At(b, "key") == key);
        Assert.Equal("APPLICATION_JSON", ProgramValues.At(body, "contentType"));
        return JsonDocument.Parse((string)ProgramValues.At(body, "content")!).RootElement;
    }
}
