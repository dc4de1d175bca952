using AwsSemantics.Tests.Capture;
using Infra.Testing.Access.Evaluation;
using AwsSemantics.Tests.Simulation;
using Infra.Testing.Access.Simulation;
using Infra.Testing.Access;

namespace AwsSemantics.Tests.Access;

/// <summary>
/// Turns a call into the authorization requests AWS evaluates for it: the call itself against the caller's identity
/// policies and the resource's policy, and for SSE-KMS the KMS call S3 then makes with the caller's credentials
/// (<c>kms:ViaService</c>, the <c>aws:s3:arn</c> encryption context: the bucket's ARN with an S3 Bucket Key, else the
/// object's) against the key's policy.
/// </summary>
public sealed class Authorizations(StackPolicies access)
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
        : StackPolicies.RoleRequestContext(caller.Principal);

    /// <summary>The policy attached to the resource the ARN names, for the services that have resource policies.</summary>
    public System.Text.Json.Nodes.JsonNode? ResourcePolicy(string arn) => access.ResourcePolicy(arn);

    private static string ResourceAccount(string arn) => StackPolicies.ResourceAccount(arn);
}
