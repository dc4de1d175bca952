using Infra.Aws.Kms;
using Infra.Components;
using Infra.Core;
using Infra.Policy;
using Infra.Preview;
using Infra.Testing;

namespace Testing.Tests;

/// <summary>The policy pack and the cost estimate, as synth and preview run them, asserted on a template.</summary>
public class PolicyAndCostTests
{
    private static StackTemplate UnrotatedKey()
    {
        var stack = new Stack("proj", "dev");
        new Key(stack, "data", new KeyArgs { Description = "data" });
        new Key(stack, "imported", new KeyArgs { Description = "imported" });
        stack.SuppressPolicy(stack.Resources[1], "KMS-ROTATION", "imported key material cannot be rotated by KMS");
        return StackTemplate.FromStack(stack);
    }

    [Fact]
    public void A_finding_is_found_by_rule_and_resource_and_a_missing_one_says_what_fired_instead()
    {
        var policies = UnrotatedKey().Policies();

        var finding = policies.HaveFinding("KMS-ROTATION", "data");
        Assert.Equal(PolicySeverity.Error, finding.Severity);
        Assert.Same(finding, policies.HaveFinding("KMS-ROTATION"));
        Assert.Single(policies.Report.Suppressions);

        Assert.Equal("policy rule KMS-ROTATION: expected a finding on 'other', found it fires on 'data' only",
            Assert.Throws<StackAssertionException>(() => policies.HaveFinding("KMS-ROTATION", "other")).Message);
        Assert.Equal("policy rule LOG-RETENTION: expected a finding, found none (findings: KMS-ROTATION on 'data')",
            Assert.Throws<StackAssertionException>(() => policies.HaveFinding("LOG-RETENTION")).Message);
        Assert.StartsWith("policy rule 'KMS-ROTATE': expected a rule of the pack, found none of that id (rules: S3-ENCRYPTION, ",
            Assert.Throws<StackAssertionException>(() => policies.HaveFinding("KMS-ROTATE")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_suppressed_rule_is_reported_as_suppressed()
    {
        var policies = UnrotatedKey().Policies();

        Assert.Equal("policy rule KMS-ROTATION: expected a finding on 'imported', found none: it is suppressed on 'imported' (imported key material cannot be rotated by KMS)",
            Assert.Throws<StackAssertionException>(() => policies.HaveFinding("KMS-ROTATION", "imported")).Message);
    }

    [Fact]
    public void No_findings_and_no_errors_fail_listing_each_finding_with_why_and_fix()
    {
        var error = Assert.Throws<StackAssertionException>(() => UnrotatedKey().Policies().HaveNoFindings());
        var errors = Assert.Throws<StackAssertionException>(() => UnrotatedKey().Policies().HaveNoErrors());

        Assert.StartsWith("policy: expected no policy findings, found 1:\n  - error KMS-ROTATION on 'data': ", error.Message, StringComparison.Ordinal);
        Assert.Contains("\n      why: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("\n      fix: ", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("policy: expected no policy errors, found 1:", errors.Message, StringComparison.Ordinal);
        SampleStacks.Buckets().Policies().HaveNoErrors();
    }

    [Fact]
    public void A_custom_pack_is_used_when_given()
    {
        var empty = new PolicyPack([]);

        var unsuppressed = new Stack("proj", "dev");
        new Key(unsuppressed, "data", new KeyArgs { Description = "data" });
        StackTemplate.FromStack(unsuppressed).Policies(empty).HaveNoFindings();
        Assert.Equal("policy rule 'KMS-ROTATION': expected a rule of the pack, found none of that id (rules: )",
            Assert.Throws<StackAssertionException>(() => StackTemplate.FromStack(unsuppressed).Policies(empty).HaveFinding("KMS-ROTATION")).Message);

        // The pack checks suppressions as synth does: one naming a rule the pack lacks is an error, not a silent pass.
        Assert.StartsWith("stack 'dev': the policy pack cannot run:\n  - stack: the suppression on 'imported' names policy rule 'KMS-ROTATION', which does not exist",
            Assert.Throws<StackAssertionException>(() => UnrotatedKey().Policies(empty)).Message, StringComparison.Ordinal);
    }

    private static StackTemplate Api()
    {
        var stack = new Stack("proj", "dev");
        new RestInferenceApi(stack, "embed", new RestInferenceApiArgs
        {
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent") },
            ModelName = "resnet18",
            ModelVersion = "0.23.1",
            Api = new RestApiSettings
            {
                Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }],
                Clients = [new ApiClient("acme", "standard")],
            },
        });
        return StackTemplate.FromStack(stack);
    }

    [Fact]
    public void The_cost_estimate_is_previews_and_a_budget_overrun_shows_the_total_and_the_largest_lines()
    {
        var template = Api();
        var cost = template.Cost();
        var busy = template.Cost(new TrafficProfile { RequestsPerDay = 1_000_000 });

        Assert.Equal(new CostEstimator(new Infra.Core.Synthesis.ProgramGraph(template.Stack), new TrafficProfile(), Measurements.None).Estimate().Monthly, cost.Monthly);
        Assert.Same(cost, cost.IsUnder(cost.Monthly + 0.01m));
        Assert.True(busy.Monthly > cost.Monthly);
        Assert.Equal(1_000_000, busy.Traffic.RequestsPerDay);
        Assert.Equal("dev", busy.StackName);
        Assert.NotEmpty(busy.Estimate.Lines);

        var error = Assert.Throws<StackAssertionException>(() => busy.IsUnder(1m));
        var top = busy.Estimate.Lines.OrderByDescending(l => l.Monthly).First();
        Assert.StartsWith($"cost of stack 'dev': expected under $1.00 a month, found ${busy.Monthly:N2} (${busy.Monthly - 1m:N2} over) at 1,000,000 API predictions and 1,000 batch objects a day; the largest lines:\n" +
            $"  {"$" + top.Monthly.ToString("N2", System.Globalization.CultureInfo.InvariantCulture),10}  {top.Component}: {top.Service} {top.Item}", error.Message, StringComparison.Ordinal);
        Assert.Throws<StackAssertionException>(() => cost.IsUnder(cost.Monthly));
    }

    [Fact]
    public void A_synthesized_stack_estimates_at_the_traffic_its_config_sets()
    {
        var template = StackTemplate.Synthesize(context =>
        {
            new Key(context.Stack, "data", new KeyArgs { Description = "data", EnableKeyRotation = true });
            return null;
        }, new StackTestOptions { Config = new Dictionary<string, object?> { ["trafficRequestsPerDay"] = 5 } });

        Assert.Equal(5, template.Traffic.RequestsPerDay);
        Assert.Equal(5, template.Cost().Traffic.RequestsPerDay);
    }
}
