using Infra.Aws.Iam;
using Infra.Core;

namespace Infra.Policy.Rules;

public sealed class S3EncryptionRule : PolicyRule
{
    public override string Id => "S3-ENCRYPTION";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "buckets hold models and callers' inputs and results; with a customer-managed key, reading an object also needs kms:Decrypt on a key whose policy and use the account controls and audits";

    public override string Fix => "use EncryptedBucket, or add a BucketServerSideEncryptionConfiguration for the bucket with sseAlgorithm 'aws:kms' and kmsMasterKeyId set to a rotating key";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var bucket in graph.OfType(Aws.S3.Bucket.PulumiType))
        {
            var rules = graph.Referrers(bucket, Aws.S3.BucketServerSideEncryptionConfiguration.PulumiType, "bucket").SelectMany(c => graph.Input(c, "rules").Items()).ToList();
            if (rules.Count == 0)
            {
                yield return Finding(bucket, "the bucket has no server-side encryption configuration");
            }
            else if (!rules.Any(UsesCustomerKey))
            {
                yield return Finding(bucket, "the bucket's default encryption is not SSE-KMS with a customer-managed key (sseAlgorithm 'aws:kms' and a kmsMasterKeyId)");
            }
        }
    }

    private static bool UsesCustomerKey(ProgramValue rule) =>
        rule.At("applyServerSideEncryptionByDefault.sseAlgorithm").Literal() is "aws:kms" or "aws:kms:dsse"
        && rule.At("applyServerSideEncryptionByDefault.kmsMasterKeyId").IsSet();
}

public sealed class S3PublicAccessRule : PolicyRule
{
    private static readonly string[] Blocks = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

    public override string Id => "S3-PUBLIC-ACCESS";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "without all four blocks, one ACL or policy statement can make objects readable by anyone on the internet";

    public override string Fix => "use EncryptedBucket, or add a BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var bucket in graph.OfType(Aws.S3.Bucket.PulumiType))
        {
            var blocks = graph.Referrers(bucket, Aws.S3.BucketPublicAccessBlock.PulumiType, "bucket").ToList();
            var missing = Blocks.Where(setting => !blocks.Any(b => graph.Input(b, setting).IsTrue())).ToList();
            if (blocks.Count == 0)
            {
                yield return Finding(bucket, "the bucket has no public-access block");
            }
            else if (missing.Count > 0)
            {
                yield return Finding(bucket, $"the bucket's public-access block does not set {string.Join(", ", missing)} to true");
            }
        }
    }
}

public sealed class S3TlsOnlyRule : PolicyRule
{
    public override string Id => "S3-TLS-ONLY";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "S3 accepts plain HTTP requests; only a bucket-policy deny keeps objects and credentials off unencrypted connections";

    public override string Fix => "use EncryptedBucket, or add a BucketPolicy statement {Effect: Deny, Principal: *, Action: s3:*, Resource: [bucket ARN, bucket ARN/*], Condition: {Bool: {aws:SecureTransport: false}}}";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var bucket in graph.OfType(Aws.S3.Bucket.PulumiType))
        {
            var statements = graph.Referrers(bucket, Aws.S3.BucketPolicy.PulumiType, "bucket")
                .SelectMany(p => PolicyDocument.Read(graph.Input(p, "policy")) ?? [])
                .ToList();
            if (!statements.Any(s => DeniesPlainHttp(s, graph, bucket)))
            {
                yield return Finding(bucket, statements.Count == 0
                    ? "the bucket has no bucket policy, so plain-HTTP requests are not denied"
                    : "the bucket's policy has no statement that denies s3:* over plain HTTP on both the bucket and its objects");
            }
        }
    }

    private static bool DeniesPlainHttp(PolicyStatement statement, ResourceGraph graph, Resource bucket) =>
        !statement.IsAllow
        && !statement.NotAction
        && statement.Principals.Any(p => p.IsEveryone)
        && statement.ActionNames.Any(a => a is "*" or "s3:*")
        && statement.Conditions.Any(c => c.Operator is "Bool" or "BoolIfExists"
            && string.Equals(c.Key, "aws:SecureTransport", StringComparison.OrdinalIgnoreCase)
            && c.Values.Any(v => v.Text() == "false"))
        && Covers(statement, graph, bucket);

    private static bool Covers(PolicyStatement statement, ResourceGraph graph, Resource bucket)
    {
        var resources = statement.Resources.Select(r => r.Text()).OfType<string>().ToList();
        return resources.Any(r => IsBucketArn(r, graph, bucket))
            && resources.Any(r => r.EndsWith("/*", StringComparison.Ordinal) && IsBucketArn(r[..^2], graph, bucket));
    }

    // ${b.arn}, arn:${partition}:s3:::${b.bucket}, or arn:aws:s3:::literal-name.
    private static bool IsBucketArn(string text, ResourceGraph graph, Resource bucket) =>
        text == "${" + bucket.LogicalName + ".arn}"
        || text.EndsWith(":s3:::${" + bucket.LogicalName + ".bucket}", StringComparison.Ordinal)
        || (graph.Input(bucket, "bucket").Literal() is { } name && text.EndsWith(":s3:::" + name, StringComparison.Ordinal));
}

/// <summary>
/// A bucket-policy Deny on the SSE headers that an absent header satisfies: IAM evaluates a negated operator
/// (<c>StringNotEquals</c>, <c>StringNotLike</c>, ...) and any <c>...IfExists</c> operator as true when the key is not in
/// the request, so such a Deny refuses every PutObject without encryption headers (which the bucket's default
/// encryption would cover) and every multipart UploadPart (which never carries them).
/// </summary>
public sealed class S3EncryptionDenyRule : PolicyRule
{
    public override string Id => "S3-SSE-DENY-ABSENT";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "a Deny whose SSE-header condition holds when the header is absent refuses headerless uploads and every multipart part, so writers, code uploads and large pushes fail in AWS while every stand-in accepts them";

    public override string Fix => "use EncryptedBucket, or give each such Deny a {Null: {<the same key>: false}} condition beside a StringNotEquals (not ...IfExists), and let default bucket encryption cover requests without headers";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var bucket in graph.OfType(Aws.S3.Bucket.PulumiType))
        {
            var statements = graph.Referrers(bucket, Aws.S3.BucketPolicy.PulumiType, "bucket")
                .SelectMany(p => PolicyDocument.Read(graph.Input(p, "policy")) ?? [])
                .Where(s => !s.IsAllow);
            foreach (var statement in statements)
            {
                foreach (var condition in statement.Conditions.Where(c => c.Key.StartsWith("s3:x-amz-server-side-encryption", StringComparison.OrdinalIgnoreCase)))
                {
                    if (HoldsWhenAbsent(condition.Operator)
                        && !statement.Conditions.Any(c => c.Operator == "Null" && string.Equals(c.Key, condition.Key, StringComparison.OrdinalIgnoreCase) && c.Values.Any(v => v.Text() == "false")))
                    {
                        yield return Finding(bucket, $"a Deny uses {condition.Operator} on {condition.Key}, which is true when the header is absent: it refuses headerless puts and multipart parts");
                    }
                }
            }
        }
    }

    /// <summary>Negated operators and ...IfExists ones are true for a key the request does not carry (IAM condition operators).</summary>
    private static bool HoldsWhenAbsent(string op) =>
        op.EndsWith("IfExists", StringComparison.Ordinal) || op.Contains("Not", StringComparison.Ordinal);
}
