using Infra.Components;
using Infra.Local.Gateway;

namespace Local.Tests;

/// <summary>API Gateway's resource and method matching, on the inference function's routes.</summary>
public sealed class RouteTableTests
{
    private readonly RouteTable _routes = new(ApiRoute.Inference);

    [Theory]
    [InlineData("GET", "/v2/models/ppocr-cls", "model")]
    [InlineData("POST", "/v2/models/ppocr-cls/predict", "predict")]
    [InlineData("GET", "//v2/health/live", "health-live")]
    [InlineData("GET", "/v2/health/live/", "health-live")]
    public void A_defined_method_on_a_resource_path_matches_its_route(string method, string path, string route) =>
        Assert.Equal(route, _routes.Match(method, path)?.Route.Name);

    [Theory]
    [InlineData("get", "/v2/models/ppocr-cls")]
    [InlineData("Post", "/v2/models/ppocr-cls/predict")]
    [InlineData("DELETE", "/v2/models/ppocr-cls")]
    [InlineData("GET", "/v2//models/ppocr-cls")]
    [InlineData("POST", "/v2/models/ppocr-cls//predict")]
    [InlineData("GET", "/v2/health/live//")]
    [InlineData("GET", "/v2/models/")]
    public void A_method_name_in_another_case_or_a_path_with_an_empty_segment_matches_nothing(string method, string path) =>
        Assert.Null(_routes.Match(method, path));
}
