using System.Globalization;
using System.Text.RegularExpressions;

namespace Infra.Components;

/// <summary>A SageMaker hosting instance type, <c>ml.{family}.{size}</c>, and what follows from its name.</summary>
internal sealed partial record SageMakerInstanceType(string Family, string Size)
{
    // Families whose instances carry NVMe instance storage (EC2 User Guide, "Instance store volumes"): a 'd' variant
    // such as m5d, or a GPU/accelerator family that always has local disks. SageMaker's CreateEndpointConfig refuses a
    // KmsKeyId for them: their local volumes are encrypted by a hardware module on the instance instead.
    private static readonly HashSet<string> LocalStorageFamilies = new(StringComparer.Ordinal)
    {
        "g4dn", "g4ad", "g5", "g6", "g6e", "gr6", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "trn1", "trn1n", "trn2",
    };

    public static SageMakerInstanceType? Parse(string value)
    {
        var match = Shape().Match(value ?? "");
        return match.Success ? new SageMakerInstanceType(match.Groups["family"].Value, match.Groups["size"].Value) : null;
    }

    /// <summary>Whether the volumes are instance storage, which SageMaker encrypts itself and refuses a KMS key for.</summary>
    public bool HasLocalStorage => LocalStorageFamilies.Contains(Family) || (Family.Length > 2 && Family.EndsWith('d') && char.IsDigit(Family[^2]))
        || Family.EndsWith("id", StringComparison.Ordinal);

    /// <summary>
    /// vCPUs by size, EC2's naming rule across these families (a <c>large</c> has 2, an <c>Nxlarge</c> has 4·N): SageMaker's
    /// CPUUtilization adds up 100 % per vCPU.
    /// </summary>
    public int VirtualCpus => Size switch
    {
        "medium" or "large" => 2,
        "xlarge" => 4,
        _ => 4 * int.Parse(Size[..^"xlarge".Length], CultureInfo.InvariantCulture),
    };

    public override string ToString() => $"ml.{Family}.{Size}";

    [GeneratedRegex(@"^ml\.(?<family>[a-z][a-z0-9-]*)\.(?<size>medium|large|xlarge|[1-9][0-9]?xlarge)$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
