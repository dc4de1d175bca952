using System.Text.Json.Nodes;
using AwsSemantics.Tests.Access;
using AwsSemantics.Tests.Capture;
using AwsSemantics.Tests.Deployment;
using AwsSemantics.Tests.Simulation;
using Infra.Testing.Access.Simulation;
using Infra.Testing.Access;

namespace AwsSemantics.Tests;

/// <summary>
/// Every encrypted bucket's policy, evaluated on puts the way S3 sees them: a put without encryption headers (the
/// bucket default applies) and one naming the bucket's key pass; plain HTTP, SSE-S3, another key, and aws:kms
/// without a key id (S3 would use the account's aws/s3 key) are refused. Reads by a role of another account, by a role
/// of this account without grants, and by a granted role outside its prefix are refused.
/// </summary>
[Collection(DeployedStacksCollection.Name)]
public sealed class BucketPolicyTests(DeployedStacks deployed)
{
    private const string OtherAccountRole = "arn:aws:iam::210987654321:role/intruder";
    private const string UngrantedRole = $"arn:aws:iam::{StackPolicies.Account}:role/unrelated";

    [Fact]
    public void Only_the_right_encryption_over_https_is_accepted_on_every_encrypted_bucket()
    {
        var allowed = new List<AccessRequest>();
        var denied = new List<AccessRequest>();
        foreach (var stack in deployed.Stacks)
        {
            var access = stack.Policies;
            var authorizations = new Authorizations(access);
            var actions = new RequestActions(access.Region, StackPolicies.Account);
            foreach (var bucketResource in access.Resources("aws:s3/bucket:Bucket"))
            {
                var bucket = access.Outputs.Output(bucketResource, "bucket");
                if (access.BucketDefaultKey(bucket) is not { } key || access.BucketPolicy(bucket) is null)
                {
                    continue; // not an SSE-KMS bucket with a policy
                }

                var keyId = access.Outputs.Output(access.KeyResource(key), "keyId");
                IEnumerable<AccessRequest> Put(string what, Dictionary<string, string> headers, Dictionary<string, object>? context = null) =>
                    authorizations.For($"{stack}/{bucketResource} {what}", Caller.Deployer,
                        actions.Map(new CapturedRequest(HttpMethod.Put, new Uri($"https://{bucket}.s3.{access.Region}.amazonaws.com/checks/object"), headers, null)), context)
                        .Take(1); // the S3 decision; the KMS call is made only after it

                allowed.AddRange(Put("without encryption headers", []));
                allowed.AddRange(Put("with its key's ARN", new() { ["x-amz-server-side-encryption"] = "aws:kms", ["x-amz-server-side-encryption-aws-kms-key-id"] = key }));
                allowed.AddRange(Put("with its key's id", new() { ["x-amz-server-side-encryption"] = "aws:kms", ["x-amz-server-side-encryption-aws-kms-key-id"] = keyId }));
                denied.AddRange(Put("over plain HTTP", [], new() { ["aws:SecureTransport"] = "false" }));
                denied.AddRange(Put("asking for SSE-S3", new() { ["x-amz-server-side-encryption"] = "AES256" }));
                denied.AddRange(Put("asking for DSSE-KMS", new() { ["x-amz-server-side-encryption"] = "aws:kms:dsse", ["x-amz-server-side-encryption-aws-kms-key-id"] = key }));
                denied.AddRange(Put("asking for another key", new() { ["x-amz-server-side-encryption"] = "aws:kms", ["x-amz-server-side-encryption-aws-kms-key-id"] = $"arn:aws:kms:{access.Region}:{StackPolicies.Account}:key/00000000-0000-4000-a000-000000000000" }));
                denied.AddRange(Put("asking for aws:kms without a key id", new() { ["x-amz-server-side-encryption"] = "aws:kms" }));
                denied.AddRange(Put("naming a key id without aws:kms", new() { ["x-amz-server-side-encryption"] = "AES256", ["x-amz-server-side-encryption-aws-kms-key-id"] = key }));
            }
        }

        Assert.NotEmpty(allowed);
        Decisions.Assert(allowed, denied);
    }

    [Fact]
    public void Reads_by_other_principals_and_outside_a_granted_prefix_are_denied()
    {
        var allowed = new List<AccessRequest>();
        var denied = new List<AccessRequest>();
        foreach (var stack in deployed.Stacks)
        {
            var access = stack.Policies;
            var authorizations = new Authorizations(access);
            foreach (var role in access.Resources("aws:iam/role:Role"))
            {
                var roleArn = access.Outputs.Output(role, "arn");
                foreach (var granted in GrantedObjectReads(access, role))
                {
                    var inside = granted[..^1] + "checks/object";
                    allowed.AddRange(authorizations.For($"{stack}/{role} reads inside its grant", Caller.Role(access, roleArn), Read(inside)));
                    denied.AddRange(authorizations.For($"{stack} a role of another account", new Caller(OtherAccountRole, [StackPolicies.AdministratorAccess], false), Read(inside)).Take(1));
                    denied.AddRange(authorizations.For($"{stack} a role of this account without grants", new Caller(UngrantedRole, [], false), Read(inside)).Take(1));
                    if (granted.EndsWith("/*", StringComparison.Ordinal) && granted.Count(c => c == '/') > 1)
                    {
                        // The grant has a prefix: the same bucket outside it.
                        var outside = granted[..(granted.IndexOf('/', StringComparison.Ordinal) + 1)] + "outside-the-prefix/object";
                        denied.AddRange(authorizations.For($"{stack}/{role} reads outside its prefix", Caller.Role(access, roleArn), Read(outside)).Take(1));
                    }
                }
            }
        }

        Assert.NotEmpty(denied);
        Decisions.Assert(allowed, denied);
    }

    private static ServiceCall Read(string objectArn) =>
        new("GetObject", "s3:GetObject", objectArn, new Dictionary<string, object>(), objectArn.Split(':', 6)[5].Split('/')[0], "kms:Decrypt");

    /// <summary>The object ARN patterns (ending in <c>/*</c>) the role's identity policies allow s3:GetObject on.</summary>
    private static IEnumerable<string> GrantedObjectReads(StackPolicies access, string role) =>
        access.IdentityPolicies(role)
            .SelectMany(p => p.Policy["Statement"] as JsonArray ?? [])
            .Where(s => (string?)s!["Effect"] == "Allow" && Strings(s["Action"]).Contains("s3:GetObject"))
            .SelectMany(s => Strings(s!["Resource"]))
            .Where(r => r.StartsWith("arn:aws:s3:::", StringComparison.Ordinal) && r.EndsWith('*'))
            .Distinct();

    private static List<string> Strings(JsonNode? node) => node switch
    {
        JsonArray list => [.. list.Select(v => (string)v!)],
        JsonValue value => [(string)value!],
        _ => [],
    };
}
