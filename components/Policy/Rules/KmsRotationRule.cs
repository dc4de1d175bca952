namespace Infra.Policy.Rules;

public sealed class KmsRotationRule : PolicyRule
{
    public override string Id => "KMS-ROTATION";

    public override PolicySeverity Severity => PolicySeverity.Error;

    public override string Why => "rotation limits how much data one key version protects and is what most compliance baselines require; it costs nothing extra for AWS-generated key material";

    public override string Fix => "set enableKeyRotation: true on the key";

    public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var key in graph.OfType(Aws.Kms.Key.PulumiType))
        {
            // KMS rotates only symmetric encryption keys with AWS-generated material: asymmetric,
            // HMAC and custom-key-store keys cannot have rotation turned on.
            var rotatable = graph.Input(key, "customerMasterKeySpec").Literal() is null or "SYMMETRIC_DEFAULT"
                && graph.Input(key, "keyUsage").Literal() is null or "ENCRYPT_DECRYPT"
                && !graph.Input(key, "customKeyStoreId").IsSet();
            if (rotatable && !graph.Input(key, "enableKeyRotation").IsTrue())
            {
                yield return Finding(key, "the key does not have automatic rotation on (enableKeyRotation is not true)");
            }
        }
    }
}
