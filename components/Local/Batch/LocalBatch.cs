using Inference.Contracts;
using Infra.Components;
using Infra.Local.Emulators;

namespace Infra.Local.Batch;

/// <summary>
/// One <see cref="BatchInference"/> component in local mode: where its inputs come from, its pipeline settings, and the
/// variables its function needs on top of its own (which replace the AWS resource references serve cannot resolve).
/// </summary>
/// <param name="Describe">Where to drop inputs and find results, for serve's start-up lines.</param>
public sealed record LocalBatch(string Path, BatchPipelineSettings Settings, IBatchObjects Objects, IReadOnlyDictionary<string, string> FunctionVariables, string Describe)
{
    /// <summary>Folders under <c>&lt;root&gt;/&lt;component path&gt;/</c> and the JSON-lines predictions log.</summary>
    public static LocalBatch OnFolders(BatchInference component, string root)
    {
        ArgumentNullException.ThrowIfNull(component);
        RefuseAsyncEndpoint(component);
        var folders = new FolderBatchObjects(System.IO.Path.Combine(root, component.Path));
        var settings = BatchPipelineSettings.From(component.Settings);
        // The drop folder of the notification filter, so users see where files go.
        Directory.CreateDirectory(System.IO.Path.Combine([folders.InputFolder, .. settings.InputPrefix.Split('/', StringSplitOptions.RemoveEmptyEntries)]));
        return new LocalBatch(component.Path, settings, folders, folders.FunctionVariables(),
            $"drop files into {System.IO.Path.Combine(folders.InputFolder, settings.InputPrefix)} (suffix '{settings.InputSuffix}'); results in {folders.OutputFolder}, " +
            $"poison inputs in {folders.DeadLetters.Path}, predictions log {folders.PredictionsLogFile}");
    }

    /// <summary>
    /// The component's buckets in fauxqs and its predictions table in DynamoDB Local, created under their logical names;
    /// poison inputs still come out to the local dead-letter folder under <c>&lt;root&gt;/&lt;component path&gt;/</c>.
    /// </summary>
    public static async Task<LocalBatch> OnEmulatorsAsync(BatchInference component, string root, EmulatorSet emulators, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(component);
        RefuseAsyncEndpoint(component);
        var function = RefuseAwsBatchOnEmulators(component);
        ArgumentNullException.ThrowIfNull(emulators);
        var (input, output) = (component.Input.Bucket.LogicalName, component.Output.Bucket.LogicalName);
        var buckets = new LocalBuckets(emulators.S3Client);
        await buckets.CreateAsync(input, cancellationToken).ConfigureAwait(false);
        await buckets.CreateAsync(output, cancellationToken).ConfigureAwait(false);
        var deadLetters = new DeadLetterFolder(System.IO.Path.Combine(root, component.Path, "dead-letter"));
        // Its tables (the predictions log) in DynamoDB Local and the endpoints, as for any function; then the results bucket.
        var variables = new Dictionary<string, string>(await EmulatorFunctionBindings.ForAsync(function, emulators, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal)
        {
            [FunctionEnvironment.ResultsBucket] = output,
        };
        var settings = BatchPipelineSettings.From(component.Settings);
        return new LocalBatch(component.Path, settings, new S3BatchObjects(emulators.S3Client, input, output, deadLetters), variables,
            $"upload to s3://{input}/{settings.InputPrefix} at {emulators.Fauxqs.HttpEndpoint}; results in s3://{output}/{settings.ResultsPrefix}, " +
            $"poison inputs in {deadLetters.Path}, predictions log in DynamoDB Local table {component.PredictionsLog.LogicalName}");
    }

    /// <summary>
    /// The local job runner works on the folders only (its jobs read the folder store): a component on AWS Batch compute
    /// is refused with --emulators, naming it.
    /// </summary>
    private static InferenceFunction RefuseAwsBatchOnEmulators(BatchInference component) => component.Function
        ?? throw new ServeException($"{component.Path} (ml:BatchInference) runs on AWS Batch compute, whose local job runner works on the batch folders only; serve it without --emulators");

    /// <summary>The function would forward every upload to SageMaker, which serve has no local stand-in for: refused, naming both.</summary>
    private static void RefuseAsyncEndpoint(BatchInference component)
    {
        if (component.Endpoint is { } link)
        {
            throw new ServeException($"{component.Path} (ml:BatchInference) runs on the SageMaker asynchronous endpoint {link.Endpoint.Path}, which serve cannot run locally yet; serve a variant of the stack with Compute = BatchCompute.Lambda");
        }
    }
}
