using Infra.Aws.Iam;
using Infra.Aws.Kms;
using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Testing.Tests;

/// <summary>Small stacks of real components and resources for the kit's tests.</summary>
internal static class SampleStacks
{
    /// <summary>
    /// An encrypted bucket (protected), a key outside any component, a role reading the bucket through a policy
    /// variable, and a resource with explicit options.
    /// </summary>
    public static StackTemplate Buckets()
    {
        var stack = new Stack("proj", "dev");
        var models = new EncryptedBucket(stack, "models", new EncryptedBucketArgs { Protect = true }, new ComponentResourceOptions { FormerNames = ["weights"] });
        new EncryptedBucket(stack, "artifacts", new EncryptedBucketArgs { ForceDestroy = true });
        var key = new Key(stack, "signing", new KeyArgs { Description = "signs $1 receipts", EnableKeyRotation = true });
        var role = new Role(stack, "reader", new RoleArgs
        {
            AssumeRolePolicy = Output.JsonSerialize(new
            {
                Version = "2012-10-17",
                Statement = new[] { new { Effect = "Allow", Principal = new { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" } },
            }),
        });
        new RolePolicy(stack, "reader-policy", new RolePolicyArgs
        {
            Role = role.RoleName,
            Policy = Output.JsonSerialize(new
            {
                Version = "2012-10-17",
                Statement = new object[]
                {
                    new { Effect = "Allow", Action = new[] { "s3:GetObject", "s3:ListBucket" }, Resource = new object[] { models.BucketArn, Output.Format($"{models.BucketArn}/*") } },
                    new { Effect = "Allow", Action = new[] { "kms:Decrypt" }, Resource = new object[] { models.KeyArn } },
                },
            }),
        }, new CustomResourceOptions
        {
            DependsOn = [key],
            RetainOnDelete = true,
            IgnoreChanges = ["name"],
            Aliases = [new Infra.Core.Alias { Name = "old-reader-policy" }],
        });
        stack.Export("modelsBucket", models.BucketName);
        return StackTemplate.FromStack(stack);
    }
}
