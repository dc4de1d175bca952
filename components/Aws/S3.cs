using Infra.Core;

namespace Infra.Aws.S3;

/// <summary><c>aws:s3/bucket:Bucket</c>. Encryption, versioning and access settings are separate resources in pulumi-aws v7.</summary>
public sealed class Bucket(IScope scope, string name, BucketArgs args, CustomResourceOptions? options = null)
    : CustomResource("aws:s3/bucket:Bucket", scope, name, args, options)
{
    public Output<string> Arn => GetOutput<string>("arn");

    /// <summary>The bucket's name (the provider calls it <c>bucket</c>).</summary>
    public Output<string> BucketName => GetOutput<string>("bucket");
}

public sealed class BucketArgs : ResourceArgs, ITaggableArgs
{
    [Input("bucket")] public Input<string>? Bucket { get; set; }

    [Input("bucketPrefix")] public Input<string>? BucketPrefix { get; set; }

    [Input("forceDestroy")] public Input<bool>? ForceDestroy { get; set; }

    [Input("objectLockEnabled")] public Input<bool>? ObjectLockEnabled { get; set; }

    [Input("tags")] public InputMap<string>? Tags { get; set; }
}

/// <summary><c>aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration</c>.</summary>
public sealed class BucketServerSideEncryptionConfiguration(IScope scope, string name, BucketServerSideEncryptionConfigurationArgs args, CustomResourceOptions? options = null)
    : CustomResource("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", scope, name, args, options);

public sealed class BucketServerSideEncryptionConfigurationArgs : ResourceArgs
{
    [Input("bucket")] public required Input<string> Bucket { get; set; }

    [Input("rules")] public required InputList<BucketServerSideEncryptionConfigurationRuleArgs> Rules { get; set; }
}

public sealed class BucketServerSideEncryptionConfigurationRuleArgs : ResourceArgs
{
    [Input("applyServerSideEncryptionByDefault")] public BucketServerSideEncryptionByDefaultArgs? ApplyServerSideEncryptionByDefault { get; set; }

    [Input("bucketKeyEnabled")] public Input<bool>? BucketKeyEnabled { get; set; }
}

public sealed class BucketServerSideEncryptionByDefaultArgs : ResourceArgs
{
    /// <summary><c>aws:kms</c>, <c>aws:kms:dsse</c> or <c>AES256</c>.</summary>
    [Input("sseAlgorithm")] public required Input<string> SseAlgorithm { get; set; }

    [Input("kmsMasterKeyId")] public Input<string>? KmsMasterKeyId { get; set; }
}

/// <summary><c>aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock</c>.</summary>
public sealed class BucketPublicAccessBlock(IScope scope, string name, BucketPublicAccessBlockArgs args, CustomResourceOptions? options = null)
    : CustomResource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", scope, name, args, options);

public sealed class BucketPublicAccessBlockArgs : ResourceArgs
{
    [Input("bucket")] public required Input<string> Bucket { get; set; }

    [Input("blockPublicAcls")] public Input<bool>? BlockPublicAcls { get; set; }

    [Input("blockPublicPolicy")] public Input<bool>? BlockPublicPolicy { get; set; }

    [Input("ignorePublicAcls")] public Input<bool>? IgnorePublicAcls { get; set; }

    [Input("restrictPublicBuckets")] public Input<bool>? RestrictPublicBuckets { get; set; }
}

/// <summary><c>aws:s3/bucketVersioning:BucketVersioning</c>.</summary>
public sealed class BucketVersioning(IScope scope, string name, BucketVersioningArgs args, CustomResourceOptions? options = null)
    : CustomResource("aws:s3/bucketVersioning:BucketVersioning", scope, name, args, options);

public sealed class BucketVersioningArgs : ResourceArgs
{
    [Input("bucket")] public required Input<string> Bucket { get; set; }

    [Input("versioningConfiguration")] public required BucketVersioningConfigurationArgs VersioningConfiguration { get; set; }
}

public sealed class BucketVersioningConfigurationArgs : ResourceArgs
{
    /// <summary><c>Enabled</c>, <c>Suspended</c> or <c>Disabled</c>.</summary>
    [Input("status")] public required Input<string> Status { get; set; }
}

/// <summary><c>aws:s3/bucketOwnershipControls:BucketOwnershipControls</c>.</summary>
public sealed class BucketOwnershipControls(IScope scope, string name, BucketOwnershipControlsArgs args, CustomResourceOptions? options = null)
    : CustomResource("aws:s3/bucketOwnershipControls:BucketOwnershipControls", scope, name, args, options);

public sealed class BucketOwnershipControlsArgs : ResourceArgs
{
    [Input("bucket")] public required Input<string> Bucket { get; set; }

    [Input("rule")] public required BucketOwnershipControlsRuleArgs Rule { get; set; }
}

public sealed class BucketOwnershipControlsRuleArgs : ResourceArgs
{
    /// <summary><c>BucketOwnerEnforced</c>, <c>BucketOwnerPreferred</c> or <c>ObjectWriter</c>.</summary>
    [Input("objectOwnership")] public required Input<string> ObjectOwnership { get; set; }
}

/// <summary><c>aws:s3/bucketPolicy:BucketPolicy</c>.</summary>
public sealed class BucketPolicy(IScope scope, string name, BucketPolicyArgs args, CustomResourceOptions? options = null)
    : CustomResource("aws:s3/bucketPolicy:BucketPolicy", scope, name, args, options);

public sealed class BucketPolicyArgs : ResourceArgs
{
    [Input("bucket")] public required Input<string> Bucket { get; set; }

    [Input("policy")] public required Input<string> Policy { get; set; }
}
