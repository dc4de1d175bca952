using Infra.Aws.Kms;
using Infra.Aws.S3;
using Infra.Core;
using static Components.Tests.PolicyAssertions;

namespace Components.Tests;

public class S3RuleTests
{
    /// <summary>A bucket with everything the three S3 rules ask for, linked by reference.</summary>
    private static Bucket GoodBucket(Stack stack, string name = "data")
    {
        var key = new Key(stack, name + "-key", new KeyArgs { EnableKeyRotation = true });
        var bucket = new Bucket(stack, name, new BucketArgs());
        new BucketServerSideEncryptionConfiguration(stack, name + "-encryption", new BucketServerSideEncryptionConfigurationArgs
        {
            Bucket = bucket.BucketName,
            Rules = new[] { KmsRule(key.Arn) },
        });
        PublicAccessBlock(stack, name + "-block", bucket.BucketName, restrictPublicBuckets: true);
        new BucketPolicy(stack, name + "-policy", new BucketPolicyArgs { Bucket = bucket.BucketName, Policy = TlsOnlyPolicy(bucket) });
        return bucket;
    }

    private static BucketServerSideEncryptionConfigurationRuleArgs KmsRule(Input<string>? keyArn, string algorithm = "aws:kms") => new()
    {
        ApplyServerSideEncryptionByDefault = new BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs
        {
            SseAlgorithm = algorithm,
            KmsMasterKeyId = keyArn,
        },
    };

    private static void PublicAccessBlock(Stack stack, string name, Input<string> bucket, bool restrictPublicBuckets) =>
        new BucketPublicAccessBlock(stack, name, new BucketPublicAccessBlockArgs
        {
            Bucket = bucket,
            BlockPublicAcls = true,
            BlockPublicPolicy = true,
            IgnorePublicAcls = true,
            RestrictPublicBuckets = restrictPublicBuckets,
        });

    private static Output<string> TlsOnlyPolicy(Bucket bucket, string action = "s3:*", bool objects = true) => Output.JsonSerialize(new Dictionary<string, object>
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["Effect"] = "Deny",
                ["Principal"] = "*",
                ["Action"] = action,
                ["Resource"] = objects ? new object[] { bucket.Arn, Output.Format($"{bucket.Arn}/*") } : new object[] { bucket.Arn },
                ["Condition"] = new Dictionary<string, object> { ["Bool"] = new Dictionary<string, object> { ["aws:SecureTransport"] = "false" } },
            },
        },
    });

    [Fact]
    public void A_fully_configured_bucket_passes_every_s3_rule()
    {
        var stack = NewStack();
        GoodBucket(stack);

        AssertQuiet(stack, "S3-ENCRYPTION");
        AssertQuiet(stack, "S3-PUBLIC-ACCESS");
        AssertQuiet(stack, "S3-TLS-ONLY");
    }

    [Fact]
    public void A_bare_bucket_fires_all_three_s3_rules()
    {
        var stack = NewStack();
        new Bucket(stack, "bare", new BucketArgs());

        AssertFires(stack, "S3-ENCRYPTION", "bare", "no server-side encryption configuration");
        AssertFires(stack, "S3-PUBLIC-ACCESS", "bare", "no public-access block");
        AssertFires(stack, "S3-TLS-ONLY", "bare", "no bucket policy");
    }

    [Fact]
    public void Sse_s3_or_the_aws_managed_key_is_not_kms_with_a_customer_key()
    {
        var stack = NewStack();
        var bucket = new Bucket(stack, "plain", new BucketArgs());
        new BucketServerSideEncryptionConfiguration(stack, "plain-encryption", new BucketServerSideEncryptionConfigurationArgs
        {
            Bucket = bucket.BucketName,
            Rules = new[] { KmsRule(null, "AES256") },
        });
        var managed = new Bucket(stack, "managed", new BucketArgs());
        new BucketServerSideEncryptionConfiguration(stack, "managed-encryption", new BucketServerSideEncryptionConfigurationArgs
        {
            Bucket = managed.BucketName,
            Rules = new[] { KmsRule(null) },
        });

        Assert.Equal(["managed", "plain"], Flagged(stack, "S3-ENCRYPTION").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_encryption_configuration_counts_only_for_the_bucket_it_references()
    {
        var stack = NewStack();
        GoodBucket(stack);
        var other = new Bucket(stack, "other", new BucketArgs());
        PublicAccessBlock(stack, "other-block", other.BucketName, restrictPublicBuckets: true);
        new BucketPolicy(stack, "other-policy", new BucketPolicyArgs { Bucket = other.BucketName, Policy = TlsOnlyPolicy(other) });

        Assert.Equal(["other"], Flagged(stack, "S3-ENCRYPTION"));
    }

    [Fact]
    public void Configurations_that_name_the_bucket_literally_are_followed()
    {
        var stack = NewStack();
        var key = new Key(stack, "key", new KeyArgs { EnableKeyRotation = true });
        new Bucket(stack, "named", new BucketArgs { Bucket = "acme-named-data" });
        new BucketServerSideEncryptionConfiguration(stack, "named-encryption", new BucketServerSideEncryptionConfigurationArgs
        {
            Bucket = "acme-named-data",
            Rules = new[] { KmsRule(key.Arn) },
        });
        PublicAccessBlock(stack, "named-block", "acme-named-data", restrictPublicBuckets: true);
        new BucketPolicy(stack, "named-policy", new BucketPolicyArgs
        {
            Bucket = "acme-named-data",
            Policy = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*",
                 "Resource":["arn:aws:s3:::acme-named-data","arn:aws:s3:::acme-named-data/*"],
                 "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
                """,
        });

        Assert.Empty(Evaluate(stack).Findings);
    }

    [Fact]
    public void A_public_access_block_missing_one_setting_names_it()
    {
        var stack = NewStack();
        GoodBucket(stack);
        var loose = new Bucket(stack, "loose", new BucketArgs());
        PublicAccessBlock(stack, "loose-block", loose.BucketName, restrictPublicBuckets: false);

        var finding = AssertFires(stack, "S3-PUBLIC-ACCESS", "loose", "does not set restrictPublicBuckets to true");
        Assert.DoesNotContain("blockPublicAcls", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3:GetObject", true)]
    [InlineData("s3:*", false)]
    public void A_tls_deny_must_cover_every_action_on_the_bucket_and_its_objects(string action, bool objects)
    {
        var stack = NewStack();
        var key = new Key(stack, "key", new KeyArgs { EnableKeyRotation = true });
        var bucket = new Bucket(stack, "partial", new BucketArgs());
        new BucketServerSideEncryptionConfiguration(stack, "partial-encryption", new BucketServerSideEncryptionConfigurationArgs { Bucket = bucket.BucketName, Rules = new[] { KmsRule(key.Arn) } });
        PublicAccessBlock(stack, "partial-block", bucket.BucketName, restrictPublicBuckets: true);
        new BucketPolicy(stack, "partial-policy", new BucketPolicyArgs { Bucket = bucket.BucketName, Policy = TlsOnlyPolicy(bucket, action, objects) });

        AssertFires(stack, "S3-TLS-ONLY", "partial", "no statement that denies s3:* over plain HTTP");
    }

    [Theory]
    [InlineData("StringNotEqualsIfExists", false, true)]
    [InlineData("StringNotEquals", false, true)]
    [InlineData("StringNotEquals", true, false)]
    [InlineData("StringEquals", false, false)]
    public void A_deny_on_encryption_headers_must_not_hold_when_the_header_is_absent(string op, bool presentCheck, bool fires)
    {
        var stack = NewStack();
        var bucket = GoodBucket(stack, "uploads");
        var condition = new Dictionary<string, object> { [op] = new Dictionary<string, object> { ["s3:x-amz-server-side-encryption"] = "aws:kms" } };
        if (presentCheck)
        {
            condition["Null"] = new Dictionary<string, object> { ["s3:x-amz-server-side-encryption"] = "false" };
        }

        new BucketPolicy(stack, "uploads-encryption-policy", new BucketPolicyArgs
        {
            Bucket = bucket.BucketName,
            Policy = Output.JsonSerialize(new Dictionary<string, object>
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = new object[]
                {
                    new Dictionary<string, object> { ["Effect"] = "Deny", ["Principal"] = "*", ["Action"] = "s3:PutObject", ["Resource"] = Output.Format($"{bucket.Arn}/*"), ["Condition"] = condition },
                },
            }),
        });

        if (fires)
        {
            AssertFires(stack, "S3-SSE-DENY-ABSENT", "uploads", $"uses {op} on s3:x-amz-server-side-encryption");
        }
        else
        {
            AssertQuiet(stack, "S3-SSE-DENY-ABSENT");
        }
    }

    [Fact]
    public void Encrypted_bucket_policies_pass_the_absent_header_rule()
    {
        var stack = NewStack();
        new Infra.Components.EncryptedBucket(stack, "models");

        AssertQuiet(stack, "S3-SSE-DENY-ABSENT");
    }
}
