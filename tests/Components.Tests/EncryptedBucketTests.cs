using Infra.Aws.Iam;
using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

public class EncryptedBucketTests
{
    [Fact]
    public void Defaults_encrypt_with_a_rotating_own_key_block_public_access_and_enforce_ownership()
    {
        var stack = new Stack("proj", "dev");
        new EncryptedBucket(stack, "models");

        var template = StackTemplate.FromStack(stack);

        Assert.Equal(true, template.Property("models-key", "enableKeyRotation"));
        Assert.Equal("${models-key.keyId}", template.Property("models-key-alias", "targetKeyId"));
        Assert.Equal("alias/proj-dev-models", template.Property("models-key-alias", "name"));
        Assert.Equal("aws:kms", template.Property("models-encryption", "rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm"));
        Assert.Equal("${models-key.arn}", template.Property("models-encryption", "rules", 0, "applyServerSideEncryptionByDefault", "kmsMasterKeyId"));
        Assert.Equal(true, template.Property("models-encryption", "rules", 0, "bucketKeyEnabled"));
        foreach (var block in new[] { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" })
        {
            Assert.Equal(true, template.Property("models-public-access-block", block));
        }

        Assert.Equal("BucketOwnerEnforced", template.Property("models-ownership", "rule", "objectOwnership"));
        Assert.Equal("Enabled", template.Property("models-versioning", "versioningConfiguration", "status"));
        Assert.False(template.Has("resources", "models-access-logging"));
        Assert.False(template.Has("resources", "models-data-events"));
    }

    [Fact]
    public void The_key_policy_grants_only_the_account_root_and_the_given_principals()
    {
        var stack = new Stack("proj", "dev");
        new EncryptedBucket(stack, "models", new EncryptedBucketArgs { KeyUsers = ["arn:aws:iam::123456789012:role/reader"] });

        var statements = PolicyStatements.Of(StackTemplate.FromStack(stack), "models-key");

        Assert.Equal(2, statements.Count);
        Assert.Equal("arn:${aws-partition.partition}:iam::${aws-caller-identity.accountId}:root", ProgramValues.At(PolicyStatements.Sid(statements, "AccountAdministersKey"), "Principal", "AWS"));
        Assert.Equal("arn:aws:iam::123456789012:role/reader", ProgramValues.At(PolicyStatements.Sid(statements, "GivenPrincipalsUseKey"), "Principal", "AWS", 0));
        Assert.DoesNotContain("kms:*", (List<object?>)ProgramValues.At(PolicyStatements.Sid(statements, "GivenPrincipalsUseKey"), "Action")!);
    }

    [Fact]
    public void The_bucket_policy_refuses_plain_http_and_any_encryption_but_its_own_key()
    {
        var stack = new Stack("proj", "dev");
        new EncryptedBucket(stack, "models");

        var template = StackTemplate.FromStack(stack);
        var statements = PolicyStatements.Of(template, "models-policy");

        var http = PolicyStatements.Sid(statements, "DenyPlainHttp");
        Assert.Equal("Deny", ProgramValues.At(http, "Effect"));
        Assert.Equal("false", ProgramValues.At(http, "Condition", "Bool", "aws:SecureTransport"));
        Assert.Equal("${models-bucket.arn}/*", ProgramValues.At(http, "Resource", 1));
        // Only a header that is present and wrong is refused (Null: false); a headerless put or UploadPart gets the default.
        // AwsSemantics.Tests proves the outcome with an IAM evaluator; these pin the statements' shape.
        var otherEncryption = PolicyStatements.Sid(statements, "DenyOtherEncryption");
        Assert.Equal("aws:kms", ProgramValues.At(otherEncryption, "Condition", "StringNotEquals", "s3:x-amz-server-side-encryption"));
        Assert.Equal("false", ProgramValues.At(otherEncryption, "Condition", "Null", "s3:x-amz-server-side-encryption"));
        var otherKeys = PolicyStatements.Sid(statements, "DenyOtherKeys");
        Assert.Equal("${models-key.arn}", ProgramValues.At(otherKeys, "Condition", "StringNotEquals", "s3:x-amz-server-side-encryption-aws-kms-key-id", 0));
        Assert.Equal("${models-key.keyId}", ProgramValues.At(otherKeys, "Condition", "StringNotEquals", "s3:x-amz-server-side-encryption-aws-kms-key-id", 1));
        Assert.Equal("false", ProgramValues.At(otherKeys, "Condition", "Null", "s3:x-amz-server-side-encryption-aws-kms-key-id"));
        var managedKey = PolicyStatements.Sid(statements, "DenyManagedKey");
        Assert.Equal("aws:kms", ProgramValues.At(managedKey, "Condition", "StringEquals", "s3:x-amz-server-side-encryption"));
        Assert.Equal("true", ProgramValues.At(managedKey, "Condition", "Null", "s3:x-amz-server-side-encryption-aws-kms-key-id"));
        Assert.All(statements.Select(s => ProgramValues.At(s, "Condition")).OfType<Infra.Core.Synthesis.OrderedMap>(),
            condition => Assert.DoesNotContain(condition, c => c.Key.EndsWith("IfExists", StringComparison.Ordinal)));
        Assert.Contains("${models-public-access-block}", (List<object?>)template.At("resources", "models-policy", "options", "dependsOn")!);
    }

    [Fact]
    public void Lifecycle_rules_expire_noncurrent_versions_after_the_configured_days_and_abort_stale_uploads()
    {
        var stack = new Stack("proj", "dev");
        new EncryptedBucket(stack, "models", new EncryptedBucketArgs { NoncurrentVersionExpiration = TimeSpan.FromDays(30) });
        new EncryptedBucket(stack, "scratch", new EncryptedBucketArgs { Versioning = false });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("expire-noncurrent-versions", template.Property("models-lifecycle", "rules", 1, "id"));
        Assert.Equal(30m, template.Property("models-lifecycle", "rules", 1, "noncurrentVersionExpiration", "noncurrentDays"));
        Assert.Equal(7m, template.Property("models-lifecycle", "rules", 0, "abortIncompleteMultipartUpload", "daysAfterInitiation"));
        Assert.Single((List<object?>)template.Property("scratch-lifecycle", "rules")!);
        Assert.False(template.Has("resources", "scratch-versioning"));
    }

    [Fact]
    public void Access_logging_and_data_event_auditing_are_optional_resources()
    {
        var stack = new Stack("proj", "dev");
        new EncryptedBucket(stack, "models", new EncryptedBucketArgs
        {
            AccessLogging = new AccessLoggingArgs { TargetBucket = "central-logs" },
            DataEventAudit = new DataEventAuditArgs { TrailBucket = "audit-trail", IncludeReads = false },
        });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("central-logs", template.Property("models-access-logging", "targetBucket"));
        Assert.Equal("audit-trail", template.Property("models-data-events", "s3BucketName"));
        var fields = (List<object?>)template.Property("models-data-events", "advancedEventSelectors", 0, "fieldSelectors")!;
        Assert.Contains(fields, f => (string?)ProgramValues.At(f, "field") == "resources.ARN" && (string?)ProgramValues.At(f, "startsWiths", 0) == "${models-bucket.arn}/");
        Assert.Contains(fields, f => (string?)ProgramValues.At(f, "field") == "readOnly" && (string?)ProgramValues.At(f, "equals", 0) == "false");
    }

    [Fact]
    public void A_read_grant_allows_the_prefix_and_decryption_with_this_key_only()
    {
        var stack = new Stack("proj", "dev");
        var bucket = new EncryptedBucket(stack, "models");
        var role = new Role(stack, "reader", new RoleArgs { AssumeRolePolicy = "{}" });
        bucket.GrantRead(role, "models/resnet18/");
        bucket.GrantWrite(role, "results/");

        var template = StackTemplate.FromStack(stack);
        var read = PolicyStatements.Of(template, "models-grant-read-reader");
        var write = PolicyStatements.Of(template, "models-grant-write-reader");

        Assert.Equal("${reader.name}", template.Property("models-grant-read-reader", "role"));
        Assert.Equal("${models-bucket.arn}/models/resnet18/*", ProgramValues.At(PolicyStatements.Sid(read, "Objects"), "Resource"));
        Assert.Equal(new List<object?> { "s3:GetObject", "s3:GetObjectVersion" }, ProgramValues.At(PolicyStatements.Sid(read, "Objects"), "Action"));
        Assert.Equal("models/resnet18/*", ProgramValues.At(PolicyStatements.Sid(read, "ListPrefix"), "Condition", "StringLike", "s3:prefix", 0));
        Assert.Equal(new List<object?> { "kms:Decrypt" }, ProgramValues.At(PolicyStatements.Sid(read, "BucketKey"), "Action"));
        Assert.Equal("${models-key.arn}", ProgramValues.At(PolicyStatements.Sid(read, "BucketKey"), "Resource"));
        Assert.Contains("kms:GenerateDataKey", (List<object?>)ProgramValues.At(PolicyStatements.Sid(write, "BucketKey"), "Action")!);
        Assert.Contains("s3:PutObject", (List<object?>)ProgramValues.At(PolicyStatements.Sid(write, "Objects"), "Action")!);
    }

    [Fact]
    public void Invalid_args_and_grant_prefixes_are_refused_naming_the_component()
    {
        var stack = new Stack("proj", "dev");
        var error = Assert.Throws<SynthesisException>(() => new EncryptedBucket(stack, "models", new EncryptedBucketArgs { KeyDeletionWindow = TimeSpan.FromDays(3) }));
        Assert.Equal(["component 'models': KeyDeletionWindow = 3 days is invalid: expected a whole number of days from 7 to 30"], error.Problems);

        var bucket = new EncryptedBucket(stack, "data");
        var role = new Role(stack, "reader", new RoleArgs { AssumeRolePolicy = "{}" });
        Assert.Contains("prefix = '/x*'", Assert.Throws<SynthesisException>(() => bucket.GrantRead(role, "/x*")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Protect_guards_the_key_and_the_bucket()
    {
        var stack = new Stack("proj", "dev");
        new EncryptedBucket(stack, "models", new EncryptedBucketArgs { Protect = true });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal(true, template.At("resources", "models-key", "options", "protect"));
        Assert.Equal(true, template.At("resources", "models-bucket", "options", "protect"));
    }
}
