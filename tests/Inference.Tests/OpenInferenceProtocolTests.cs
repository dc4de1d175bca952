using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Tests;

[Collection(ServiceCollection.Name)]
public sealed class OpenInferenceProtocolTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Health_endpoints_answer_live_and_ready()
    {
        var live = await fixture.Service.HandleAsync(Requests.Get("/v2/health/live"), default);
        var ready = await fixture.Service.HandleAsync(Requests.Get("/v2/health/ready"), default);

        Assert.Equal(200, live.StatusCode);
        Assert.True(live.Json().GetProperty("live").GetBoolean());
        Assert.Equal(200, ready.StatusCode);
        Assert.True(ready.Json().GetProperty("ready").GetBoolean());
        Assert.Equal("application/json", live.Headers["Content-Type"]);
    }

    [Fact]
    public async Task Model_metadata_lists_versions_platform_and_tensors()
    {
        var response = await fixture.Service.HandleAsync(Requests.Get("/v2/models/resnet18"), default);

        Assert.Equal(200, response.StatusCode);
        var body = response.Json();
        Assert.Equal("resnet18", body.GetProperty("name").GetString());
        Assert.Equal(["0.23.1"], body.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("onnxruntime", body.GetProperty("platform").GetString());
        var input = Assert.Single(body.GetProperty("inputs").EnumerateArray());
        Assert.Equal("Input247", input.GetProperty("name").GetString());
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([1L, 3, 224, 224], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal("Pooling395_Output_0", output.GetProperty("name").GetString());
        Assert.Equal([1L, 512, 1, 1], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task Versioned_metadata_and_dynamic_dimensions_are_reported()
    {
        var response = await fixture.Service.HandleAsync(Requests.Get("/v2/models/ppocr-cls/versions/2.0.0"), default);

        Assert.Equal(200, response.StatusCode);
        var input = response.Json().GetProperty("inputs")[0];
        Assert.Equal([-1L, 3, 48, 192], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task Model_ready_reports_a_loaded_model()
    {
        var response = await fixture.Service.HandleAsync(Requests.Get("/v2/models/ppocr-cls/ready"), default);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("ppocr-cls", response.Json().GetProperty("name").GetString());
        Assert.True(response.Json().GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task Server_metadata_names_the_server()
    {
        var response = await fixture.Service.HandleAsync(Requests.Get("/v2"), default);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("serverless-inference", response.Json().GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, response.Json().GetProperty("extensions").ValueKind);
    }

    [Fact]
    public async Task Infer_round_trip_returns_the_same_scores_as_a_bare_session_run()
    {
        var pixels = Enumerable.Range(0, 2 * 3 * 48 * 192).Select(i => (float)Math.Sin(i * 0.01)).ToArray();
        var body = $$"""{"id":"batch-7","inputs":[{"name":"x","shape":[2,3,48,192],"datatype":"FP32","data":[{{string.Join(",", pixels.Select(p => p.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}}]}]}""";

        var response = await fixture.Service.HandleAsync(Requests.PostJson("/v2/models/ppocr-cls/infer", body), default);

        Assert.Equal(200, response.StatusCode);
        var json = response.Json();
        Assert.Equal("ppocr-cls", json.GetProperty("model_name").GetString());
        Assert.Equal("2.0.0", json.GetProperty("model_version").GetString());
        Assert.Equal("batch-7", json.GetProperty("id").GetString());
        var output = Assert.Single(json.GetProperty("outputs").EnumerateArray());
        Assert.Equal("softmax_0.tmp_0", output.GetProperty("name").GetString());
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([2L, 2], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var scores = output.GetProperty("data").EnumerateArray().Select(d => d.GetSingle()).ToArray();

        var model = await fixture.Service.Models.GetAsync("ppocr-cls", default);
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [2, 3, 48, 192]);
        using var bare = model.Session.Run(new RunOptions(), ["x"], [input], ["softmax_0.tmp_0"]);
        Assert.Equal(bare[0].GetTensorDataAsSpan<float>().ToArray(), scores);
        Assert.Equal(1f, scores[0] + scores[1], 3);
    }

    [Fact]
    public async Task Nested_data_is_accepted_like_flat_data()
    {
        var row = "[" + Requests.Zeros(192) + "]";
        var plane = "[" + string.Join(",", Enumerable.Repeat(row, 48)) + "]";
        var nested = "[[" + string.Join(",", Enumerable.Repeat(plane, 3)) + "]]";
        var body = $$"""{"inputs":[{"name":"x","shape":[1,3,48,192],"datatype":"FP32","data":{{nested}}}]}""";

        var flat = await fixture.Service.HandleAsync(Requests.PostJson("/v2/models/ppocr-cls/infer", Requests.ClsInfer()), default);
        var fromNested = await fixture.Service.HandleAsync(Requests.PostJson("/v2/models/ppocr-cls/infer", body), default);

        Assert.Equal(200, fromNested.StatusCode);
        Assert.Equal(flat.Json().GetProperty("outputs")[0].GetProperty("data").GetRawText(),
            fromNested.Json().GetProperty("outputs")[0].GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Infer_without_id_answers_with_the_request_id_and_honours_outputs_and_parameters()
    {
        var body = """{"parameters":{"priority":1},"outputs":[{"name":"softmax_0.tmp_0","parameters":{}}],"inputs":[{"name":"x","shape":[1,3,48,192],"datatype":"FP32","parameters":{},"data":[""" + Requests.Zeros(3 * 48 * 192) + "]}]}";
        var request = Requests.PostJson("/v2/models/ppocr-cls/versions/2.0.0/infer", body);

        var response = await fixture.Service.HandleAsync(request, default);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(request.RequestId, response.Json().GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    public async Task Content_type_parameters_and_case_do_not_matter(string contentType)
    {
        var request = Requests.Post("/v2/models/ppocr-cls/infer", System.Text.Encoding.UTF8.GetBytes(Requests.ClsInfer()), contentType);

        var response = await fixture.Service.HandleAsync(request, default);

        Assert.Equal(200, response.StatusCode);
    }

    [Fact]
    public async Task Header_names_are_matched_without_regard_to_case_even_in_a_case_sensitive_dictionary()
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["CONTENT-TYPE"] = "text/csv" };
        var request = new Service.InferenceRequest("POST", "/v2/models/ppocr-cls/infer", headers, new byte[] { 1 }, "r1");

        var response = await fixture.Service.HandleAsync(request, default);

        Assert.Equal(415, response.StatusCode);
    }

    [Fact]
    public async Task Trailing_slashes_and_query_strings_are_ignored()
    {
        var response = await fixture.Service.HandleAsync(Requests.Get("/v2/models/ppocr-cls/?verbose=1"), default);

        Assert.Equal(200, response.StatusCode);
    }

    [Fact]
    public async Task ResNet18_infer_returns_the_512_feature_map()
    {
        var body = $$"""{"inputs":[{"name":"Input247","shape":[1,3,224,224],"datatype":"FP32","data":[{{string.Join(",", Enumerable.Repeat("100", 3 * 224 * 224))}}]}]}""";

        var response = await fixture.Service.HandleAsync(Requests.PostJson("/v2/models/resnet18/infer", body), default);

        Assert.Equal(200, response.StatusCode);
        var output = response.Json().GetProperty("outputs")[0];
        Assert.Equal([1L, 512, 1, 1], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(512, output.GetProperty("data").GetArrayLength());
    }
}
