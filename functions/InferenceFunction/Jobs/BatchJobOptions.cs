using Inference.Contracts;
using Inference.Service;
using InferenceFunction.Runtime;

namespace InferenceFunction.Jobs;

/// <summary>How a batch job retries: attempts per object, the pause between rounds, and how many objects go to the handler at once.</summary>
public sealed record BatchJobOptions
{
    public int Attempts { get; init; } = 3;

    /// <summary>The pause before the second round; each later round waits this much longer.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Objects per handler call: the images among them are predicted together, as one SQS batch's are.</summary>
    public int ChunkSize { get; init; } = 10;

    public static BatchJobOptions FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var text = getVariable(FunctionEnvironment.BatchJobAttempts);
        if (string.IsNullOrEmpty(text))
        {
            return new BatchJobOptions();
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var attempts) && attempts is >= 1 and <= 100
            ? new BatchJobOptions { Attempts = attempts }
            : throw new FunctionException("BatchNotConfigured", $"{FunctionEnvironment.BatchJobAttempts} is '{text}'; set it to a whole number from 1 to 100.");
    }
}
