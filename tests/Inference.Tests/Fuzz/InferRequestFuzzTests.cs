using CsCheck;
using Fuzzing;

namespace Inference.Tests.Fuzz;

/// <summary>
/// Property: any Open Inference Protocol v2 request body, valid JSON of the wrong shape included, gets a success or
/// a 4xx whose JSON body names the problem; never an exception, a hang or a 5xx.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class InferRequestFuzzTests(ServiceFixture fixture)
{
    private const string Infer = "/v2/models/ppocr-cls/infer";

    /// <summary>Every field the parser reads, with too little data: mutations explore the structure, not the data.</summary>
    private const string Structured = """
        {"id":"t1","parameters":{"binary_data_output":false},
         "inputs":[{"name":"x","shape":[1,3,48,192],"datatype":"FP32","parameters":{"content_type":"x"},"data":[0,1.5,-2,3]}],
         "outputs":[{"name":"y","parameters":{}}]}
        """;

    [Fact]
    public void Mutated_structured_requests_get_a_typed_answer() =>
        JsonMutations.Mutate(Structured)
            .Sample(body => ServiceAnswers.AssertHandled(fixture.Service, Requests.PostJson(Infer, body)),
                iter: FuzzIterations.Get(3000), threads: 1, print: body => body);

    [Fact]
    public void Mutated_complete_requests_get_a_typed_answer() =>
        JsonMutations.Mutate(Requests.ClsInfer())
            .Sample(body => ServiceAnswers.AssertHandled(fixture.Service, Requests.PostJson(Infer, body)),
                iter: FuzzIterations.Get(150), threads: 1, print: body => body.Length > 2000 ? body[..1000] + " ... " + body[^1000..] : body);

    [Fact]
    public void Random_bytes_as_json_get_a_typed_answer() =>
        Gen.Byte.Array[1, 1024]
            .Sample(body => ServiceAnswers.AssertHandled(fixture.Service, Requests.Post(Infer, body)),
                iter: FuzzIterations.Get(2000), threads: 1, print: Convert.ToBase64String);
}
