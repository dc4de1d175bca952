using Inference.Ensembles;

namespace Inference.Tests.Ensembles;

/// <summary>The combination rules on answers made by hand: ties, per-row voting over tensors, and which answer fixes the shape.</summary>
public sealed class EnsembleCombinerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_tie_in_votes_goes_to_the_label_whose_voters_were_surer()
    {
        var answers = new[]
        {
            Classes("m1", 1, ("cat", 0.55), ("dog", 0.45)),
            Classes("m2", 1, ("dog", 0.95), ("cat", 0.05)),
        };

        var combined = (MemberAnswer.Classes)EnsembleCombiner.Combine(EnsembleCombine.Vote, answers).Answer;

        Assert.Equal(["dog", "cat"], combined.Predictions.Select(p => p.Label));
        Assert.Equal([0.5, 0.5], combined.Predictions.Select(p => p.Score));
    }

    [Fact]
    public void Voting_over_an_infer_tensor_gives_each_row_the_weighted_share_of_its_argmax()
    {
        // Two rows of three classes. m1 (weight 1): row 0 → class 2, row 1 → class 0. m2 (weight 3): row 0 → class 1, row 1 → class 0.
        var answers = new[]
        {
            Tensor("m1", 1, [0.1, 0.2, 0.7, 0.9, 0.05, 0.05]),
            Tensor("m2", 3, [0.2, 0.5, 0.3, 0.6, 0.3, 0.1]),
        };

        var output = ((MemberAnswer.Tensors)EnsembleCombiner.Combine(EnsembleCombine.Vote, answers).Answer).Outputs[0];

        Assert.Equal([0, 0.75, 0.25, 1, 0, 0], output.Data);
        Assert.Equal([2L, 3L], output.Shape);
    }

    [Fact]
    public void The_first_answer_fixes_the_shape_and_a_differently_shaped_one_is_reported_not_averaged()
    {
        var answers = new[]
        {
            new WeightedAnswer(Member("m1", 1), new MemberAnswer.Vector("embedding", [1, 1])),
            new WeightedAnswer(Member("m2", 1), new MemberAnswer.Vector("embedding", [1, 1, 1])),
            new WeightedAnswer(Member("m3", 3), new MemberAnswer.Vector("embedding", [3, 5])),
        };

        var combined = EnsembleCombiner.Combine(EnsembleCombine.Average, answers);

        Assert.Equal([2.5, 4.0], ((MemberAnswer.Vector)combined.Answer).Values);
        var (member, reason) = Assert.Single(combined.Incompatible);
        Assert.Equal("m2", member.Model);
        Assert.Equal("its embedding has 3 values, not 2, unlike the answer of 'm1'", reason);
        Assert.Equal(["m1", "m3"], combined.Used.Select(m => m.Model));
    }

    private static EnsembleMember Member(string name, double weight) => new(name, weight, Timeout);

    private static WeightedAnswer Classes(string name, double weight, params (string Label, double Score)[] scores) =>
        new(Member(name, weight), new MemberAnswer.Classes([.. scores.Select((s, i) => new AnswerClass(s.Label, i, s.Score))]));

    private static WeightedAnswer Tensor(string name, double weight, double[] data) =>
        new(Member(name, weight), new MemberAnswer.Tensors([new AnswerTensor("y", "FP32", [2, 3], data)]));
}
