using AwsSemantics.Tests.Deployment;
using Infra.Configuration;
using Infra.Core;
using Infra.Hosting;
using Infra.Testing;
using Infra.Testing.Access;

namespace AwsSemantics.Tests.Kit;

/// <summary>
/// The testing kit's access assertion (<c>template.Access()</c>) on the dev team stack, built the way a team's test
/// builds it: the stack definition run with the stack file's config, then <see cref="StackTemplate.FromStack"/>. Each
/// decision is the IAM simulator's, on the role's policies and the bucket's, key's or queue's own policy.
/// </summary>
[Collection(DeployedStacksCollection.Name)]
public sealed class RoleAccessTests(DeployedStacks deployed)
{
    private readonly ProgramAccess _access = DevStack(deployed.Root).Access(ConfigOf(deployed.Root).Values);

    private string Arn(string resource) => _access.Policies.Outputs.Output(resource, "arn");

    [Fact]
    public void The_batch_function_writes_results_and_reads_incoming_objects_through_its_grants()
    {
        var batch = _access.Role("batch-function-role");

        batch.Can("s3:PutObject").On("batch-output-bucket", "results/2026/12/predictions.jsonl");
        batch.Can("s3:PutObject").When("s3:x-amz-server-side-encryption", "aws:kms").When("s3:x-amz-server-side-encryption-aws-kms-key-id", Arn("batch-output-key"))
            .On("batch-output-bucket", "results/2026/12/predictions.jsonl");
        batch.Can("s3:GetObject").On("batch-input-bucket", "incoming/image.jpg");
        batch.Can("kms:Decrypt").On("batch-input-key");
        batch.Can("dynamodb:PutItem").On("batch-predictions");
        batch.Can("sqs:ReceiveMessage").On(Arn("batch-queue"));
    }

    [Fact]
    public void The_batch_function_deletes_nothing_and_writes_only_under_its_grants_prefix()
    {
        var batch = _access.Role("batch-function-role");

        batch.Cannot("s3:DeleteObject").On("batch-output-bucket", "results/2026/12/predictions.jsonl");
        batch.Cannot("s3:PutObject").On("batch-output-bucket", "incoming/predictions.jsonl");
        batch.Cannot("s3:GetObject").On("batch-input-bucket", "other/image.jpg");
        batch.Cannot("dynamodb:DeleteItem").On("batch-predictions");
    }

    [Fact]
    public void The_bucket_policy_denies_plain_http_and_other_encryption_to_a_granted_role()
    {
        var batch = _access.Role("batch-function-role");

        batch.Cannot("s3:PutObject").When("aws:SecureTransport", "false").On("batch-output-bucket", "results/out.jsonl");
        batch.Cannot("s3:PutObject").When("s3:x-amz-server-side-encryption", "AES256").On("batch-output-bucket", "results/out.jsonl");
    }

    [Fact]
    public void The_embed_function_cannot_read_the_batch_input_or_write_the_batch_output()
    {
        var embed = _access.Role("embed-function-role");

        embed.Cannot("s3:GetObject").On("batch-input-bucket", "incoming/image.jpg");
        embed.Cannot("s3:PutObject").On("batch-output-bucket", "results/out.jsonl");
        embed.Cannot("kms:Decrypt").On("batch-input-key");
    }

    [Fact]
    public void An_unexpected_denial_names_the_role_action_resource_and_that_no_statement_allows_it()
    {
        var batch = _access.Role("batch-function-role");

        var error = Assert.Throws<StackAssertionException>(() => batch.Can("s3:DeleteObject").On("batch-output-bucket", "results/out.jsonl"));

        Assert.Equal(
            $"role 'batch-function-role' ({Arn("batch-function-role")}): expected s3:DeleteObject on 'batch-output-bucket' ({Arn("batch-output-bucket")}/results/out.jsonl) " +
            "to be allowed, found ImplicitlyDenied: no statement allows it " +
            "(identity policies: batch-consume, batch-function-role-policy, batch-input-grant-read-function, batch-output-grant-write-function; resource policy: batch-output-bucket's)",
            error.Message);
    }

    [Fact]
    public void An_unexpected_explicit_denial_names_the_denying_statement_and_the_condition_keys_given()
    {
        var batch = _access.Role("batch-function-role");

        var error = Assert.Throws<StackAssertionException>(() =>
            batch.Can("s3:PutObject").When("aws:SecureTransport", "false").On("batch-output-bucket", "results/out.jsonl"));

        Assert.Equal(
            $"role 'batch-function-role' ({Arn("batch-function-role")}): expected s3:PutObject on 'batch-output-bucket' ({Arn("batch-output-bucket")}/results/out.jsonl) " +
            "with aws:SecureTransport=false to be allowed, found ExplicitlyDenied by resource policy:DenyPlainHttp " +
            "(identity policies: batch-consume, batch-function-role-policy, batch-input-grant-read-function, batch-output-grant-write-function; resource policy: batch-output-bucket's)",
            error.Message);
    }

    [Fact]
    public void An_unexpected_allowance_names_the_allowing_statement()
    {
        var batch = _access.Role("batch-function-role");

        var error = Assert.Throws<StackAssertionException>(() => batch.Cannot("dynamodb:PutItem").On("batch-predictions"));

        Assert.Equal(
            $"role 'batch-function-role' ({Arn("batch-function-role")}): expected dynamodb:PutItem on 'batch-predictions' ({Arn("batch-predictions")}) " +
            "to be denied, found Allowed by batch-consume:LogPredictions " +
            "(identity policies: batch-consume, batch-function-role-policy, batch-input-grant-read-function, batch-output-grant-write-function; resource policy: none)",
            error.Message);
    }

    [Fact]
    public void An_explicit_arn_is_shown_as_given()
    {
        var queue = Arn("batch-queue");

        var error = Assert.Throws<StackAssertionException>(() => _access.Role("embed-function-role").Can("sqs:ReceiveMessage").On(queue));

        Assert.StartsWith($"role 'embed-function-role' ({Arn("embed-function-role")}): expected sqs:ReceiveMessage on {queue} to be allowed, found ImplicitlyDenied: no statement allows it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pattern_for_a_resource_is_refused_because_IAM_decides_one_resource_at_a_time()
    {
        var error = Assert.Throws<ArgumentException>(() => _access.Role("batch-function-role").Can("s3:GetObject").On("batch-input-bucket", "incoming/*"));

        Assert.StartsWith($"s3:GetObject on 'batch-input-bucket' ({Arn("batch-input-bucket")}/incoming/*): IAM decides a request on one resource; name one (an object key such as 'incoming/image.jpg'), not a pattern", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_role_or_resource_the_program_lacks_is_named_with_what_was_found()
    {
        var missing = Assert.Throws<StackAssertionException>(() => _access.Role("embed-role"));
        Assert.StartsWith("role 'embed-role': expected an aws:iam/role:Role in the program, found none (roles: ", missing.Message, StringComparison.Ordinal);
        Assert.Contains("embed-function-role", missing.Message, StringComparison.Ordinal);

        var notRole = Assert.Throws<StackAssertionException>(() => _access.Role("models-bucket"));
        Assert.Equal("role 'models-bucket': expected an aws:iam/role:Role, found a aws:s3/bucket:Bucket", notRole.Message);

        var noResource = Assert.Throws<StackAssertionException>(() => _access.Role("batch-function-role").Can("s3:GetObject").On("input-bucket", "incoming/x"));
        Assert.Equal("resource 'input-bucket': expected in the program, found none; name a resource by its logical name or pass an ARN", noResource.Message);

        var noArn = Assert.Throws<StackAssertionException>(() => _access.Role("batch-function-role").Can("s3:PutBucketPolicy").On("batch-output-policy"));
        Assert.Equal("resource 'batch-output-policy' (aws:s3/bucketPolicy:BucketPolicy): expected an 'arn' output to evaluate access on, found none; pass the resource's ARN instead", noArn.Message);
    }

    /// <summary>The dev stack as a team's test builds it: the definition run with the stack file's config.</summary>
    private static StackTemplate DevStack(string root)
    {
        var layout = ProjectLayout.Find(root);
        var stack = new Stack(layout.ProjectName, "dev");
        var config = new StackConfig(layout.ProjectName, ConfigOf(root));
        Stacks.TeamStacks.Define(new StackContext(stack, config, layout));
        config.ThrowIfInvalid();
        return StackTemplate.FromStack(stack);
    }

    private static ConfigValues ConfigOf(string root) => ConfigLoader.FromStackFile(ProjectLayout.Find(root).StackFile("dev"));
}
