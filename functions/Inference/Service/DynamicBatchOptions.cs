using Inference.Contracts;

namespace Inference.Service;

/// <summary>
/// Dynamic batching: concurrent single /predict requests for a model whose first dimension is dynamic share one model run
/// of up to <see cref="MaxSize"/> images; a request waits at most <see cref="MaxWait"/> for others to join it. Worth it where
/// one run of many costs little more than one of one (a GPU); on Lambda, which gives each environment one request at a
/// time, there is nobody to wait for, so it is off unless configured.
/// </summary>
public sealed record DynamicBatchOptions(int MaxSize, TimeSpan MaxWait)
{
    public const int MaxSizeLimit = 1024;
    public const int MaxWaitMsLimit = 1000;
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromMilliseconds(2);

    public static DynamicBatchOptions Off { get; } = new(1, TimeSpan.Zero);

    public bool Enabled => MaxSize > 1;

    public static DynamicBatchOptions FromEnvironment(EnvironmentValues values)
    {
        var size = (int?)values.Long(FunctionEnvironment.DynamicBatchMaxSize, 1, MaxSizeLimit);
        var waitMs = values.Long(FunctionEnvironment.DynamicBatchMaxWaitMs, 0, MaxWaitMsLimit);
        if (size is null or 1)
        {
            return waitMs is null
                ? Off
                : throw new InvalidOperationException($"{FunctionEnvironment.DynamicBatchMaxWaitMs} is '{waitMs}' but {FunctionEnvironment.DynamicBatchMaxSize} " +
                    $"is {(size is null ? "unset" : "1")}, so nothing is batched; allowed: {FunctionEnvironment.DynamicBatchMaxSize} from 2 to {MaxSizeLimit} with it.");
        }

        return new DynamicBatchOptions(size.Value, waitMs is { } ms ? TimeSpan.FromMilliseconds(ms) : DefaultMaxWait);
    }
}
