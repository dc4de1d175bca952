namespace AwsSemantics.Tests.Capture;

/// <summary>
/// What an AWS request asks IAM for: the action, the resource ARN, the condition keys the service sets from the
/// request, and the KMS action the service then performs with the caller's credentials (SSE-KMS), if any.
/// </summary>
public sealed record ServiceCall(
    string Operation,
    string Action,
    string Resource,
    IReadOnlyDictionary<string, object> Context,
    string? Bucket = null,
    string? KmsAction = null,
    string? RequestedKmsKey = null,
    bool RequestedOtherEncryption = false)
{
    public override string ToString() => $"{Operation} ({Action} on {Resource})";
}
