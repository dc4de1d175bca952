using Infra.Aws.Iam;
using Infra.Aws.Lambda;
using Infra.Aws.S3;
using Infra.Aws.Sqs;
using Infra.Core;
using static Components.Tests.PolicyAssertions;

namespace Components.Tests;

/// <summary>PUBLIC-PRINCIPAL, IAM-WILDCARD-ACTION and IAM-WILDCARD-RESOURCE.</summary>
public class AccessRuleTests
{
    private static Output<string> Document(params object[] statements) =>
        Output.JsonSerialize(new Dictionary<string, object> { ["Version"] = "2012-10-17", ["Statement"] = statements });

    private static Dictionary<string, object> Statement(string effect, object principal, object action, object resource, Dictionary<string, object>? condition = null)
    {
        var statement = new Dictionary<string, object> { ["Effect"] = effect, ["Action"] = action, ["Resource"] = resource };
        if (principal is not "")
        {
            statement["Principal"] = principal;
        }

        if (condition is not null)
        {
            statement["Condition"] = condition;
        }

        return statement;
    }

    private static Role Role(Stack stack) => new(stack, "role", new RoleArgs
    {
        AssumeRolePolicy = Document(Statement("Allow", new Dictionary<string, object> { ["Service"] = "lambda.amazonaws.com" }, "sts:AssumeRole", "*")),
    });

    private static RolePolicy Grant(Stack stack, string name, Role role, object action, object resource, string effect = "Allow") =>
        new(stack, name, new RolePolicyArgs { Role = role.RoleName, Policy = Document(Statement(effect, "", action, resource)) });

    [Fact]
    public void A_bucket_policy_that_lets_everyone_read_fires_and_a_source_condition_or_a_deny_is_quiet()
    {
        var stack = NewStack();
        var bucket = new Bucket(stack, "data", new BucketArgs());
        new BucketPolicy(stack, "open-policy", new BucketPolicyArgs
        {
            Bucket = bucket.BucketName,
            Policy = Document(Statement("Allow", "*", "s3:GetObject", Output.Format($"{bucket.Arn}/*"))),
        });
        new BucketPolicy(stack, "scoped-policy", new BucketPolicyArgs
        {
            Bucket = bucket.BucketName,
            Policy = Document(
                Statement("Allow", new Dictionary<string, object> { ["AWS"] = "*" }, "s3:PutObject", Output.Format($"{bucket.Arn}/*"),
                    new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = "123456789012" } }),
                Statement("Deny", "*", "s3:*", bucket.Arn)),
        });

        AssertFires(stack, "PUBLIC-PRINCIPAL", "open-policy", "1 statement(s) allow the * principal");
    }

    [Fact]
    public void A_queue_policy_written_with_get_policy_document_is_read_too()
    {
        var stack = NewStack();
        var queue = new Queue(stack, "jobs", new QueueArgs());
        var document = GetPolicyDocument.Invoke(stack, "jobs-policy-document", new GetPolicyDocumentArgs
        {
            Statements = new[]
            {
                new GetPolicyDocumentStatementArgs
                {
                    Actions = new[] { "sqs:SendMessage" },
                    Resources = new Input<string>[] { queue.Arn },
                    Principals = new[] { new GetPolicyDocumentPrincipalArgs { Type = "AWS", Identifiers = new[] { "*" } } },
                },
            },
        });
        new QueuePolicy(stack, "jobs-policy", new QueuePolicyArgs { QueueUrl = queue.Url, Policy = document });

        AssertFires(stack, "PUBLIC-PRINCIPAL", "jobs-policy", "allow the * principal");
    }

    [Fact]
    public void A_lambda_permission_for_everyone_fires_unless_it_names_a_source()
    {
        var stack = NewStack();
        new Permission(stack, "anyone", new PermissionArgs { Action = "lambda:InvokeFunction", Function = "worker", Principal = "*" });
        new Permission(stack, "our-account", new PermissionArgs { Action = "lambda:InvokeFunction", Function = "worker", Principal = "*", SourceAccount = "123456789012" });
        new Permission(stack, "our-bucket", new PermissionArgs
        {
            Action = "lambda:InvokeFunction",
            Function = "worker",
            Principal = "s3.amazonaws.com",
            SourceArn = "arn:aws:s3:::acme-uploads",
        });

        AssertFires(stack, "PUBLIC-PRINCIPAL", "anyone", "principal * invoke the function");
    }

    [Theory]
    [InlineData("*")]
    [InlineData("s3:*")]
    public void A_wildcard_action_in_a_role_policy_fires(string action)
    {
        var stack = NewStack();
        var role = Role(stack);
        Grant(stack, "too-broad", role, new[] { "s3:GetObject", action }, "arn:aws:s3:::acme-data/*");

        AssertFires(stack, "IAM-WILDCARD-ACTION", "too-broad", $"allows wildcard actions: {action}");
    }

    [Fact]
    public void A_wildcard_action_in_an_inline_role_policy_or_a_not_action_fires_on_the_role()
    {
        var stack = NewStack();
        new Role(stack, "admin", new RoleArgs
        {
            AssumeRolePolicy = Document(Statement("Allow", new Dictionary<string, object> { ["Service"] = "lambda.amazonaws.com" }, "sts:AssumeRole", "*")),
            InlinePolicies = new[] { new RoleInlinePolicyArgs { Name = "everything", Policy = Document(Statement("Allow", "", "*", "arn:aws:s3:::acme-data")) } },
        });
        var role = Role(stack);
        new RolePolicy(stack, "all-but-iam", new RolePolicyArgs
        {
            Role = role.RoleName,
            Policy = Document(new Dictionary<string, object> { ["Effect"] = "Allow", ["NotAction"] = "iam:*", ["Resource"] = "arn:aws:s3:::acme-data" }),
        });

        Assert.Equal(["admin", "all-but-iam"], Flagged(stack, "IAM-WILDCARD-ACTION").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Specific_actions_on_specific_resources_and_wildcard_denies_are_quiet()
    {
        var stack = NewStack();
        var role = Role(stack);
        Grant(stack, "read-models", role, new[] { "s3:GetObject", "s3:GetObjectVersion" }, "arn:aws:s3:::acme-models/resnet18/*");
        Grant(stack, "deny-all-deletes", role, "s3:*", "*", effect: "Deny");

        AssertQuiet(stack, "IAM-WILDCARD-ACTION");
        AssertQuiet(stack, "IAM-WILDCARD-RESOURCE");
    }

    [Fact]
    public void An_action_on_resource_star_fires_and_names_only_the_actions_that_have_narrower_resources()
    {
        var stack = NewStack();
        var role = Role(stack);
        Grant(stack, "mixed", role, new[] { "xray:PutTraceSegments", "dynamodb:PutItem" }, "*");

        var finding = AssertFires(stack, "IAM-WILDCARD-RESOURCE", "mixed", "grants dynamodb:PutItem on resource *");
        Assert.DoesNotContain("xray", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Actions_that_aws_offers_only_on_star_are_allowed_there()
    {
        var stack = NewStack();
        var role = Role(stack);
        Grant(stack, "traces", role, new[] { "xray:PutTraceSegments", "xray:PutTelemetryRecords" }, "*");
        Grant(stack, "vpc", role, new[] { "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface" }, "*");
        Grant(stack, "metrics", role, "cloudwatch:PutMetricData", "*");

        AssertQuiet(stack, "IAM-WILDCARD-RESOURCE");
    }
}
