using AwsSemantics.Tests.Capture;
using AwsSemantics.Tests.Evaluation;
using AwsSemantics.Tests.Simulation;

namespace AwsSemantics.Tests.Access;

/// <summary>
/// Turns a call into the authorization requests AWS evaluates for it: the call itself against the caller's identity
/// policies and the resource's policy, and for SSE-KMS the KMS call S3 then makes with the caller's credentials
/// (<c>kms:ViaService</c>, the <c>aws:s3:arn</c> encryption context: the bucket's ARN with an S3 Bucket Key, else the
/// object's) against the key's policy.
/// </summary>
public sealed class Authorizations(StackAccess access)
{
    public const string Account = DeploymentTarget.Account;

    public IEnumerable<AccessRequest> For(string description, Caller caller, ServiceCall call, IReadOnlyDictionary<string, object>? context = null)
    {
        var merged = new Dictionary<string, object>(Defaults(caller), StringComparer.Ordinal);
        foreach (var (key, value) in call.Context.Concat(context ?? new Dictionary<string, object>()))
        {
            merged[key] = value;
        }

        yield return new AccessRequest($"{description}: {call.Operation}", caller.Principal, call.Action, call.Resource, ResourceAccount(call.Resource),
            merged, caller.IdentityPolicies, ResourcePolicy(call.Resource));

        if (call is { Bucket: { } bucket, KmsAction: { } kmsAction })
        {
            var key = call.RequestedKmsKey is { } requested ? access.KeyArn(requested) : access.BucketDefaultKey(bucket);
            if (key is not null && access.OwnsKey(key))
            {
                var encryptionContext = access.BucketKeyEnabled(bucket) ? $"arn:aws:s3:::{bucket}" : call.Resource;
                yield return Kms($"{description}: {call.Operation} makes S3 call", caller, kmsAction, key, "s3", new Dictionary<string, object>
                {
                    ["kms:EncryptionContext:aws:s3:arn"] = encryptionContext,
                    ["kms:EncryptionContextKeys"] = new[] { "aws:s3:arn" },
                }, merged.GetValueOrDefault("aws:SecureTransport"));
            }
        }
    }

    /// <summary>A KMS call a service makes for the caller (<c>kms:ViaService</c>) or, for a service principal, on its own.</summary>
    public AccessRequest Kms(string description, Caller caller, string action, string keyArn, string viaService, IReadOnlyDictionary<string, object> encryptionContext, object? secureTransport = null)
    {
        var context = new Dictionary<string, object>(Defaults(caller), StringComparer.Ordinal)
        {
            ["kms:CallerAccount"] = Account,
        };
        if (!caller.IsService)
        {
            context["kms:ViaService"] = $"{viaService}.{access.Region}.amazonaws.com";
        }

        if (secureTransport is not null)
        {
            context["aws:SecureTransport"] = secureTransport;
        }

        foreach (var (key, value) in encryptionContext)
        {
            context[key] = value;
        }

        return new AccessRequest($"{description} {action} on {keyArn}", caller.Principal, action, keyArn, Account, context, caller.IdentityPolicies, access.KeyPolicy(keyArn));
    }

    /// <summary>The condition keys AWS sets on every request of this caller over HTTPS (the SDKs' default).</summary>
    public static IReadOnlyDictionary<string, object> Defaults(Caller caller) => caller.IsService
        ? new Dictionary<string, object> { ["aws:SecureTransport"] = "true", ["aws:PrincipalServiceName"] = caller.Principal }
        : new Dictionary<string, object>
        {
            ["aws:SecureTransport"] = "true",
            ["aws:PrincipalArn"] = caller.Principal,
            ["aws:PrincipalAccount"] = caller.Principal.Split(':')[4],
            ["aws:PrincipalType"] = "AssumedRole",
        };

    /// <summary>The policy attached to the resource the ARN names, for the services that have resource policies.</summary>
    public System.Text.Json.Nodes.JsonNode? ResourcePolicy(string arn)
    {
        var parts = arn.Split(':', 6);
        switch (parts[2])
        {
            case "s3":
                return access.BucketPolicy(parts[5].Split('/')[0]);
            case "sqs":
                return access.Resources("aws:sqs/queue:Queue").Where(q => access.Outputs.Output(q, "arn") == arn).Select(access.QueuePolicy).SingleOrDefault();
            case "sns":
                return access.Resources("aws:sns/topic:Topic").Where(t => access.Outputs.Output(t, "arn") == arn).Select(access.TopicPolicy).SingleOrDefault();
            case "kms":
                return access.OwnsKey(arn) ? access.KeyPolicy(arn) : null;
            case "ecr":
                return access.RepositoryPolicy(parts[5].Split('/', 2)[1]);
            default:
                return null; // DynamoDB, Lambda (invoked by services, not modelled here), Step Functions, Logs, SSM: identity policies only
        }
    }

    private static string ResourceAccount(string arn)
    {
        var account = arn.Split(':', 6)[4];
        return account.Length == 0 ? Account : account; // S3 ARNs carry no account: the bucket is the stack's
    }
}
