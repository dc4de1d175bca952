using Inference.Contracts;
using Inference.Service;
using InferenceFunction.Runtime;

namespace InferenceFunction.Events;

/// <summary>Where the SQS/S3 batch pattern writes its records, and which model it runs.</summary>
public sealed record BatchOptions(string ResultsBucket, string ResultsPrefix, string ModelName, string ModelVersion)
{
    public const string ResultsBucketVariable = FunctionEnvironment.ResultsBucket;
    public const string ResultsPrefixVariable = FunctionEnvironment.ResultsPrefix;
    public const string ModelNameVariable = FunctionEnvironment.BatchModelName;
    public const string ModelVersionVariable = FunctionEnvironment.BatchModelVersion;

    /// <summary>
    /// The largest input object read, in bytes: the service's body limit (MAX_BODY_BYTES), which would refuse a larger one
    /// anyway. A larger object is refused from its size without being read, so it cannot exhaust the function's memory.
    /// </summary>
    public long MaxInputBytes { get; init; } = InferenceOptions.DefaultMaxBodyBytes;

    public static BatchOptions FromEnvironment(Func<string, string?> getVariable) => new(
        Required(getVariable, ResultsBucketVariable, "the bucket that receives one result or error record per input object"),
        getVariable(ResultsPrefixVariable) ?? "results/",
        Required(getVariable, ModelNameVariable, "the model the batch runs, e.g. resnet18"),
        Required(getVariable, ModelVersionVariable, "the version of that model the function serves, e.g. 0.23.1"))
    {
        MaxInputBytes = InferenceOptions.MaxBodyBytesFrom(new EnvironmentValues(getVariable)),
    };

    /// <summary>
    /// One record per input key and model version: reprocessing the same object with the same model overwrites its
    /// record instead of duplicating it, and a new model version writes its records beside the old version's.
    /// </summary>
    public string ResultKeyFor(string inputKey) => $"{ResultsPrefix}{ModelName}/{ModelVersion}/{inputKey}.json";

    private static string Required(Func<string, string?> getVariable, string name, string purpose)
    {
        var value = getVariable(name);
        return string.IsNullOrWhiteSpace(value)
            ? throw new FunctionException("BatchNotConfigured", $"An SQS batch arrived but {name} is not set; set it to {purpose}.")
            : value;
    }
}
