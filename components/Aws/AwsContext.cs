using Infra.Core;

namespace Infra.Aws;

/// <summary>The deploying account, partition and region, from the provider's invokes (shared per stack).</summary>
public static class AwsContext
{
    public static Output<string> AccountId(Stack stack) => CallerIdentity(stack).GetProperty<string>("accountId");

    /// <summary>The partition (<c>aws</c>, <c>aws-cn</c>, <c>aws-us-gov</c>): ARNs must not hard-code it.</summary>
    public static Output<string> Partition(Stack stack) =>
        Invoke(stack, "aws-partition", "aws:getPartition").GetProperty<string>("partition");

    public static Output<string> Region(Stack stack) =>
        Invoke(stack, "aws-region", "aws:getRegion").GetProperty<string>("region");

    private static Output<object> CallerIdentity(Stack stack) => Invoke(stack, "aws-caller-identity", "aws:getCallerIdentity");

    private static Output<object> Invoke(Stack stack, string variable, string function)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return stack.Invoke<object>(variable, function);
    }
}
