using Inference.Caching;
using Inference.Service;
using Inference.Routing;
using TestModels;

namespace Inference.Tests.Ensembles;

/// <summary>
/// A model folder of tiny models with known answers (<see cref="EnsembleModels"/>), the ensembles and router over them,
/// and the composed service, as the function builds it from ENSEMBLES and ROUTER.
/// </summary>
internal sealed class EnsembleStack : IDisposable
{
    public const string Ensembles = """
        [{"name":"vote3","combine":"vote","members":[{"model":"cls-a","weight":1},{"model":"cls-b","weight":3},{"model":"cls-c"}]},
         {"name":"soft","combine":"average","members":[{"model":"cls-a"},{"model":"cls-b"}]},
         {"name":"emb","combine":"average","members":[{"model":"emb-a","weight":1},{"model":"emb-b","weight":3}]},
         {"name":"reg","combine":"average","members":[{"model":"reg-a"},{"model":"reg-b"},{"model":"fragile","weight":2}]},
         {"name":"timed","combine":"vote","members":[{"model":"cls-a","timeoutMs":20000},{"model":"slow","timeoutMs":30}]},
         {"name":"mixed","combine":"average","members":[{"model":"emb-a"},{"model":"reg-a"}]},
         {"name":"doomed","combine":"average","members":[{"model":"fragile"},{"model":"slow","timeoutMs":30}]}]
        """;

    public const string Router = """
        {"name":"auto","rules":[
           {"header":"x-task","equals":"embed","model":"emb"},
           {"parameter":"task","equals":"regress","model":"reg"},
           {"contentType":"image/*","model":"vote3"}],
         "default":"reg-a"}
        """;

    private readonly TempDirectory _models = new();

    private EnsembleStack()
    {
    }

    public static async Task<EnsembleStack> CreateAsync(string? ensembles = Ensembles, string? router = Router)
    {
        var stack = new EnsembleStack();
        try
        {
            await stack.ComposeAsync(ensembles, router);
            return stack;
        }
        catch
        {
            stack.Dispose();
            throw;
        }
    }

    private async Task ComposeAsync(string? ensembles, string? router)
    {
        EnsembleModels.Write(_models.Path, "cls-a", EnsembleModels.Linear([0.6f, 0.3f, 0.1f]), "classification");
        EnsembleModels.Write(_models.Path, "cls-b", EnsembleModels.Linear([0.2f, 0.7f, 0.1f]), "classification");
        EnsembleModels.Write(_models.Path, "cls-c", EnsembleModels.Linear([0.5f, 0.1f, 0.4f]), "classification");
        EnsembleModels.Write(_models.Path, "emb-a", EnsembleModels.Linear([1f, 2f, 3f]), "embedding");
        EnsembleModels.Write(_models.Path, "emb-b", EnsembleModels.Linear([3f, 2f, 1f]), "embedding");
        EnsembleModels.Write(_models.Path, "reg-a", EnsembleModels.Linear([0f, 0f, 0f], gain: 1), null);
        EnsembleModels.Write(_models.Path, "reg-b", EnsembleModels.Linear([1f, 1f, 1f], gain: 2), null);
        EnsembleModels.Write(_models.Path, "fragile", OnnxModelWriter.FailsOnLargeValues(), null);
        EnsembleModels.Write(_models.Path, "slow", EnsembleModels.Linear([0f, 0f, 1f], slowMatMuls: 8), "classification");
        ModelsDirectory = _models.Path;
        var models = await InferenceServiceFactory.CreateAsync(new InferenceOptions
        {
            ModelDirectory = _models.Path,
            IntraOpThreads = 1,
            Cache = new PredictionCacheOptions { MaxEntries = 0 },
        }, Log);
        var environment = new Dictionary<string, string?> { ["ENSEMBLES"] = ensembles, ["ROUTER"] = router };
        Service = ServiceComposition.Compose(models, models.Models.Definitions, name => environment.GetValueOrDefault(name), Log);
    }

    public string ModelsDirectory { get; private set; } = string.Empty;

    public StringWriter Log { get; } = new();

    public IInferenceService Service { get; private set; } = null!;

    public Task<InferenceResponse> InferAsync(string model, string body, IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = Requests.PostJson($"/v2/models/{model}/infer", body);
        return Service.HandleAsync(headers is null ? request : request with { Headers = new Dictionary<string, string>(request.Headers.Concat(headers)) }, default);
    }

    public Task<InferenceResponse> PredictAsync(string model, string contentType = "image/png") =>
        Service.HandleAsync(Requests.Post($"/v2/models/{model}/predict", TestImages.Gradient(8, 8, SkiaSharp.SKEncodedImageFormat.Png, SkiaSharp.SKColors.Red), contentType), default);

    public void Dispose()
    {
        (Service as IDisposable)?.Dispose();
        _models.Dispose();
    }
}
