using Infra.Aws.Iam;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// What the API patterns share once a pattern has made what its function runs (a zip package, or an image): the
/// data layer, the function, the API in front of it and the rollout, built in that order, and the outputs of
/// <see cref="IInferenceApi"/> read from them.
/// </summary>
public abstract class InferenceApiBase : ComponentResource, IInferenceApi
{
    private readonly PredictionsLogReaders _predictionsReaders;
    private ServedApi? _served;

    private protected InferenceApiBase(string type, IScope scope, string name, ComponentResourceOptions? options)
        : base(type, scope, name, options)
    {
        _predictionsReaders = new PredictionsLogReaders(this);
    }

    /// <summary>
    /// Builds the served API. <paramref name="declared"/> is the function as the user gave it (the data layer reads
    /// its model bucket); <paramref name="deployed"/> what the pattern deploys, when it adds to it (an image).
    /// </summary>
    private protected void Serve(InferenceApiArgs args, InferenceFunctionArgs declared, InferenceFunctionArgs? deployed = null)
    {
        var data = new ApiDataLayer(this, args, declared);
        var function = new InferenceFunction(this, "function", FunctionPlan.ForApi(args, deployed ?? declared, data));
        data.Grant(this, function);
        var (api, waf, monitoring) = InferenceApiFront.Build(this, function, args);
        var rollout = RolloutPlan.Create(this, function, monitoring, args.Rollout, api);
        _served = new ServedApi(args.ModelName, args.ModelVersion, data, function, api, waf, monitoring, rollout, declared.ModelBucket?.BucketName);
    }

    private ServedApi Served => _served ?? throw new InvalidOperationException($"{Path}: the pattern's constructor has not built its API yet.");

    /// <summary>The served model and its version (the metrics' dimensions; local mode's sample request).</summary>
    public string ModelName => Served.ModelName;

    public string ModelVersion => Served.ModelVersion;

    public InferenceFunction Function => Served.Function;

    /// <summary>The sampled predictions log, when <see cref="InferenceApiArgs.PredictionLogSampleRate"/> is set.</summary>
    public Aws.DynamoDB.Table? PredictionsLog => Served.Data.PredictionsLog;

    public RestApiEndpoint Api => Served.Api;

    public Waf Waf => Served.Waf;

    public InferenceMonitoring Monitoring => Served.Monitoring;

    /// <summary>The gradual rollout of new versions, when <see cref="InferenceApiArgs.Rollout"/> is set.</summary>
    public GradualRollout? Rollout => Served.Rollout;

    /// <summary>The base URL; the routes are under it (e.g. <c>{Url}/v2/models/resnet18/predict</c>).</summary>
    public Output<string> Url => Api.InvokeUrl;

    public IReadOnlyDictionary<string, Output<string>> ApiKeyIds => Api.ApiKeyIds;

    /// <summary>The bucket the function loads its model from; null when the model is in the package or the image.</summary>
    public Output<string>? ModelBucketName => Served.ModelBucketName;

    public Output<string> FunctionName => Function.FunctionName;

    /// <summary>The <c>live</c> alias the API invokes.</summary>
    public Output<string> AliasName => Function.Alias.AliasName;

    public Output<string> DashboardUrl => Monitoring.DashboardUrl;

    /// <summary>
    /// Lets the grantee read the predictions log (its items and indexes, and the data key that decrypts them), as
    /// <c>grant-read-predictions-{grantee}</c>; asking again for the same grantee returns that policy.
    /// </summary>
    public RolePolicy GrantReadPredictions(IGrantable grantee) =>
        _predictionsReaders.Grant(grantee,
            PredictionsLog ?? throw new SynthesisException(Path, "GrantReadPredictions: this API keeps no predictions log; set PredictionLogSampleRate to keep one"),
            Served.Data.Key!);

    private sealed record ServedApi(
        string ModelName,
        string ModelVersion,
        ApiDataLayer Data,
        InferenceFunction Function,
        RestApiEndpoint Api,
        Waf Waf,
        InferenceMonitoring Monitoring,
        GradualRollout? Rollout,
        Output<string>? ModelBucketName);
}
