using Infra.Components;
using Infra.Hosting;

namespace Stacks;

/// <summary>
/// The team's stacks. The stack name picks the environment's defaults; <c>Pulumi.&lt;stack&gt;.yaml</c>
/// overrides them key by key.
/// </summary>
public static class TeamStacks
{
    public static IReadOnlyList<string> Known { get; } = ["dev", "prod"];

    public static IDictionary<string, object?> Define(StackContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Known.Contains(context.StackName))
        {
            throw new Infra.Core.SynthesisException("stack", $"unknown stack '{context.StackName}': this project defines {string.Join(", ", Known)}");
        }

        var production = context.StackName == "prod";
        var config = context.Config;
        var stack = context.Stack;

        var models = new EncryptedBucket(stack, "models", new EncryptedBucketArgs
        {
            ForceDestroy = !production,
            Protect = production,
        });

        var embed = new InferenceFunction(stack, "embed", new InferenceFunctionArgs
        {
            Code = CodeDirectory.FromProject(context.Layout, ".build/function"),
            MemoryMb = config.GetInt32("memoryMb", production ? 3008 : 2048, 128, 10240),
            TimeoutSeconds = config.GetInt32("timeoutSeconds", 30, 1, 900),
            Architecture = config.GetChoice("architecture", "x86_64", "x86_64", "arm64"),
            LogRetentionDays = config.GetInt32("logRetentionDays", production ? 365 : 7, InferenceFunction.AllowedRetentionDays),
            ProvisionedConcurrency = production
                ? new ProvisionedConcurrencyScheduleArgs
                {
                    TimeZone = config.GetString("timeZone", "UTC"),
                    Weekdays = new DailyProfile { PeakMinimum = config.GetInt32("peakProvisionedConcurrency", 4, 1, 1000) },
                }
                : null,
        });

        return new Dictionary<string, object?>
        {
            ["modelBucketName"] = models.BucketName,
            ["modelKeyArn"] = models.KeyArn,
            ["functionName"] = embed.FunctionName,
            ["functionArn"] = embed.FunctionArn,
        };
    }
}
