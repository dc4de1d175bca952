using System.Text;
using Inference.Service;
using SkiaSharp;

namespace Inference.Tests;

/// <summary>Every malformed request gets the exact 4xx status and error code, with a JSON body naming the problem.</summary>
[Collection(ServiceCollection.Name)]
public sealed class BadInputCorpusTests(ServiceFixture fixture)
{
    private const string Cls = "/v2/models/ppocr-cls/infer";
    private const string ClsPredict = "/v2/models/ppocr-cls/predict";
    private const string ResNetPredict = "/v2/models/resnet18/predict";

    public static TheoryData<string> CaseNames => [.. Corpus.Keys];

    private static readonly Dictionary<string, (Func<InferenceRequest> Request, int Status, string Code)> Corpus = new()
    {
        // Routing
        ["unknown path"] = (() => Requests.Get("/v1/models"), 404, "not_found"),
        ["unknown action"] = (() => Requests.PostJson("/v2/models/ppocr-cls/explain", "{}"), 404, "not_found"),
        ["unknown health probe"] = (() => Requests.Get("/v2/health/started"), 404, "not_found"),
        ["unknown model"] = (() => Requests.Get("/v2/models/gpt-9"), 404, "model_not_found"),
        ["infer on unknown model"] = (() => Requests.PostJson("/v2/models/gpt-9/infer", Requests.ClsInfer()), 404, "model_not_found"),
        ["unknown version"] = (() => Requests.Get("/v2/models/ppocr-cls/versions/9.9.9"), 404, "model_version_not_found"),
        ["infer on unknown version"] = (() => Requests.PostJson("/v2/models/ppocr-cls/versions/1.0.0/infer", Requests.ClsInfer()), 404, "model_version_not_found"),
        ["GET on infer"] = (() => Requests.Get(Cls), 405, "method_not_allowed"),
        ["POST on metadata"] = (() => Requests.PostJson("/v2/models/ppocr-cls", "{}"), 405, "method_not_allowed"),
        ["DELETE on live"] = (() => new InferenceRequest("DELETE", "/v2/health/live", new Dictionary<string, string>(), default, "r"), 405, "method_not_allowed"),
        ["PUT on predict"] = (() => Requests.Post(ClsPredict, [1]) with { Method = "PUT" }, 405, "method_not_allowed"),

        // Body and content type
        ["empty infer body"] = (() => Requests.Post(Cls, []), 400, "empty_body"),
        ["empty image body"] = (() => Requests.Post(ClsPredict, [], "image/png"), 400, "empty_body"),
        ["body over 6 MB"] = (() => Requests.Post(Cls, new byte[6 * 1024 * 1024 + 1]), 413, "payload_too_large"),
        ["image over 6 MB"] = (() => Requests.Post(ResNetPredict, new byte[7 * 1024 * 1024], "image/jpeg"), 413, "payload_too_large"),
        ["infer as text/plain"] = (() => Requests.Post(Cls, Encoding.UTF8.GetBytes(Requests.ClsInfer()), "text/plain"), 415, "unsupported_media_type"),
        ["infer as form"] = (() => Requests.Post(Cls, Encoding.UTF8.GetBytes(Requests.ClsInfer()), "application/x-www-form-urlencoded"), 415, "unsupported_media_type"),
        ["image as gif type"] = (() => Requests.Post(ClsPredict, [1, 2, 3], "image/gif"), 415, "unsupported_media_type"),
        ["image without content type"] = (() => Requests.Post(ClsPredict, TestImages.TextLine("a", false), null), 415, "unsupported_media_type"),
        ["image as JSON"] = (() => Requests.Post(ClsPredict, TestImages.TextLine("a", false), "application/json"), 415, "unsupported_media_type"),

        // JSON structure
        ["invalid JSON"] = (() => Requests.PostJson(Cls, "{\"inputs\": [ {"), 400, "invalid_json"),
        ["NaN literal is not JSON"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(dataJson: "NaN," + Requests.Zeros(27647))), 400, "invalid_json"),
        ["binary garbage as JSON"] = (() => Requests.Post(Cls, [0xff, 0xfe, 0x00, 0x01]), 400, "invalid_json"),
        ["JSON array body"] = (() => Requests.PostJson(Cls, "[1,2,3]"), 400, "invalid_request"),
        ["no inputs"] = (() => Requests.PostJson(Cls, "{\"id\":\"x\"}"), 400, "invalid_request"),
        ["empty inputs"] = (() => Requests.PostJson(Cls, "{\"inputs\":[]}"), 400, "invalid_request"),
        ["input is not an object"] = (() => Requests.PostJson(Cls, "{\"inputs\":[42]}"), 400, "invalid_request"),
        ["input without name"] = (() => Requests.PostJson(Cls, "{\"inputs\":[{\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}"), 400, "invalid_request"),
        ["id is a number"] = (() => Requests.PostJson(Cls, "{\"id\":7,\"inputs\":[{\"name\":\"x\"}]}"), 400, "invalid_request"),
        ["parameters is an array"] = (() => Requests.PostJson(Cls, "{\"parameters\":[],\"inputs\":[{\"name\":\"x\"}]}"), 400, "invalid_request"),
        ["data is not an array"] = (() => Requests.PostJson(Cls, "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3,48,192],\"datatype\":\"FP32\",\"data\":\"zeros\"}]}"), 400, "invalid_request"),
        ["shape missing"] = (() => Requests.PostJson(Cls, "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"data\":[0]}]}"), 400, "invalid_request"),
        ["outputs is an object"] = (() => Requests.PostJson(Cls, "{\"outputs\":{},\"inputs\":[]}"), 400, "invalid_request"),

        // Tensors against the model
        ["wrong input name"] = (() => Requests.PostJson(Cls, Requests.ClsInfer().Replace("\"name\":\"x\"", "\"name\":\"image\"", StringComparison.Ordinal)), 400, "unknown_input"),
        ["input given twice"] = (() => Requests.PostJson(Cls, "{\"inputs\":[" + TensorJson() + "," + TensorJson() + "]}"), 400, "duplicate_input"),
        ["wrong datatype"] = (() => Requests.PostJson(Cls, Requests.ClsInfer().Replace("FP32", "INT64", StringComparison.Ordinal)), 400, "datatype_mismatch"),
        ["unknown datatype"] = (() => Requests.PostJson(Cls, Requests.ClsInfer().Replace("FP32", "FLOAT", StringComparison.Ordinal)), 400, "datatype_mismatch"),
        ["wrong rank"] = (() => Requests.PostJson(Cls, Requests.ClsInfer().Replace("[1,3,48,192]", "[3,48,192]", StringComparison.Ordinal)), 400, "shape_mismatch"),
        ["wrong fixed dimension"] = (() => Requests.PostJson(Cls, Requests.ClsInfer().Replace("[1,3,48,192]", "[1,3,64,192]", StringComparison.Ordinal)), 400, "shape_mismatch"),
        ["zero batch"] = (() => Requests.PostJson(Cls, Requests.ClsInfer().Replace("[1,3,48,192]", "[0,3,48,192]", StringComparison.Ordinal)), 400, "shape_mismatch"),
        ["negative dimension"] = (() => Requests.PostJson(Cls, Requests.ClsInfer().Replace("[1,3,48,192]", "[-1,3,48,192]", StringComparison.Ordinal)), 400, "shape_mismatch"),
        ["fractional dimension"] = (() => Requests.PostJson(Cls, Requests.ClsInfer().Replace("[1,3,48,192]", "[1.5,3,48,192]", StringComparison.Ordinal)), 400, "shape_mismatch"),
        ["too few data elements"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(dataJson: Requests.Zeros(100))), 400, "data_length_mismatch"),
        ["one element too many"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(dataJson: Requests.Zeros(3 * 48 * 192 + 1))), 400, "data_length_mismatch"),
        ["batch of 2 with data for 1"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(batch: 2, dataJson: Requests.Zeros(3 * 48 * 192))), 400, "data_length_mismatch"),
        ["huge declared batch"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(batch: 1_000_000_000, dataJson: "0")), 400, "data_length_mismatch"),
        ["string element"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(dataJson: "\"zero\"," + Requests.Zeros(27647))), 400, "invalid_data"),
        ["null element"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(dataJson: "null," + Requests.Zeros(27647))), 400, "invalid_data"),
        ["boolean element"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(dataJson: Requests.Zeros(27647) + ",true")), 400, "invalid_data"),
        ["object element"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(dataJson: "{\"v\":0}," + Requests.Zeros(27647))), 400, "invalid_data"),
        ["NaN as string"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(dataJson: "\"NaN\"," + Requests.Zeros(27647))), 400, "non_finite_value"),
        ["Infinity as string"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(dataJson: Requests.Zeros(27647) + ",\"Infinity\"")), 400, "non_finite_value"),
        ["-Infinity as string"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(dataJson: "\"-Infinity\"," + Requests.Zeros(27647))), 400, "non_finite_value"),
        ["number overflowing FP32"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(dataJson: "1e39," + Requests.Zeros(27647))), 400, "non_finite_value"),
        ["number overflowing FP64"] = (() => Requests.PostJson(Cls, Requests.ClsInfer(dataJson: "1e400," + Requests.Zeros(27647))), 400, "non_finite_value"),
        ["unknown requested output"] = (() => Requests.PostJson(Cls, "{\"outputs\":[{\"name\":\"logits\"}],\"inputs\":[" + TensorJson() + "]}"), 400, "unknown_output"),

        // Images
        ["text bytes as JPEG"] = (() => Requests.Post(ClsPredict, Encoding.UTF8.GetBytes("this is not an image"), "image/jpeg"), 400, "invalid_image"),
        ["random bytes as PNG"] = (() => Requests.Post(ClsPredict, RandomBytes(4096), "image/png"), 400, "invalid_image"),
        ["BMP image"] = (() => Requests.Post(ClsPredict, Bmp(), "image/png"), 400, "invalid_image"),
        ["truncated JPEG"] = (() => Requests.Post(ResNetPredict, Truncate(TestImages.Gradient(400, 300, SKEncodedImageFormat.Jpeg, SKColors.Red), 0.5), "image/jpeg"), 400, "truncated_image"),
        ["truncated PNG"] = (() => Requests.Post(ResNetPredict, Truncate(TestImages.Gradient(400, 300, SKEncodedImageFormat.Png, SKColors.Red), 0.5), "image/png"), 400, "truncated_image"),
        ["PNG cut inside its header"] = (() => Requests.Post(ResNetPredict, TestImages.Gradient(64, 64, SKEncodedImageFormat.Png, SKColors.Red)[..20], "image/png"), 400, "truncated_image"),
        ["decompression bomb PNG"] = (() => Requests.Post(ResNetPredict, TestImages.PngHeaderOnly(100_000, 100_000), "image/png"), 400, "image_too_large"),
        ["PNG declaring 25,000,000×1"] = (() => Requests.Post(ResNetPredict, TestImages.PngHeaderOnly(25_000_000, 1), "image/png"), 400, "image_too_large"),
        ["PNG declaring 1×1,000,001"] = (() => Requests.Post(ResNetPredict, TestImages.PngHeaderOnly(1, 1_000_001), "image/png"), 400, "image_too_large"),
        ["PNG declaring 0×0"] = (() => Requests.Post(ResNetPredict, TestImages.PngHeaderOnly(0, 0), "image/png"), 400, "invalid_image"),
        ["PNG declaring 640×0"] = (() => Requests.Post(ResNetPredict, TestImages.PngHeaderOnly(640, 0), "image/png"), 400, "invalid_image"),
        ["PNG declaring 2^31×1"] = (() => Requests.Post(ResNetPredict, TestImages.PngHeaderOnly(int.MinValue, 1), "image/png"), 400, "invalid_image"),
        ["truncated WebP"] = (() => Requests.Post(ResNetPredict, Truncate(TestImages.Gradient(400, 300, SKEncodedImageFormat.Webp, SKColors.Red), 0.5), "image/webp"), 400, "truncated_image"),
        ["JPEG signature and nothing else"] = (() => Requests.Post(ClsPredict, [0xFF, 0xD8, 0xFF, 0xE0], "image/jpeg"), 400, "truncated_image"),
    };

    [Fact]
    public void Corpus_has_at_least_40_cases() => Assert.True(Corpus.Count >= 40, $"{Corpus.Count} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_request_gets_the_exact_status_and_code(string name)
    {
        var (request, status, code) = Corpus[name];

        var response = await fixture.Service.HandleAsync(request(), default);

        var json = response.Json();
        Assert.Equal((status, code), (response.StatusCode, json.GetProperty("code").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("error").GetString()));
        Assert.Equal("application/json", response.Headers["Content-Type"]);
    }

    [Fact]
    public async Task Method_not_allowed_names_the_allowed_method()
    {
        var response = await fixture.Service.HandleAsync(Requests.Get(Cls), default);

        Assert.Equal("POST", response.Headers["Allow"]);
    }

    [Fact]
    public async Task Errors_name_the_problem()
    {
        var response = await fixture.Service.HandleAsync(
            Requests.PostJson(Cls, Requests.ClsInfer().Replace("[1,3,48,192]", "[1,3,64,192]", StringComparison.Ordinal)), default);

        var message = response.Json().GetProperty("error").GetString();
        Assert.Contains("'x'", message, StringComparison.Ordinal);
        Assert.Contains("[1,3,64,192]", message, StringComparison.Ordinal);
        Assert.Contains("[-1,3,48,192]", message, StringComparison.Ordinal);
        Assert.Contains("Input 'x'", Encoding.UTF8.GetString(response.Body.Span), StringComparison.Ordinal); // readable, not \u0027
    }

    [Fact]
    public async Task A_bad_request_leaves_the_service_serving()
    {
        await fixture.Service.HandleAsync(Requests.PostJson(Cls, Requests.ClsInfer(dataJson: "\"NaN\"," + Requests.Zeros(27647))), default);

        var response = await fixture.Service.HandleAsync(Requests.PostJson(Cls, Requests.ClsInfer()), default);

        Assert.Equal(200, response.StatusCode);
    }

    private static string TensorJson() => "{\"name\":\"x\",\"shape\":[1,3,48,192],\"datatype\":\"FP32\",\"data\":[" + Requests.Zeros(3 * 48 * 192) + "]}";

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Truncate(byte[] image, double keep) => image[..(int)(image.Length * keep)];

    /// <summary>A valid 1×1 BMP: a real image format that the endpoint does not accept.</summary>
    private static byte[] Bmp() =>
    [
        0x42, 0x4D, 58, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0,
        0, 0, 0, 0, 4, 0, 0, 0, 0x13, 0x0B, 0, 0, 0x13, 0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 0,
    ];
}
