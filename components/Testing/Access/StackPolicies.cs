using System.Text.Json.Nodes;
using Infra.Testing.Access.Evaluation;
using Infra.Testing.Access.Simulation;

namespace Infra.Testing.Access;

/// <summary>
/// Who may do what in a deployed stack, read from its program as deployed: each role's identity policies (inline
/// <c>RolePolicy</c> resources and the role's <c>inlinePolicies</c>; our own managed policies, and the AWS managed policies listed in <see cref="ManagedPolicies"/>; any other attachment fails until modelled),
/// and each resource's policy (bucket, queue, topic, KMS key, ECR repository), all generically by type.
/// </summary>
public sealed class StackPolicies(DeployedOutputs outputs, string stack)
{
    public const string Account = DeploymentTarget.Account;

    /// <summary>AdministratorAccess, the deployer's managed policy (its published document).</summary>
    public static NamedPolicy AdministratorAccess { get; } = new("arn:aws:iam::aws:policy/AdministratorAccess",
        JsonNode.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""")!);

    /// <summary>
    /// AWS managed policies that our stacks attach, by ARN, with their documents as the AWS Managed Policy reference
    /// publishes them (AmazonAPIGatewayPushToCloudWatchLogs: version v1, unchanged since 2015).
    /// </summary>
    private static readonly Dictionary<string, JsonNode> ManagedPolicies = new(StringComparer.Ordinal)
    {
        ["arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"] = JsonNode.Parse("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream",
            "logs:DescribeLogGroups","logs:DescribeLogStreams","logs:PutLogEvents","logs:GetLogEvents","logs:FilterLogEvents"],"Resource":"*"}]}
            """)!,
    };

    /// <summary>The stack's name, for messages.</summary>
    public string Stack => stack;

    public DeployedOutputs Outputs => outputs;

    public string Region => Outputs.Target.Region;

    public IEnumerable<string> Resources(string type) => Outputs.Program.Resources.Where(r => r.Type == type).Select(r => r.Name);

    /// <summary>The role resource whose ARN is <paramref name="roleArn"/>.</summary>
    public string RoleNamed(string roleArn) =>
        Resources(Infra.Aws.Iam.Role.PulumiType).SingleOrDefault(r => Outputs.Output(r, "arn") == roleArn)
        ?? throw new InvalidOperationException($"stack {stack} has no role {roleArn}");

    public IReadOnlyList<NamedPolicy> IdentityPolicies(string roleResource)
    {
        var roleName = Outputs.Output(roleResource, "name");
        var policies = new List<NamedPolicy>();
        foreach (var inline in Outputs.Inputs(roleResource)["inlinePolicies"] as JsonArray ?? [])
        {
            policies.Add(new NamedPolicy($"{roleResource}/{inline!["name"]}", Document(inline["policy"], roleResource)));
        }

        policies.AddRange(Resources(Infra.Aws.Iam.RolePolicy.PulumiType)
            .Where(p => (string?)Outputs.Inputs(p)["role"] == roleName)
            .Select(p => new NamedPolicy(p, Document(Outputs.Inputs(p)["policy"], p))));
        foreach (var attachment in Resources(Infra.Aws.Iam.RolePolicyAttachment.PulumiType).Where(a => (string?)Outputs.Inputs(a)["role"] == roleName))
        {
            var arn = (string)Outputs.Inputs(attachment)["policyArn"]!;
            // Only AWS managed policies with a known document: our components attach no customer managed policy.
            var published = ManagedPolicies.GetValueOrDefault(arn)
                ?? throw new InvalidOperationException($"{attachment} attaches {arn}, whose document the access model does not have (add it to StackPolicies)");
            policies.Add(new NamedPolicy(arn, published));
        }

        return policies;
    }

    public IReadOnlyList<NamedPolicy> IdentityPoliciesOfArn(string roleArn) => IdentityPolicies(RoleNamed(roleArn));

    /// <summary>The trust policy of the role: which service or principal may assume it.</summary>
    public JsonNode TrustPolicy(string roleResource) => Document(Outputs.Inputs(roleResource)["assumeRolePolicy"], roleResource);

    public JsonNode? BucketPolicy(string bucketName) =>
        Resources(Infra.Aws.S3.BucketPolicy.PulumiType).Where(p => (string?)Outputs.Inputs(p)["bucket"] == bucketName)
            .Select(p => Document(Outputs.Inputs(p)["policy"], p)).SingleOrDefault();

    public string BucketResource(string bucketName) =>
        Resources(Infra.Aws.S3.Bucket.PulumiType).SingleOrDefault(b => Outputs.Output(b, "bucket") == bucketName)
        ?? throw new InvalidOperationException($"stack {stack} has no bucket '{bucketName}'");

    /// <summary>The KMS key ARN of the bucket's default encryption (SSE-KMS), or null for SSE-S3 or none.</summary>
    public string? BucketDefaultKey(string bucketName) =>
        Resources(Infra.Aws.S3.BucketServerSideEncryptionConfiguration.PulumiType)
            .Where(c => (string?)Outputs.Inputs(c)["bucket"] == bucketName)
            .Select(c => Outputs.Inputs(c)["rules"]?[0]?["applyServerSideEncryptionByDefault"])
            .Where(d => (string?)d?["sseAlgorithm"] is "aws:kms" or "aws:kms:dsse")
            .Select(d => KeyArn((string)d!["kmsMasterKeyId"]!))
            .SingleOrDefault();

    public bool BucketKeyEnabled(string bucketName) =>
        Resources(Infra.Aws.S3.BucketServerSideEncryptionConfiguration.PulumiType)
            .Where(c => (string?)Outputs.Inputs(c)["bucket"] == bucketName)
            .Any(c => Outputs.Inputs(c)["rules"]?[0]?["bucketKeyEnabled"]?.GetValue<bool>() == true);

    public JsonNode? QueuePolicy(string queueResource)
    {
        var url = Outputs.Output(queueResource, "url");
        var attached = Resources(Infra.Aws.Sqs.QueuePolicy.PulumiType).Where(p => (string?)Outputs.Inputs(p)["queueUrl"] == url)
            .Select(p => Document(Outputs.Inputs(p)["policy"], p)).SingleOrDefault();
        return attached ?? (Outputs.Inputs(queueResource)["policy"] is { } own ? Document(own, queueResource) : null);
    }

    public JsonNode? TopicPolicy(string topicResource)
    {
        var arn = Outputs.Output(topicResource, "arn");
        var attached = Resources(Infra.Aws.Sns.TopicPolicy.PulumiType).Where(p => (string?)Outputs.Inputs(p)["arn"] == arn)
            .Select(p => Document(Outputs.Inputs(p)["policy"], p)).SingleOrDefault();
        return attached ?? (Outputs.Inputs(topicResource)["policy"] is { } own ? Document(own, topicResource) : null);
    }

    public JsonNode? RepositoryPolicy(string repositoryName) =>
        Resources(Infra.Aws.Ecr.RepositoryPolicy.PulumiType).Where(p => (string?)Outputs.Inputs(p)["repository"] == repositoryName)
            .Select(p => Document(Outputs.Inputs(p)["policy"], p)).SingleOrDefault();

    /// <summary>The key's policy; a key created without one gets AWS's default (the account administers and uses it through IAM).</summary>
    public JsonNode KeyPolicy(string keyArn)
    {
        var key = KeyResource(keyArn);
        return Outputs.Inputs(key)["policy"] is { } policy ? Document(policy, key)
            : JsonNode.Parse($$"""{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Account}}:root"},"Action":"kms:*","Resource":"*"}]}""")!;
    }

    public string KeyResource(string keyArn) =>
        Resources(Infra.Aws.Kms.Key.PulumiType).SingleOrDefault(k => Outputs.Output(k, "arn") == keyArn)
        ?? throw new InvalidOperationException($"stack {stack} has no KMS key {keyArn}");

    /// <summary>A key given by ARN, key id or alias (name or ARN) as its key ARN; one the stack does not own stays as given.</summary>
    public string KeyArn(string reference)
    {
        foreach (var key in Resources(Infra.Aws.Kms.Key.PulumiType))
        {
            if (Outputs.Output(key, "arn") == reference || Outputs.Output(key, "keyId") == reference)
            {
                return Outputs.Output(key, "arn");
            }
        }

        foreach (var alias in Resources(Infra.Aws.Kms.Alias.PulumiType))
        {
            if (Outputs.Output(alias, "name") == reference || Outputs.Output(alias, "arn") == reference)
            {
                return KeyArn(Outputs.Output(alias, "targetKeyId"));
            }
        }

        return reference;
    }

    /// <summary>The policy attached to the resource the ARN names, for the services that have resource policies.</summary>
    public JsonNode? ResourcePolicy(string arn)
    {
        var parts = arn.Split(':', 6);
        switch (parts[2])
        {
            case "s3":
                return BucketPolicy(parts[5].Split('/')[0]);
            case "sqs":
                return Resources(Infra.Aws.Sqs.Queue.PulumiType).Where(q => Outputs.Output(q, "arn") == arn).Select(QueuePolicy).SingleOrDefault();
            case "sns":
                return Resources(Infra.Aws.Sns.Topic.PulumiType).Where(t => Outputs.Output(t, "arn") == arn).Select(TopicPolicy).SingleOrDefault();
            case "kms":
                return OwnsKey(arn) ? KeyPolicy(arn) : null;
            case "ecr":
                return RepositoryPolicy(parts[5].Split('/', 2)[1]);
            default:
                return null; // DynamoDB, Lambda (invoked by services, not modelled here), Step Functions, Logs, SSM: identity policies only
        }
    }

    /// <summary>The account that owns the resource: the ARN's, or the stack's for S3 ARNs, which carry none.</summary>
    public static string ResourceAccount(string arn)
    {
        var account = arn.Split(':', 6)[4];
        return account.Length == 0 ? Account : account;
    }

    /// <summary>The condition keys AWS sets on every request a role's session makes over HTTPS (the SDKs' default).</summary>
    public static Dictionary<string, object> RoleRequestContext(string roleArn) => new(StringComparer.Ordinal)
    {
        ["aws:SecureTransport"] = "true",
        ["aws:PrincipalArn"] = roleArn,
        ["aws:PrincipalAccount"] = roleArn.Split(':')[4],
        ["aws:PrincipalType"] = "AssumedRole",
    };

    public override string ToString() => stack;

    public bool OwnsKey(string keyArn) => Resources(Infra.Aws.Kms.Key.PulumiType).Any(k => Outputs.Output(k, "arn") == keyArn);

    private JsonNode Document(JsonNode? policy, string owner) => policy switch
    {
        JsonValue text when text.TryGetValue<string>(out var json) => JsonNode.Parse(json) ?? throw new InvalidOperationException($"{owner}: empty policy"),
        JsonObject document => document,
        _ => throw new InvalidOperationException($"{owner}: the policy is neither JSON text nor an object"),
    };
}
