using System.Text.Json;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Runtime;
using TestModels;

namespace InferenceFunction.Tests;

/// <summary>
/// A request for a model with two dynamic dimensions declares a shape whose element count overflows 64 bits
/// (6 × 3074457345618258603 = 2^64 + 2, which wraps to 2): through the function's dispatcher and HTTP handler it is a
/// 400 shape_mismatch naming the shape, and never reaches ONNX Runtime.
/// </summary>
public sealed class ShapeOverflowEventTests : IDisposable
{
    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("shape-overflow-");

    public ShapeOverflowEventTests()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_models.FullName, "rows"));
        File.WriteAllBytes(Path.Combine(folder.FullName, "model.onnx"), OnnxModelWriter.RowMeans());
        File.WriteAllText(Path.Combine(folder.FullName, "model.json"), """
            {"name":"rows","version":"1.0.0","file":"model.onnx",
             "inputs":[{"name":"x","datatype":"FP32","shape":[-1,-1]}],
             "outputs":[{"name":"y","datatype":"FP32","shape":[-1]}]}
            """);
    }

    public void Dispose() => _models.Delete(recursive: true);

    [Theory]
    [InlineData("[6,3074457345618258603]", "[1,2]")] // wraps to 2: the data would match
    [InlineData("[3074457345618258603,6]", "[1,2]")]
    [InlineData("[4294967296,4294967296]", "[1]")] // wraps to 0
    public async Task A_shape_whose_element_count_overflows_is_a_400_shape_mismatch_naming_it(string shape, string data)
    {
        using var service = (IDisposable)await ServiceInitialization.CreateAsync(Environment, TextWriter.Null, s3: null);
        var dispatcher = new EventDispatcher((Inference.Service.IInferenceService)service, new Lazy<SqsS3BatchHandler>(() => throw new InvalidOperationException("no batch here")));

        var response = await DispatchAsync(dispatcher, $$"""{"inputs":[{"name":"x","shape":{{shape}},"datatype":"FP32","data":{{data}}}]}""");

        var body = JsonDocument.Parse(response.GetProperty("body").GetString()!).RootElement;
        Assert.Equal((400, "shape_mismatch"), (response.GetProperty("statusCode").GetInt32(), body.GetProperty("code").GetString()));
        Assert.Contains($"Input 'x' has shape {shape}", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shape_that_fits_is_still_answered()
    {
        using var service = (IDisposable)await ServiceInitialization.CreateAsync(Environment, TextWriter.Null, s3: null);
        var dispatcher = new EventDispatcher((Inference.Service.IInferenceService)service, new Lazy<SqsS3BatchHandler>(() => throw new InvalidOperationException("no batch here")));

        var response = await DispatchAsync(dispatcher, """{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5,6]}]}""");

        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        var output = JsonDocument.Parse(response.GetProperty("body").GetString()!).RootElement.GetProperty("outputs")[0];
        Assert.Equal([2.0, 5.0], output.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()));
    }

    private string? Environment(string name) => name switch
    {
        "MODEL_DIR" => _models.FullName,
        "ORT_INTRA_OP_THREADS" => "1",
        "PREDICTION_CACHE_MAX_ENTRIES" => "0",
        _ => null,
    };

    private static async Task<JsonElement> DispatchAsync(EventDispatcher dispatcher, string inferBody)
    {
        var invocation = Invocations.WithPayload($$"""
            {"resource":"/v2/models/{name}/infer","path":"/v2/models/rows/infer","httpMethod":"POST",
             "headers":{"Content-Type":"application/json"},"requestContext":{"requestId":"apigw-1","stage":"prod"},
             "body":{{JsonSerializer.Serialize(inferBody)}},"isBase64Encoded":false}
            """);
        using var budget = Invocations.Deadline(invocation).CreateCancellationSource();
        var bytes = await dispatcher.HandleAsync(invocation, Invocations.Deadline(invocation), budget.Token);
        return JsonDocument.Parse(bytes).RootElement.Clone();
    }
}
