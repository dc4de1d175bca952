using Infra.Aws;
using Infra.Aws.Kms;
using Infra.Aws.S3;
using Infra.Core;

namespace Infra.Components;

public sealed record EncryptedBucketArgs
{
    /// <summary>Keep noncurrent object versions so that an overwrite or delete can be undone.</summary>
    public bool Versioning { get; init; } = true;

    /// <summary>Let <c>pulumi destroy</c> delete a bucket that still holds objects (dev stacks only).</summary>
    public bool ForceDestroy { get; init; }

    /// <summary>Protect the key and the bucket from deletion by the engine.</summary>
    public bool Protect { get; init; }

    /// <summary>Days a key waits before deletion once scheduled, 7 to 30.</summary>
    public int KeyDeletionWindowDays { get; init; } = 30;
}

/// <summary>
/// An S3 bucket encrypted with its own customer-managed KMS key: rotation on, SSE-KMS with a
/// bucket key, versioning, every public-access block, and bucket-owner-enforced ownership.
/// </summary>
public sealed class EncryptedBucket : ComponentResource
{
    public EncryptedBucket(IScope scope, string name, EncryptedBucketArgs? args = null, ComponentResourceOptions? options = null)
        : base("ml:EncryptedBucket", scope, name, options)
    {
        args ??= new EncryptedBucketArgs();
        new ArgsValidation(Path).Range(nameof(args.KeyDeletionWindowDays), args.KeyDeletionWindowDays, 7, 30).ThrowIfInvalid();

        var data = new CustomResourceOptions { Protect = args.Protect ? true : null };
        var account = AwsContext.AccountId(Stack);
        var partition = AwsContext.Partition(Stack);

        Key = new Key(this, "key", new KeyArgs
        {
            Description = $"Encrypts the objects of bucket {Path} ({Stack.ProjectName}/{Stack.StackName})",
            EnableKeyRotation = true,
            DeletionWindowInDays = args.KeyDeletionWindowDays,
            Policy = PolicyDocuments.Of(new Dictionary<string, object>
            {
                ["Sid"] = "AccountAdministersKey",
                ["Effect"] = "Allow",
                ["Principal"] = new Dictionary<string, object> { ["AWS"] = Output.Format($"arn:{partition}:iam::{account}:root") },
                ["Action"] = "kms:*",
                ["Resource"] = "*",
            }),
        }, data);
        new Aws.Kms.Alias(this, "key-alias", new AliasArgs
        {
            Name = $"alias/{Stack.ProjectName}-{Stack.StackName}-{Name}",
            TargetKeyId = Key.KeyId,
        });

        Bucket = new Bucket(this, "bucket", new BucketArgs { ForceDestroy = args.ForceDestroy ? true : null }, data);
        new BucketServerSideEncryptionConfiguration(this, "encryption", new BucketServerSideEncryptionConfigurationArgs
        {
            Bucket = Bucket.BucketName,
            Rules = new[]
            {
                new BucketServerSideEncryptionConfigurationRuleArgs
                {
                    ApplyServerSideEncryptionByDefault = new BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs { SseAlgorithm = "aws:kms", KmsMasterKeyId = Key.Arn },
                    BucketKeyEnabled = true,
                },
            },
        });
        new BucketPublicAccessBlock(this, "public-access-block", new BucketPublicAccessBlockArgs
        {
            Bucket = Bucket.BucketName,
            BlockPublicAcls = true,
            BlockPublicPolicy = true,
            IgnorePublicAcls = true,
            RestrictPublicBuckets = true,
        });
        new BucketOwnershipControls(this, "ownership", new BucketOwnershipControlsArgs
        {
            Bucket = Bucket.BucketName,
            Rule = new BucketOwnershipControlsRuleArgs { ObjectOwnership = "BucketOwnerEnforced" },
        });
        if (args.Versioning)
        {
            new BucketVersioning(this, "versioning", new BucketVersioningArgs
            {
                Bucket = Bucket.BucketName,
                VersioningConfiguration = new BucketVersioningVersioningConfigurationArgs { Status = "Enabled" },
            });
        }
    }

    public Key Key { get; }

    public Bucket Bucket { get; }

    public Output<string> BucketName => Bucket.BucketName;

    public Output<string> BucketArn => Bucket.Arn;

    public Output<string> KeyArn => Key.Arn;
}
