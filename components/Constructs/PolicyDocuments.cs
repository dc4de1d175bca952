using Infra.Aws;
using Infra.Core;

namespace Infra.Components;

/// <summary>IAM policy documents as JSON rendered by the engine (<c>fn::toJSON</c>), so they can hold outputs.</summary>
internal static class PolicyDocuments
{
    public static Output<string> Of(params object[] statements) =>
        Output.JsonSerialize(new Dictionary<string, object> { ["Version"] = "2012-10-17", ["Statement"] = statements });

    public static Dictionary<string, object> Allow(string sid, IEnumerable<string> actions, object resources) => new()
    {
        ["Sid"] = sid,
        ["Effect"] = "Allow",
        ["Action"] = actions.ToArray(),
        ["Resource"] = resources,
    };

    /// <summary>A trust policy that lets one AWS service assume the role.</summary>
    public static Output<string> AssumedBy(string servicePrincipal) => Of(new Dictionary<string, object>
    {
        ["Effect"] = "Allow",
        ["Principal"] = new Dictionary<string, object> { ["Service"] = servicePrincipal },
        ["Action"] = "sts:AssumeRole",
    });

    /// <summary>
    /// The key-policy statement every customer-managed key starts with: the account root
    /// administers the key, which also lets the account's IAM policies grant its use.
    /// </summary>
    public static Dictionary<string, object> AccountAdministersKey(Stack stack) => new()
    {
        ["Sid"] = "AccountAdministersKey",
        ["Effect"] = "Allow",
        ["Principal"] = new Dictionary<string, object>
        {
            ["AWS"] = Output.Format($"arn:{AwsContext.Partition(stack)}:iam::{AwsContext.AccountId(stack)}:root"),
        },
        ["Action"] = "kms:*",
        ["Resource"] = "*",
    };

    /// <summary>Lets an AWS service principal encrypt and decrypt with the key, optionally under a condition.</summary>
    public static Dictionary<string, object> ServiceUsesKey(string sid, object servicePrincipal, Dictionary<string, object>? condition = null)
    {
        var statement = new Dictionary<string, object>
        {
            ["Sid"] = sid,
            ["Effect"] = "Allow",
            ["Principal"] = new Dictionary<string, object> { ["Service"] = servicePrincipal },
            ["Action"] = new[] { "kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*" },
            ["Resource"] = "*",
        };
        if (condition is not null)
        {
            statement["Condition"] = condition;
        }

        return statement;
    }

    /// <summary>The statement that lets CloudWatch Logs encrypt this account's log groups in this region with the key.</summary>
    public static Dictionary<string, object> CloudWatchLogsUseKey(Stack stack)
    {
        var region = AwsContext.Region(stack);
        var logGroups = Output.Format($"arn:{AwsContext.Partition(stack)}:logs:{region}:{AwsContext.AccountId(stack)}:log-group:*");
        return ServiceUsesKey("CloudWatchLogsUseKey", Output.Format($"logs.{region}.amazonaws.com"), new Dictionary<string, object>
        {
            ["ArnLike"] = new Dictionary<string, object> { ["kms:EncryptionContext:aws:logs:arn"] = logGroups },
        });
    }
}
