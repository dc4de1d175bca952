using System.Text;
using Inference.Contracts;
using Inference.Protocol;

namespace Inference.Tests;

/// <summary>The datatypes the bundled models do not exercise: INT32, INT64, FP64, and inputs that allow non-finite values.</summary>
public sealed class InferRequestParserTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ModelDefinition _model;

    public InferRequestParserTests()
    {
        _model = ModelConfigLoader.Load(_dir.Write("model.json", """
            {"name":"multi","version":"1.0.0","file":"m.onnx",
             "inputs":[{"name":"ids","datatype":"INT64","shape":[-1,3]},
                       {"name":"counts","datatype":"INT32","shape":[2]},
                       {"name":"weights","datatype":"FP64","shape":[2],"allowNonFinite":true}],
             "outputs":[{"name":"a","datatype":"FP32","shape":[1]},{"name":"b","datatype":"FP32","shape":[1]}]}
            """));
    }

    public void Dispose() => _dir.Dispose();

    private InferRequest Parse(string ids = "[[1,2,3],[4,5,9007199254740993]]", string counts = "[7,-8]", string weights = "[\"NaN\",\"-Infinity\"]", string extra = "") =>
        InferRequestParser.Parse(Encoding.UTF8.GetBytes($$"""
            {{{extra}}"inputs":[
              {"name":"weights","shape":[2],"datatype":"FP64","data":{{weights}}},
              {"name":"ids","shape":[2,3],"datatype":"INT64","data":{{ids}}},
              {"name":"counts","shape":[2],"datatype":"INT32","data":{{counts}}}]}
            """), _model);

    [Fact]
    public void Tensors_come_back_in_model_input_order_with_exact_integer_values()
    {
        using var request = Parse();

        Assert.Equal([1L, 2, 3, 4, 5, 9007199254740993], request.Inputs[0].Value.GetTensorDataAsSpan<long>().ToArray());
        Assert.Equal([2L, 3], request.Inputs[0].Value.GetTensorTypeAndShape().Shape);
        Assert.Equal([7, -8], request.Inputs[1].Value.GetTensorDataAsSpan<int>().ToArray());
        var weights = request.Inputs[2].Value.GetTensorDataAsSpan<double>().ToArray();
        Assert.True(double.IsNaN(weights[0]));
        Assert.Equal(double.NegativeInfinity, weights[1]);
        Assert.Equal(["a", "b"], request.OutputNames);
    }

    [Fact]
    public void Requested_outputs_are_kept_in_request_order_without_duplicates()
    {
        using var request = Parse(extra: "\"outputs\":[{\"name\":\"b\"},{\"name\":\"a\"},{\"name\":\"b\"}],");

        Assert.Equal(["b", "a"], request.OutputNames);
    }

    [Theory]
    [InlineData("[[1,2,3],[4,5,1.5]]", "[1,2]", "value_out_of_range")]
    [InlineData("[[1,2,3],[4,5,1e30]]", "[1,2]", "value_out_of_range")]
    [InlineData("[[1,2,3],[4,5,6]]", "[1,3000000000]", "value_out_of_range")]
    [InlineData("[[1,2,3],[4,5,\"6\"]]", "[1,2]", "invalid_data")]
    [InlineData("[[1,2,3],[4,5]]", "[1,2]", "data_length_mismatch")]
    public void Integer_inputs_refuse_what_they_cannot_hold(string ids, string counts, string code)
    {
        var error = Assert.Throws<ApiException>(() => Parse(ids, counts));

        Assert.Equal((400, code), (error.StatusCode, error.Code));
    }

    [Fact]
    public void A_missing_input_is_named()
    {
        var body = """{"inputs":[{"name":"ids","shape":[1,3],"datatype":"INT64","data":[1,2,3]}]}""";

        var error = Assert.Throws<ApiException>(() => InferRequestParser.Parse(Encoding.UTF8.GetBytes(body), _model));

        Assert.Equal("missing_input", error.Code);
        Assert.Contains("counts, weights", error.Message, StringComparison.Ordinal);
    }
}
