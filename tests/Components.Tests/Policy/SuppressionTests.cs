using Infra.Aws.Kms;
using Infra.Aws.S3;
using Infra.Core;
using Infra.Policy;
using static Components.Tests.PolicyAssertions;

namespace Components.Tests;

public class SuppressionTests
{
    [Fact]
    public void A_suppression_removes_that_rules_finding_on_that_resource_and_is_listed_with_its_reason()
    {
        var stack = NewStack();
        var imported = new Key(stack, "imported-key", new KeyArgs());
        new Key(stack, "other-key", new KeyArgs());
        stack.SuppressPolicy(imported, "KMS-ROTATION", "imported key material: KMS cannot rotate it, we rotate by hand yearly");

        var report = Evaluate(stack);

        Assert.Equal(["other-key"], report.Findings.Where(f => f.RuleId == "KMS-ROTATION").Select(f => f.ResourceName));
        var suppression = Assert.Single(report.Suppressions);
        Assert.Equal(new PolicySuppression("KMS-ROTATION", "imported-key", "imported key material: KMS cannot rotate it, we rotate by hand yearly"), suppression);
    }

    [Fact]
    public void A_suppression_covers_only_its_own_rule()
    {
        var stack = NewStack();
        var bucket = new Bucket(stack, "data", new BucketArgs());
        stack.SuppressPolicy(bucket, "S3-TLS-ONLY", "served only through a VPC endpoint policy that already requires TLS");

        var rules = Evaluate(stack).Findings.Where(f => f.ResourceName == "data").Select(f => f.RuleId).ToList();

        Assert.Equal(["S3-ENCRYPTION", "S3-PUBLIC-ACCESS"], rules);
    }

    [Fact]
    public void A_suppression_that_covers_no_finding_is_reported_as_a_warning()
    {
        var stack = NewStack();
        var key = new Key(stack, "key", new KeyArgs { EnableKeyRotation = true });
        stack.SuppressPolicy(key, "KMS-ROTATION", "rotation used to be off");

        var report = Evaluate(stack);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(("KMS-ROTATION", "key", PolicySeverity.Warning), (finding.RuleId, finding.ResourceName, finding.Severity));
        Assert.Contains("suppressed here but finds nothing", finding.Message, StringComparison.Ordinal);
        Assert.Single(report.Suppressions);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_reason_is_an_error_naming_the_rule_and_resource(string reason)
    {
        var stack = NewStack();
        var key = new Key(stack, "key", new KeyArgs());

        var error = Assert.Throws<SynthesisException>(() => stack.SuppressPolicy(key, "KMS-ROTATION", reason));

        Assert.Contains("suppression of policy rule 'KMS-ROTATION' on 'key' has an empty reason", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_rule_id_is_an_error_listing_the_rules()
    {
        var stack = NewStack();
        var key = new Key(stack, "key", new KeyArgs());
        stack.SuppressPolicy(key, "KMS-ROTATE", "typo");

        var error = Assert.Throws<SynthesisException>(() => Evaluate(stack));

        Assert.Contains("names policy rule 'KMS-ROTATE', which does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("KMS-ROTATION", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_resource_of_another_stack_is_an_error()
    {
        var stack = NewStack();
        var elsewhere = new Key(new Stack("proj", "prod"), "key", new KeyArgs { EnableKeyRotation = true });
        stack.SuppressPolicy(elsewhere, "KMS-ROTATION", "not ours");

        var error = Assert.Throws<SynthesisException>(() => Evaluate(stack));

        Assert.Contains("'KMS-ROTATION' is suppressed on 'key', which is not a resource of this stack", error.Message, StringComparison.Ordinal);
    }
}
