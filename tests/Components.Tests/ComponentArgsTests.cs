using Infra.Components;
using Infra.Core;
using static Components.Tests.ProgramAssertions;

namespace Components.Tests;

public class ComponentArgsTests
{
    [Fact]
    public void Invalid_function_args_name_the_component_each_key_its_value_and_the_allowed_values()
    {
        var stack = NewStack();

        var error = Assert.Throws<SynthesisException>(() => new InferenceFunction(stack, "embed", new InferenceFunctionArgs
        {
            CodePath = "fn",
            MemoryMb = 64,
            Architecture = "sparc",
            LogRetentionDays = 10,
        }));

        Assert.Equal(
        [
            "component 'embed': MemoryMb = 64 is invalid: expected an integer from 128 to 10240",
            "component 'embed': Architecture = 'sparc' is invalid: expected one of x86_64, arm64",
            "component 'embed': LogRetentionDays = 10 is invalid: expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
        ], error.Problems);
        Assert.Empty(stack.Resources);
    }

    [Fact]
    public void The_encrypted_bucket_uses_its_own_rotating_key_with_a_bucket_key()
    {
        var stack = NewStack();
        new EncryptedBucket(stack, "models");

        var program = Synth(stack);

        Assert.Equal(true, Property(program, "models-key", "enableKeyRotation"));
        Assert.Equal("aws:kms", Property(program, "models-encryption", "rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm"));
        Assert.Equal("${models-key.arn}", Property(program, "models-encryption", "rules", 0, "applyServerSideEncryptionByDefault", "kmsMasterKeyId"));
        Assert.Equal(true, Property(program, "models-encryption", "rules", 0, "bucketKeyEnabled"));
        foreach (var block in new[] { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" })
        {
            Assert.Equal(true, Property(program, "models-public-access-block", block));
        }

        Assert.Equal("BucketOwnerEnforced", Property(program, "models-ownership", "rule", "objectOwnership"));
        Assert.Equal("Enabled", Property(program, "models-versioning", "versioningConfiguration", "status"));
    }

    [Fact]
    public void The_function_role_reads_only_its_model_prefix_and_uses_no_wildcard_actions()
    {
        var stack = NewStack();
        var models = new EncryptedBucket(stack, "models");
        new InferenceFunction(stack, "embed", new InferenceFunctionArgs { CodePath = "fn", ModelBucket = models, ModelPrefix = "models/resnet18/" });

        var statements = (List<object?>)Property(Synth(stack), "embed-role-policy", "policy", "fn::toJSON", "Statement")!;

        var read = statements.Single(s => (string?)At(s, "Sid") == "ReadModel");
        Assert.Equal("${models-bucket.arn}/models/resnet18/*", At(read, "Resource"));
        Assert.All(statements, s => Assert.All((List<object?>)At(s, "Action")!, a => Assert.DoesNotContain("*", (string)a!, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_function_logs_to_its_own_encrypted_log_group_and_publishes_versions()
    {
        var stack = NewStack();
        new InferenceFunction(stack, "embed", new InferenceFunctionArgs { CodePath = "fn" });

        var program = Synth(stack);

        Assert.Equal("${embed-logs.name}", Property(program, "embed-function", "loggingConfig", "logGroup"));
        Assert.Equal("${embed-key.arn}", Property(program, "embed-logs", "kmsKeyId"));
        Assert.Equal(30m, Property(program, "embed-logs", "retentionInDays"));
        Assert.Equal(true, Property(program, "embed-function", "publish"));
        Assert.Equal("InferenceFunction", Property(program, "embed-function", "handler"));
    }
}
