using Infra.Aws.Iam;
using Infra.Aws.Kms;
using Infra.Aws.Sns;
using Infra.Core;

namespace Infra.Components;

public sealed record AlarmNotificationsArgs
{
    /// <summary>E-mail addresses to notify; each must confirm its subscription. May be Pulumi secrets.</summary>
    public IReadOnlyList<Input<string>> EmailAddresses { get; init; } = [];

    /// <summary>HTTPS endpoints to notify (chat webhooks, incident tools).</summary>
    public IReadOnlyList<Input<string>> HttpsEndpoints { get; init; } = [];
}

/// <summary>
/// An SNS topic for alarms, budgets and cost anomalies, encrypted with its own KMS key whose
/// policy lets exactly those AWS services publish.
/// </summary>
public sealed class AlarmNotifications : ComponentResource
{
    /// <summary>The services that publish to the topic: CloudWatch alarms, AWS Budgets, Cost Anomaly Detection.</summary>
    public static readonly IReadOnlyList<string> Publishers = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "costalerts.amazonaws.com"];

    public AlarmNotifications(IScope scope, string name, AlarmNotificationsArgs? args = null, ComponentResourceOptions? options = null)
        : base("ml:AlarmNotifications", scope, name, options)
    {
        args ??= new AlarmNotificationsArgs();
        var account = Aws.AwsContext.AccountId(Stack);

        // An SNS topic encrypted with the AWS-managed key cannot receive CloudWatch alarms: the
        // publishing services need this key policy.
        Key = new Key(this, "key", new KeyArgs
        {
            Description = $"Encrypts the alarm topic {Path}",
            EnableKeyRotation = true,
            Policy = PolicyDocuments.Of(
                PolicyDocuments.AccountAdministersKey(Stack),
                new PolicyStatement
                {
                    Sid = "PublishersUseKey",
                    Principals = [PolicyPrincipal.Services([.. Publishers])],
                    Action = IamValues.List(["kms:Decrypt", "kms:GenerateDataKey"]),
                    Resource = IamValues.One("*"),
                }),
        });
        Topic = new Topic(this, "topic", new TopicArgs { KmsMasterKeyId = Key.Arn });
        new TopicPolicy(this, "topic-policy", new TopicPolicyArgs
        {
            Arn = Topic.Arn,
            Policy = PolicyDocuments.Of(new PolicyStatement
            {
                Sid = "AccountServicesPublish",
                Principals = [PolicyPrincipal.Services([.. Publishers])],
                Action = IamValues.One("sns:Publish"),
                Resource = IamValues.One(Topic.Arn),
                Conditions = [new PolicyCondition("StringEquals", "aws:SourceAccount", account)],
            }),
        });

        for (var i = 0; i < args.EmailAddresses.Count; i++)
        {
            new TopicSubscription(this, $"email-{i + 1}", new TopicSubscriptionArgs { Topic = Topic.Arn, Protocol = "email", Endpoint = args.EmailAddresses[i] });
        }

        for (var i = 0; i < args.HttpsEndpoints.Count; i++)
        {
            new TopicSubscription(this, $"https-{i + 1}", new TopicSubscriptionArgs { Topic = Topic.Arn, Protocol = "https", Endpoint = args.HttpsEndpoints[i] });
        }
    }

    public Key Key { get; }

    public Topic Topic { get; }

    public Output<string> TopicArn => Topic.Arn;
}
