using Infra.Aws;
using Infra.Aws.Iam;
using Infra.Core;

namespace Infra.Components;

/// <summary>IAM policy documents as JSON rendered by the engine (<c>fn::toJSON</c>), so they can hold outputs.</summary>
internal static class PolicyDocuments
{
    public static Output<string> Of(params PolicyStatement[] statements) =>
        Output.JsonSerialize(new Dictionary<string, object> { ["Version"] = "2012-10-17", ["Statement"] = statements });

    public static PolicyStatement Allow(string sid, InputList<string> actions, Input<string> resource) =>
        new() { Sid = sid, Action = IamValues.List(actions), Resource = IamValues.One(resource) };

    public static PolicyStatement Allow(string sid, InputList<string> actions, InputList<string> resources) =>
        new() { Sid = sid, Action = IamValues.List(actions), Resource = IamValues.List(resources) };

    /// <summary>A trust policy that lets one AWS service assume the role.</summary>
    public static Output<string> AssumedBy(string servicePrincipal) => Of(new PolicyStatement
    {
        Principals = [PolicyPrincipal.Service(servicePrincipal)],
        Action = IamValues.One("sts:AssumeRole"),
    });

    /// <summary>
    /// The key-policy statement every customer-managed key starts with: the account root
    /// administers the key, which also lets the account's IAM policies grant its use.
    /// </summary>
    public static PolicyStatement AccountAdministersKey(Stack stack) => new()
    {
        Sid = "AccountAdministersKey",
        Principals = [PolicyPrincipal.Aws(Output.Format($"arn:{AwsContext.Partition(stack)}:iam::{AwsContext.AccountId(stack)}:root"))],
        Action = IamValues.One("kms:*"),
        Resource = IamValues.One("*"),
    };

    /// <summary>The statement that lets CloudWatch Logs encrypt this account's log groups in this region with the key.</summary>
    public static PolicyStatement CloudWatchLogsUseKey(Stack stack)
    {
        var region = AwsContext.Region(stack);
        var logGroups = Output.Format($"arn:{AwsContext.Partition(stack)}:logs:{region}:{AwsContext.AccountId(stack)}:log-group:*");
        return new PolicyStatement
        {
            Sid = "CloudWatchLogsUseKey",
            Principals = [PolicyPrincipal.Service(Output.Format($"logs.{region}.amazonaws.com"))],
            Action = IamValues.List(["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]),
            Resource = IamValues.One("*"),
            Conditions = [new PolicyCondition("ArnLike", "kms:EncryptionContext:aws:logs:arn", logGroups)],
        };
    }
}
