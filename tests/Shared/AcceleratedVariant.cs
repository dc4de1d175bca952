namespace TestModels;

/// <summary>
/// The team stacks' keys that turn on the back ends beyond Lambda's CPUs (stacks/AcceleratedConfig.cs): the GPU endpoint
/// with its own front, and BatchInference on AWS Batch. The schema check synthesizes every stack once more with these
/// added to its stack file's config.
/// </summary>
public static class AcceleratedVariant
{
    /// <summary>The keys without the project prefix, and their values as Pulumi passes them (strings; lists as JSON).</summary>
    public static IReadOnlyDictionary<string, string> Keys { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["gpuEndpoint"] = "true",
        ["gpuMaxInstances"] = "2",
        ["batchCompute"] = "awsBatch",
        ["batchCapacity"] = "ec2Spot",
        ["batchSubnetIds"] = """["subnet-0a1b2c3d4e5f60718"]""",
        ["batchSecurityGroupIds"] = """["sg-0a1b2c3d4e5f60718"]""",
    };

    /// <summary>The stack file's values with <see cref="Keys"/> added under the project's prefix.</summary>
    public static Dictionary<string, string> AddedTo(IReadOnlyDictionary<string, string> values, string project)
    {
        var merged = new Dictionary<string, string>(values, StringComparer.Ordinal);
        foreach (var (key, value) in Keys)
        {
            merged[$"{project}:{key}"] = value;
        }

        return merged;
    }
}
