using Infra.Aws.Kms;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// A rotating customer-managed KMS key that the account administers and that CloudWatch Logs
/// may use for this account's log groups in the deploying region (a log group's kmsKeyId).
/// </summary>
internal static class LogEncryptionKey
{
    public static Key Create(ComponentResource owner, string name, string description) =>
        new(owner, name, new KeyArgs
        {
            Description = description,
            EnableKeyRotation = true,
            Policy = PolicyDocuments.Of(PolicyDocuments.AccountAdministersKey(owner.Stack), PolicyDocuments.CloudWatchLogsUseKey(owner.Stack)),
        });
}
