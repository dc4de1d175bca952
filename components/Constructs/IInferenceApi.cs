using Infra.Aws.Iam;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// The outputs both API patterns (<see cref="RestInferenceApi"/>, <see cref="ContainerInferenceApi"/>) give: the served
/// model, its function and the parts in front of and around it. Code that serves, tests or exports an API pattern
/// reads them through this interface, whichever pattern it is.
/// </summary>
public interface IInferenceApi
{
    /// <summary>The component's path, e.g. <c>embed</c>.</summary>
    string Path { get; }

    /// <summary>The served model and its version (the metrics' dimensions; local mode's sample request).</summary>
    string ModelName { get; }

    string ModelVersion { get; }

    InferenceFunction Function { get; }

    RestApiEndpoint Api { get; }

    Waf Waf { get; }

    InferenceMonitoring Monitoring { get; }

    /// <summary>The gradual rollout of new versions, when <see cref="InferenceApiArgs.Rollout"/> is set.</summary>
    GradualRollout? Rollout { get; }

    /// <summary>The sampled predictions log, when <see cref="InferenceApiArgs.PredictionLogSampleRate"/> is set.</summary>
    Aws.DynamoDB.Table? PredictionsLog { get; }

    /// <summary>The base URL; the routes are under it (e.g. <c>{Url}/v2/models/resnet18/predict</c>).</summary>
    Output<string> Url { get; }

    IReadOnlyDictionary<string, Output<string>> ApiKeyIds { get; }

    /// <summary>The bucket the function loads its model from (the registry, or the bucket of a model key); null when the model is bundled.</summary>
    Output<string>? ModelBucketName { get; }

    Output<string> FunctionName { get; }

    /// <summary>The <c>live</c> alias the API invokes.</summary>
    Output<string> AliasName { get; }

    Output<string> DashboardUrl { get; }

    /// <summary>Lets the grantee read the predictions log; an error when <see cref="PredictionsLog"/> is null.</summary>
    RolePolicy GrantReadPredictions(IGrantable grantee);
}
