using Inference.Routing;
using TestModels;

namespace Inference.Tests.Ensembles;

/// <summary>The request-type router (ROUTER) on the real service: rules in order, first match, default, and its errors.</summary>
public sealed class RuleRouterTests : IAsyncLifetime
{
    private EnsembleStack _stack = null!;

    public async Task InitializeAsync() => _stack = await EnsembleStack.CreateAsync();

    public Task DisposeAsync()
    {
        _stack.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_header_rule_wins_over_later_rules_and_the_answer_names_the_target()
    {
        var response = await _stack.Service.HandleAsync(Requests.Post("/v2/models/auto/predict",
            TestImages.Gradient(8, 8, SkiaSharp.SKEncodedImageFormat.Png, SkiaSharp.SKColors.Red), "image/png") with
        {
            Headers = new Dictionary<string, string> { ["Content-Type"] = "image/png", ["X-Task"] = "embed" },
        }, default);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("emb", response.Headers[RuleRouter.RoutedHeader]);
        Assert.Equal("emb", response.Json().GetProperty("model_name").GetString());
    }

    [Fact]
    public async Task A_content_type_pattern_routes_images_and_the_parameter_rule_routes_json_by_its_parameters()
    {
        var image = await _stack.Service.HandleAsync(Requests.Post("/v2/models/auto/predict",
            TestImages.Gradient(8, 8, SkiaSharp.SKEncodedImageFormat.Jpeg, SkiaSharp.SKColors.Red), "image/jpeg; q=1"), default);
        Assert.Equal("vote3", image.Headers[RuleRouter.RoutedHeader]);
        Assert.Equal("b", image.Json().GetProperty("predictions")[0].GetProperty("label").GetString());

        var regress = await _stack.InferAsync("auto", EnsembleModels.InferBody(1, 1, 1, """{"task":"regress"}"""));
        Assert.Equal("reg", regress.Headers[RuleRouter.RoutedHeader]);
        Assert.Equal(1.5, regress.Json().GetProperty("outputs")[0].GetProperty("data")[0].GetDouble(), 6);
    }

    [Fact]
    public async Task A_request_no_rule_matches_goes_to_the_default_and_without_a_default_is_a_400_listing_the_rules()
    {
        var fallback = await _stack.InferAsync("auto", EnsembleModels.InferBody(2, 2, 2, """{"task":"other"}"""));
        Assert.Equal("reg-a", fallback.Headers[RuleRouter.RoutedHeader]);
        Assert.Equal(2.0, fallback.Json().GetProperty("outputs")[0].GetProperty("data")[0].GetDouble(), 6);

        using var strict = await EnsembleStack.CreateAsync(router: """{"name":"auto","rules":[{"contentType":"image/*","model":"cls-a"}]}""");
        var refused = await strict.InferAsync("auto", EnsembleModels.InferBody(1, 1, 1));
        Assert.Equal(400, refused.StatusCode);
        Assert.Equal(RuleRouter.NoRouteCode, refused.Json().GetProperty("code").GetString());
        Assert.Contains("contentType image/* -> cls-a", refused.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_routers_metadata_lists_its_rules_and_other_paths_under_its_name_are_404()
    {
        var metadata = (await _stack.Service.HandleAsync(Requests.Get("/v2/models/auto"), default)).Json();
        Assert.Equal("router", metadata.GetProperty("platform").GetString());
        Assert.Equal("header x-task: embed", metadata.GetProperty("rules")[0].GetProperty("match").GetString());
        Assert.Equal("reg-a", metadata.GetProperty("default").GetString());

        Assert.Equal(404, (await _stack.Service.HandleAsync(Requests.Get("/v2/models/auto/ready"), default)).StatusCode);
        Assert.Equal(200, (await _stack.Service.HandleAsync(Requests.Get("/v2/health/live"), default)).StatusCode);
    }
}
