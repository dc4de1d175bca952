using Infra.Aws.CloudWatch;
using Infra.Aws.Kms;
using static Components.Tests.PolicyAssertions;

namespace Components.Tests;

public class KmsAndLogRuleTests
{
    [Fact]
    public void A_key_without_rotation_fires_and_a_rotating_key_is_quiet()
    {
        var stack = NewStack();
        new Key(stack, "static-key", new KeyArgs());
        new Key(stack, "rotating-key", new KeyArgs { EnableKeyRotation = true });

        AssertFires(stack, "KMS-ROTATION", "static-key", "does not have automatic rotation on");
    }

    [Fact]
    public void Keys_that_kms_cannot_rotate_are_not_reported()
    {
        var stack = NewStack();
        new Key(stack, "signing-key", new KeyArgs { CustomerMasterKeySpec = "ECC_NIST_P256", KeyUsage = "SIGN_VERIFY" });
        new Key(stack, "hmac-key", new KeyArgs { CustomerMasterKeySpec = "HMAC_256", KeyUsage = "GENERATE_VERIFY_MAC" });

        AssertQuiet(stack, "KMS-ROTATION");
    }

    [Fact]
    public void A_log_group_without_retention_or_key_fires_both_rules()
    {
        var stack = NewStack();
        new LogGroup(stack, "forever", new LogGroupArgs());
        new LogGroup(stack, "never-expires", new LogGroupArgs { RetentionInDays = 0, KmsKeyId = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" });

        Assert.Equal(["forever", "never-expires"], Flagged(stack, "LOG-RETENTION").Order(StringComparer.Ordinal));
        AssertFires(stack, "LOG-ENCRYPTION", "forever", "kmsKeyId is not set");
    }

    [Fact]
    public void A_log_group_with_retention_and_a_key_is_quiet()
    {
        var stack = NewStack();
        var key = new Key(stack, "logs-key", new KeyArgs { EnableKeyRotation = true });
        new LogGroup(stack, "logs", new LogGroupArgs { RetentionInDays = 30, KmsKeyId = key.Arn });

        Assert.Empty(Evaluate(stack).Findings);
    }
}
