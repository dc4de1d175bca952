using Infra.Core;

namespace Infra.Components;

/// <summary>
/// One API for several models (the seed's multi-model serving): API Gateway → WAF → per model its own routes
/// (<c>/v2/models/{name}/infer</c>, <c>/predict</c>, metadata), each integrated with the <c>live</c> alias of the function that
/// serves the model. Large models get a dedicated function sized for them; small ones, the ensembles and the request-type
/// rules (<c>/v2/models/{RouterName}/...</c>) share one multi-model function. Every function has its alarms and dashboard.
/// </summary>
public sealed class ModelRouterApi : ComponentResource
{
    private const string SharedName = "shared";
    private readonly Dictionary<string, InferenceFunction> _functionOfModel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InferenceFunction> _functionOfRoute = new(StringComparer.Ordinal);

    public ModelRouterApi(IScope scope, string name, ModelRouterApiArgs args, ComponentResourceOptions? options = null)
        : base("ml:ModelRouterApi", scope, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var plan = RouterPlan.Validate(Path, args);
        Plan = plan;

        foreach (var model in plan.Dedicated)
        {
            var function = new InferenceFunction(this, $"{RouterNames.Slug(model.Name)}-function", args.Function with
            {
                ModelName = model.Name,
                Memory = plan.MemoryOf(model),
            });
            _functionOfModel[model.Name] = function;
            Functions[model.Name] = function;
        }

        if (plan.Shared.Count > 0)
        {
            SharedFunction = new InferenceFunction(this, $"{SharedName}-function", FunctionPlan.Of(args.Function with
            {
                ModelName = string.Join(",", plan.Shared.Select(m => m.Name)),
                Memory = plan.SharedMemory,
            }).WithEnvironment(plan.SharedVariables.Select(v => new KeyValuePair<string, Input<string>>(v.Key, v.Value))));
            Functions[SharedName] = SharedFunction;
            foreach (var model in plan.Shared)
            {
                _functionOfModel[model.Name] = SharedFunction;
            }
        }

        var routes = Routes(args, plan);
        var fallback = SharedFunction ?? _functionOfModel[plan.Dedicated[0].Name];
        Api = new RestApiEndpoint(this, "api", new RestApiEndpointArgs(args.Api with { Routes = routes }, LambdaAliasTarget.Of(fallback.Alias, InferenceFunction.LiveAlias)));
        Waf = new Waf(this, "waf", args.Waf);
        Waf.Associate(Api);

        var first = true;
        foreach (var (key, function) in Functions)
        {
            // One set of API alarms and widgets is enough: the first function's monitoring carries them.
            var model = key == SharedName ? plan.Shared[0] : plan.Dedicated.First(m => m.Name == key);
            Monitoring[key] = new InferenceMonitoring(this, $"{RouterNames.Slug(key)}-monitoring", new InferenceMonitoringArgs
            {
                Function = function,
                Notifications = args.Notifications,
                ModelName = model.Name,
                ModelVersion = model.Version,
                Api = first ? Api.MonitoredApi : null,
                ErrorRatePercent = args.ErrorRatePercent,
                P95Duration = args.P95Duration,
                ColdStartRatePercent = args.ColdStartRatePercent,
                ExtraWidgets = first ? [Api.ErrorsWidget(0, 0), Api.UsageByClientWidget(0, 0)] : [],
            });
            first = false;
        }
    }

    /// <summary>The validated placement of each model and the memory of each function.</summary>
    internal RouterPlan Plan { get; }

    /// <summary>Every function: the dedicated ones by model name, the multi-model one as <c>shared</c>.</summary>
    public Dictionary<string, InferenceFunction> Functions { get; } = new(StringComparer.Ordinal);

    /// <summary>The multi-model function (shared models, ensembles, rules); null when every model is dedicated.</summary>
    public InferenceFunction? SharedFunction { get; }

    public RestApiEndpoint Api { get; }

    public Waf Waf { get; }

    /// <summary>The alarms and dashboard of each function, keyed like <see cref="Functions"/>.</summary>
    public Dictionary<string, InferenceMonitoring> Monitoring { get; } = new(StringComparer.Ordinal);

    /// <summary>The function that serves a model (or, for an ensemble or the router's name, the shared function).</summary>
    public InferenceFunction FunctionOf(string modelName) =>
        _functionOfModel.TryGetValue(modelName, out var function) ? function
        : SharedFunction is not null && (Plan.Ensembles.Contains(modelName) || modelName == Plan.RouterName) ? SharedFunction
        : throw new KeyNotFoundException($"{Path} serves no model, ensemble or router named '{modelName}'");

    /// <summary>The function each API route invokes, by route name (local mode serves from it).</summary>
    public IReadOnlyDictionary<string, InferenceFunction> RouteFunctions => _functionOfRoute;

    /// <summary>The base URL; e.g. <c>{Url}/v2/models/{name}/predict</c>.</summary>
    public Output<string> Url => Api.InvokeUrl;

    public IReadOnlyDictionary<string, Output<string>> ApiKeyIds => Api.ApiKeyIds;

    private List<ApiRoute> Routes(ModelRouterApiArgs args, RouterPlan plan)
    {
        var inferSchema = ApiRoute.Inference.Single(r => r.Name == "infer").JsonBodySchema;
        var fallback = SharedFunction ?? _functionOfModel[plan.Dedicated[0].Name];
        var routes = new List<ApiRoute>();
        void Add(ApiRoute route, InferenceFunction function)
        {
            routes.Add(route with { Target = LambdaAliasTarget.Of(function.Alias, InferenceFunction.LiveAlias) });
            _functionOfRoute[route.Name] = function;
        }

        Add(new ApiRoute("health-live", "GET", "/v2/health/live"), fallback);
        Add(new ApiRoute("health-ready", "GET", "/v2/health/ready"), fallback);
        foreach (var (model, index) in args.Models.Select((m, i) => (m, i)))
        {
            AddModelRoutes(Add, RouterNames.RoutePrefix(model.Name, "model", index), model.Name, model.Images, _functionOfModel[model.Name], inferSchema);
        }

        foreach (var (ensemble, index) in args.Ensembles.Select((e, i) => (e, i)))
        {
            AddModelRoutes(Add, RouterNames.RoutePrefix(ensemble.Name, "ensemble", index), ensemble.Name, plan.TakesImages(ensemble), SharedFunction!, inferSchema);
        }

        if (plan.HasRules)
        {
            AddModelRoutes(Add, RouterNames.RoutePrefix(plan.RouterName, "router", 0), plan.RouterName, true, SharedFunction!, inferSchema);
        }

        return routes;
    }

    private static void AddModelRoutes(Action<ApiRoute, InferenceFunction> add, string prefix, string name, bool images, InferenceFunction function, string? inferSchema)
    {
        add(new ApiRoute($"{prefix}-model", "GET", $"/v2/models/{name}"), function);
        add(new ApiRoute($"{prefix}-infer", "POST", $"/v2/models/{name}/infer", inferSchema), function);
        if (images)
        {
            add(new ApiRoute($"{prefix}-predict", "POST", $"/v2/models/{name}/predict"), function);
        }
    }
}
