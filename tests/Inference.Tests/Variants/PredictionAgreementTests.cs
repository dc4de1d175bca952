using System.Text;
using Inference.Variants;

namespace Inference.Tests.Variants;

public sealed class PredictionAgreementTests
{
    private static PredictionAgreement Compare(string a, string b) => PredictionAgreement.Compare(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    [Fact]
    public void Classifiers_compare_their_top_label()
    {
        const string Upright = """{"predictions":[{"label":"0","index":0,"score":0.9},{"label":"180","index":1,"score":0.1}],"id":"a"}""";
        const string Turned = """{"predictions":[{"label":"180","index":1,"score":0.6},{"label":"0","index":0,"score":0.4}],"id":"b"}""";

        Assert.Equal(new PredictionAgreement(true, null), Compare(Upright, Upright.Replace("0.9", "0.7")));
        Assert.Equal(new PredictionAgreement(false, null), Compare(Upright, Turned));
    }

    [Fact]
    public void Embeddings_compare_by_cosine_similarity()
    {
        var same = Compare("""{"embedding":[1,2,3]}""", """{"embedding":[2,4,6]}""");
        var orthogonal = Compare("""{"embedding":[1,0]}""", """{"embedding":[0,1]}""");
        var opposite = Compare("""{"output":[1,-1]}""", """{"output":[-1,1]}""");

        Assert.Equal(1, same.Cosine!.Value, 9);
        Assert.Null(same.Top1Match);
        Assert.Equal(0, orthogonal.Cosine!.Value, 9);
        Assert.Equal(-1, opposite.Cosine!.Value, 9);
    }

    [Fact]
    public void Infer_outputs_of_one_row_give_both_top1_and_cosine()
    {
        const string A = """{"outputs":[{"name":"p","datatype":"FP32","shape":[1,3],"data":[0.1,0.7,0.2]}]}""";
        const string B = """{"outputs":[{"name":"p","datatype":"FP32","shape":[1,3],"data":[[0.6,0.3,0.1]]}]}""";

        var agreement = Compare(A, B);

        Assert.False(agreement.Top1Match);
        Assert.InRange(agreement.Cosine!.Value, 0.5, 0.6);
    }

    [Theory]
    [InlineData("""{"predictions":[]}""", """{"embedding":[1]}""")]
    [InlineData("""{"embedding":[1,2]}""", """{"embedding":[1,2,3]}""")]
    [InlineData("""{"embedding":[1,"NaN"]}""", """{"embedding":[1,2]}""")]
    [InlineData("""<html>legacy</html>""", """{"embedding":[1]}""")]
    [InlineData("""{"outputs":[{"name":"x","data":[1]}]}""", """{"outputs":[{"name":"y","data":[1]}]}""")]
    public void Answers_of_different_shapes_are_not_comparable(string a, string b) => Assert.False(Compare(a, b).Comparable);
}
