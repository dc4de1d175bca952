using Infra.Aws.CloudTrail;
using Infra.Aws.Iam;
using Infra.Aws.Kms;
using Infra.Aws.S3;
using Infra.Core;

namespace Infra.Components;

public sealed record EncryptedBucketArgs
{
    /// <summary>The bucket's physical name (globally unique); null lets Pulumi name it. A fixed name lets tools outside the stack find it.</summary>
    public string? BucketName { get; init; }

    /// <summary>Keep noncurrent object versions so that an overwrite or delete can be undone.</summary>
    public bool Versioning { get; init; } = true;

    /// <summary>Whole days after which a noncurrent version is deleted (lifecycle rule); zero keeps them forever.</summary>
    public TimeSpan NoncurrentVersionExpiration { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Whole days after which an unfinished multipart upload is aborted, so its parts stop costing.</summary>
    public TimeSpan AbortIncompleteUploadsAfter { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Let <c>pulumi destroy</c> delete a bucket that still holds objects (dev stacks only).</summary>
    public bool ForceDestroy { get; init; }

    /// <summary>Protect the key and the bucket from deletion by the engine.</summary>
    public bool Protect { get; init; }

    /// <summary>How long a key waits before deletion once scheduled: whole days, 7 to 30.</summary>
    public TimeSpan KeyDeletionWindow { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Principals (role ARNs) that may use the key besides the account root, which administers
    /// it. IAM policies of the account's roles still need a grant (<see cref="EncryptedBucket.GrantRead(IGrantable, string)"/>).
    /// </summary>
    public IReadOnlyList<Input<string>> KeyUsers { get; init; } = [];

    /// <summary>Server access logging into another bucket (which must use SSE-S3: S3 cannot deliver logs to SSE-KMS buckets).</summary>
    public AccessLoggingArgs? AccessLogging { get; init; }

    /// <summary>CloudTrail data events (object reads and writes) of this bucket, for audit logging.</summary>
    public DataEventAuditArgs? DataEventAudit { get; init; }
}

public sealed record AccessLoggingArgs
{
    public required Input<string> TargetBucket { get; init; }

    public string TargetPrefix { get; init; } = "access-logs/";
}

public sealed record DataEventAuditArgs
{
    /// <summary>The bucket CloudTrail writes to; its policy must let cloudtrail.amazonaws.com write.</summary>
    public required Input<string> TrailBucket { get; init; }

    /// <summary>Record reads as well as writes; reads of a busy bucket produce many events (and cost).</summary>
    public bool IncludeReads { get; init; } = true;
}

/// <summary>
/// An S3 bucket encrypted with its own customer-managed KMS key: rotation on, SSE-KMS with a
/// bucket key, versioning, every public-access block, bucket-owner-enforced ownership, a policy
/// that refuses plain HTTP and any other encryption, and lifecycle rules for old versions.
/// </summary>
public sealed partial class EncryptedBucket : ComponentResource
{
    /// <summary>KMS API Reference, CreateAlias: AliasName, 1 to 256 characters of letters, digits, / _ and -.</summary>
    private static readonly PhysicalNameRule KmsAliasName = PhysicalNameRule.Of(256, "/_-");

    private readonly GrantsByName<RolePolicy> _grants;

    public EncryptedBucket(IScope scope, string name, EncryptedBucketArgs? args = null, ComponentResourceOptions? options = null)
        : base("ml:EncryptedBucket", scope, name, options)
    {
        args ??= new EncryptedBucketArgs();
        _grants = new GrantsByName<RolePolicy>(this);
        new ArgsValidation(Path)
            .Duration(nameof(args.KeyDeletionWindow), args.KeyDeletionWindow, TimeUnit.Days, 7, 30)
            .Duration(nameof(args.NoncurrentVersionExpiration), args.NoncurrentVersionExpiration, TimeUnit.Days, 0, 36500)
            .Duration(nameof(args.AbortIncompleteUploadsAfter), args.AbortIncompleteUploadsAfter, TimeUnit.Days, 1, 365)
            .Check(args.BucketName is null || BucketNamePattern().IsMatch(args.BucketName), nameof(args.BucketName), args.BucketName,
                "an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit")
            .ThrowIfInvalid();

        var data = new CustomResourceOptions { Protect = args.Protect ? true : null };
        var keyStatements = new List<PolicyStatement> { PolicyDocuments.AccountAdministersKey(Stack) };
        if (args.KeyUsers.Count > 0)
        {
            keyStatements.Add(new PolicyStatement
            {
                Sid = "GivenPrincipalsUseKey",
                Principals = [PolicyPrincipal.Aws(InputList<string>.From(args.KeyUsers))],
                Action = IamValues.List(["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]),
                Resource = IamValues.One("*"),
            });
        }

        Key = new Key(this, "key", new KeyArgs
        {
            Description = $"Encrypts the objects of bucket {Path} ({Stack.ProjectName}/{Stack.StackName})",
            EnableKeyRotation = true,
            DeletionWindowInDays = (int)args.KeyDeletionWindow.TotalDays,
            Policy = PolicyDocuments.Of([.. keyStatements]),
        }, data);
        new Aws.Kms.Alias(this, "key-alias", new AliasArgs
        {
            Name = PhysicalName.Join(KmsAliasName, "alias/", '-', Stack.ProjectName, Stack.StackName, Path.Replace('/', '-')),
            TargetKeyId = Key.KeyId,
        });

        Bucket = new Bucket(this, "bucket", new BucketArgs { Bucket = args.BucketName is { } physicalName ? (Input<string>)physicalName : null, ForceDestroy = args.ForceDestroy ? true : null }, data);
        var encryption = new BucketServerSideEncryptionConfiguration(this, "encryption", new BucketServerSideEncryptionConfigurationArgs
        {
            Bucket = Bucket.BucketName,
            Rules = new[]
            {
                new BucketServerSideEncryptionConfigurationRuleArgs
                {
                    ApplyServerSideEncryptionByDefault = new BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs
                    {
                        SseAlgorithm = "aws:kms",
                        KmsMasterKeyId = Key.Arn,
                    },
                    BucketKeyEnabled = true,
                },
            },
        });
        var publicAccess = new BucketPublicAccessBlock(this, "public-access-block", new BucketPublicAccessBlockArgs
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

        // The policy goes on after the public-access block, so that S3 evaluates it under the block.
        new BucketPolicy(this, "policy", new BucketPolicyArgs { Bucket = Bucket.BucketName, Policy = BucketPolicyDocument() },
            new CustomResourceOptions { DependsOn = [publicAccess, encryption] });

        Resource? versioning = null;
        if (args.Versioning)
        {
            versioning = new BucketVersioning(this, "versioning", new BucketVersioningArgs
            {
                Bucket = Bucket.BucketName,
                VersioningConfiguration = new BucketVersioningVersioningConfigurationArgs { Status = "Enabled" },
            });
        }

        new BucketLifecycleConfiguration(this, "lifecycle", new BucketLifecycleConfigurationArgs
        {
            Bucket = Bucket.BucketName,
            Rules = LifecycleRules(args).ToArray(),
        }, new CustomResourceOptions { DependsOn = versioning is null ? [] : [versioning] });

        if (args.AccessLogging is { } logging)
        {
            new BucketLogging(this, "access-logging", new BucketLoggingArgs
            {
                Bucket = Bucket.BucketName,
                TargetBucket = logging.TargetBucket,
                TargetPrefix = logging.TargetPrefix,
            });
        }

        if (args.DataEventAudit is { } audit)
        {
            new Trail(this, "data-events", new TrailArgs
            {
                S3BucketName = audit.TrailBucket,
                S3KeyPrefix = $"{Stack.StackName}/{Path}",
                EnableLogFileValidation = true,
                IncludeGlobalServiceEvents = false,
                AdvancedEventSelectors = new[] { DataEventSelector(audit.IncludeReads) },
            });
        }
    }

    public Key Key { get; }

    public Bucket Bucket { get; }

    public Output<string> BucketName => Bucket.BucketName;

    public Output<string> BucketArn => Bucket.Arn;

    public Output<string> KeyArn => Key.Arn;

    /// <summary>
    /// Lets the grantee read objects under the prefix: <c>s3:GetObject*</c> there, listing of it, and decryption with this key only.
    /// The policy is named <c>grant-read-{grantee}</c>; asking again for the same grantee returns it.
    /// </summary>
    public RolePolicy GrantRead(IGrantable grantee, string prefix = "") =>
        Grant(grantee, "read", prefix, ["s3:GetObject", "s3:GetObjectVersion"], ["kms:Decrypt"]);

    /// <summary>Lets the grantee write objects under the prefix, encrypting with this key only.</summary>
    public RolePolicy GrantWrite(IGrantable grantee, string prefix = "") =>
        Grant(grantee, "write", prefix, ["s3:PutObject", "s3:AbortMultipartUpload"], ["kms:GenerateDataKey", "kms:Decrypt"]);

    public RolePolicy GrantReadWrite(IGrantable grantee, string prefix = "") =>
        Grant(grantee, "read-write", prefix, ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:AbortMultipartUpload"], ["kms:GenerateDataKey", "kms:Decrypt"]);

    public RolePolicy GrantRead(Role role, string prefix = "") => GrantRead(new RoleGrantee(role), prefix);

    public RolePolicy GrantWrite(Role role, string prefix = "") => GrantWrite(new RoleGrantee(role), prefix);

    public RolePolicy GrantReadWrite(Role role, string prefix = "") => GrantReadWrite(new RoleGrantee(role), prefix);

    private RolePolicy Grant(IGrantable grantee, string access, string prefix, string[] objectActions, string[] keyActions)
    {
        ArgumentNullException.ThrowIfNull(grantee);
        var role = grantee.GrantRole;
        new ArgsValidation(Path).Check(!prefix.StartsWith('/') && !prefix.Contains('*', StringComparison.Ordinal), "prefix", prefix, "a key prefix without a leading '/' or wildcards").ThrowIfInvalid();
        var list = new PolicyStatement
        {
            Sid = "ListPrefix",
            Action = IamValues.List(["s3:ListBucket"]),
            Resource = IamValues.One(BucketArn),
            Conditions = prefix.Length == 0 ? [] : [new PolicyCondition("StringLike", "s3:prefix", IamValues.List([prefix + "*"]))],
        };

        var name = GrantNames.Of(this, $"grant-{access}", grantee.GrantPath);
        return _grants.GetOrCreate(name, $"grantee '{grantee.GrantPath}' and prefix '{prefix}'", number => $"grant-{access}-{number}", options => new RolePolicy(this, name, new RolePolicyArgs
        {
            Role = role.RoleName,
            Policy = PolicyDocuments.Of(
                PolicyDocuments.Allow("Objects", objectActions, Output.Format($"{BucketArn}/{prefix}*")),
                list,
                PolicyDocuments.Allow("BucketKey", keyActions, KeyArn)),
        }, options));
    }

    private Output<string> BucketPolicyDocument()
    {
        var objects = Output.Format($"{Bucket.Arn}/*");
        return PolicyDocuments.Of(
            new PolicyStatement
            {
                Sid = "DenyPlainHttp",
                Effect = "Deny",
                Principals = [PolicyPrincipal.Everyone],
                Action = IamValues.One("s3:*"),
                Resource = IamValues.List([Bucket.Arn, objects]),
                Conditions = [new PolicyCondition("Bool", "aws:SecureTransport", "false")],
            },
            // A put without encryption headers gets the default (SSE-KMS with this key), and so does every multipart
            // UploadPart (parts never carry the headers): those must pass. IAM evaluates a negated operator on an absent
            // key as true, and ...IfExists likewise, so each Deny below also requires its header to be present (Null: false)
            // and refuses only a wrong value.
            DenyWhenPresent("DenyOtherEncryption", objects, "StringNotEquals", SseHeader, IamValues.One("aws:kms")),
            DenyWhenPresent("DenyOtherKeys", objects, "StringNotEquals", SseKeyHeader, IamValues.List([Key.Arn, Key.KeyId])),
            // "aws:kms" without a key id makes S3 use the account's AWS managed key (aws/s3), not the bucket's default.
            new PolicyStatement
            {
                Sid = "DenyManagedKey",
                Effect = "Deny",
                Principals = [PolicyPrincipal.Everyone],
                Action = IamValues.One("s3:PutObject"),
                Resource = IamValues.One(objects),
                Conditions = [new PolicyCondition("StringEquals", SseHeader, "aws:kms"), new PolicyCondition("Null", SseKeyHeader, "true")],
            });
    }

    private const string SseHeader = "s3:x-amz-server-side-encryption";
    private const string SseKeyHeader = "s3:x-amz-server-side-encryption-aws-kms-key-id";

    /// <summary>Denies a PutObject (or CreateMultipartUpload) whose <paramref name="key"/> header is present and fails <paramref name="test"/>.</summary>
    private static PolicyStatement DenyWhenPresent(string sid, Output<string> objects, string test, string key, ProgramValue allowed) => new()
    {
        Sid = sid,
        Effect = "Deny",
        Principals = [PolicyPrincipal.Everyone],
        Action = IamValues.One("s3:PutObject"),
        Resource = IamValues.One(objects),
        Conditions = [new PolicyCondition(test, key, allowed), new PolicyCondition("Null", key, "false")],
    };

    private static IEnumerable<BucketLifecycleConfigurationRuleArgs> LifecycleRules(EncryptedBucketArgs args)
    {
        yield return new BucketLifecycleConfigurationRuleArgs
        {
            Id = "abort-incomplete-uploads",
            Status = "Enabled",
            Filter = new BucketLifecycleConfigurationRuleFilterArgs { Prefix = "" },
            AbortIncompleteMultipartUpload = new BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs { DaysAfterInitiation = (int)args.AbortIncompleteUploadsAfter.TotalDays },
        };
        if (args.Versioning && args.NoncurrentVersionExpiration > TimeSpan.Zero)
        {
            yield return new BucketLifecycleConfigurationRuleArgs
            {
                Id = "expire-noncurrent-versions",
                Status = "Enabled",
                Filter = new BucketLifecycleConfigurationRuleFilterArgs { Prefix = "" },
                NoncurrentVersionExpiration = new BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs { NoncurrentDays = (int)args.NoncurrentVersionExpiration.TotalDays },
            };
        }
    }

    private TrailAdvancedEventSelectorArgs DataEventSelector(bool includeReads)
    {
        var fields = new List<TrailAdvancedEventSelectorFieldSelectorArgs>
        {
            new() { Field = "eventCategory", EqualsValue = new[] { "Data" } },
            new() { Field = "resources.type", EqualsValue = new[] { "AWS::S3::Object" } },
            new() { Field = "resources.ARN", StartsWiths = new Input<string>[] { Output.Format($"{Bucket.Arn}/") } },
        };
        if (!includeReads)
        {
            fields.Add(new() { Field = "readOnly", EqualsValue = new[] { "false" } });
        }

        return new TrailAdvancedEventSelectorArgs { Name = $"Object events of {Path}", FieldSelectors = fields.ToArray() };
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial System.Text.RegularExpressions.Regex BucketNamePattern();
}
