namespace Inference.Ensembles;

/// <summary>A member's answer that could be combined, with the member's weight.</summary>
public sealed record WeightedAnswer(EnsembleMember Member, MemberAnswer Answer);

/// <summary>The combined answer, and the answers left out because they did not fit the first one's shape.</summary>
public sealed record CombinedAnswer(MemberAnswer Answer, IReadOnlyList<(EnsembleMember Member, string Reason)> Incompatible)
{
    /// <summary>The members whose answers went into <see cref="Answer"/>.</summary>
    public required IReadOnlyList<EnsembleMember> Used { get; init; }

    /// <summary>For a vote over classes: the members whose top-1 was each label.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Voters { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

/// <summary>
/// The ensemble math. The first answer (in the ensemble's member order) fixes the shape; an answer of another kind or
/// shape is left out and reported. Weights are normalized over the members that answered, so a missing member
/// degrades the answer instead of shrinking it.
/// </summary>
public static class EnsembleCombiner
{
    public static CombinedAnswer Combine(EnsembleCombine combine, IReadOnlyList<WeightedAnswer> answers)
    {
        if (answers.Count == 0)
        {
            throw new ArgumentException("At least one answer is needed.", nameof(answers));
        }

        var reference = answers[0].Answer;
        var used = new List<WeightedAnswer>();
        var incompatible = new List<(EnsembleMember, string)>();
        foreach (var answer in answers)
        {
            if (Mismatch(reference, answer.Answer) is { } reason)
            {
                incompatible.Add((answer.Member, reason + $", unlike the answer of '{answers[0].Member.Model}'"));
            }
            else
            {
                used.Add(answer);
            }
        }

        var members = used.Select(u => u.Member).ToArray();
        return reference switch
        {
            MemberAnswer.Classes when combine == EnsembleCombine.Vote => VoteClasses(used, incompatible, members),
            MemberAnswer.Classes => new CombinedAnswer(AverageClasses(used), incompatible) { Used = members },
            MemberAnswer.Vector vector => new CombinedAnswer(new MemberAnswer.Vector(vector.Field, Average(used, a => ((MemberAnswer.Vector)a).Values)), incompatible) { Used = members },
            MemberAnswer.Tensors tensors => new CombinedAnswer(new MemberAnswer.Tensors([.. tensors.Outputs.Select((t, i) => CombineTensor(combine, t, i, used))]), incompatible) { Used = members },
            _ => throw new InvalidOperationException($"no combination for {reference.GetType().Name}"),
        };
    }

    /// <summary>Hard weighted voting: each member's top-1 label gets its weight; a label's score is its share of the answering weight.</summary>
    private static CombinedAnswer VoteClasses(List<WeightedAnswer> used, List<(EnsembleMember, string)> incompatible, EnsembleMember[] members)
    {
        var total = used.Sum(u => u.Member.Weight);
        var votes = new Dictionary<string, (int Index, double Weight, double ScoreSum, List<string> Voters)>(StringComparer.Ordinal);
        foreach (var (member, answer) in used.Select(u => (u.Member, (MemberAnswer.Classes)u.Answer)))
        {
            if (answer.Predictions.Count == 0)
            {
                continue;
            }

            var top = answer.Predictions.MaxBy(p => p.Score)!;
            var entry = votes.GetValueOrDefault(top.Label, (top.Index, 0, 0, []));
            entry.Voters.Add(member.Model);
            votes[top.Label] = (entry.Index, entry.Weight + member.Weight, entry.ScoreSum + member.Weight * top.Score, entry.Voters);
        }

        // Ties in votes go to the label its voters were surer of (weighted scores), then to the label's order.
        var ranked = votes
            .OrderByDescending(v => v.Value.Weight)
            .ThenByDescending(v => v.Value.ScoreSum)
            .ThenBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => new AnswerClass(v.Key, v.Value.Index, v.Value.Weight / total))
            .ToArray();
        return new CombinedAnswer(new MemberAnswer.Classes(ranked), incompatible)
        {
            Used = members,
            Voters = votes.ToDictionary(v => v.Key, v => (IReadOnlyList<string>)v.Value.Voters, StringComparer.Ordinal),
        };
    }

    /// <summary>Soft voting: the weighted mean of each label's score; a label outside a member's top-k counts as 0 for it.</summary>
    private static MemberAnswer.Classes AverageClasses(List<WeightedAnswer> used)
    {
        var total = used.Sum(u => u.Member.Weight);
        var sums = new Dictionary<string, (int Index, double Sum)>(StringComparer.Ordinal);
        foreach (var (member, answer) in used.Select(u => (u.Member, (MemberAnswer.Classes)u.Answer)))
        {
            foreach (var prediction in answer.Predictions)
            {
                var entry = sums.GetValueOrDefault(prediction.Label, (prediction.Index, 0));
                sums[prediction.Label] = (entry.Index, entry.Sum + member.Weight * prediction.Score);
            }
        }

        return new MemberAnswer.Classes([.. sums
            .OrderByDescending(s => s.Value.Sum)
            .ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new AnswerClass(s.Key, s.Value.Index, s.Value.Sum / total))]);
    }

    private static AnswerTensor CombineTensor(EnsembleCombine combine, AnswerTensor reference, int position, List<WeightedAnswer> used)
    {
        var datatype = reference.Datatype == "FP32" ? "FP32" : "FP64";
        if (combine == EnsembleCombine.Average)
        {
            return reference with { Datatype = datatype, Data = Average(used, a => ((MemberAnswer.Tensors)a).Outputs[position].Data) };
        }

        // Voting over a class-score tensor: per row (the last dimension holds the classes), the member's argmax gets its weight.
        var classes = (int)Math.Max(1, reference.Shape.Length == 0 ? 1 : reference.Shape[^1]);
        var shares = new double[reference.Data.Length];
        var total = used.Sum(u => u.Member.Weight);
        foreach (var (member, answer) in used.Select(u => (u.Member, (MemberAnswer.Tensors)u.Answer)))
        {
            var data = answer.Outputs[position].Data;
            for (var row = 0; row + classes <= data.Length; row += classes)
            {
                var best = row;
                for (var i = row + 1; i < row + classes; i++)
                {
                    best = data[i] > data[best] ? i : best;
                }

                shares[best] += member.Weight;
            }
        }

        return reference with { Datatype = datatype, Data = [.. shares.Select(s => s / total)] };
    }

    private static double[] Average(List<WeightedAnswer> used, Func<MemberAnswer, double[]> values)
    {
        var total = used.Sum(u => u.Member.Weight);
        var sum = new double[values(used[0].Answer).Length];
        foreach (var answer in used)
        {
            var data = values(answer.Answer);
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += answer.Member.Weight * data[i];
            }
        }

        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] /= total;
        }

        return sum;
    }

    /// <returns>Why <paramref name="answer"/> cannot be combined with <paramref name="reference"/>; null when it can.</returns>
    private static string? Mismatch(MemberAnswer reference, MemberAnswer answer) => (reference, answer) switch
    {
        (MemberAnswer.Classes, MemberAnswer.Classes) => null,
        (MemberAnswer.Vector r, MemberAnswer.Vector a) when r.Field != a.Field => $"it answered '{a.Field}', not '{r.Field}'",
        (MemberAnswer.Vector r, MemberAnswer.Vector a) => r.Values.Length == a.Values.Length ? null : $"its {a.Field} has {a.Values.Length} values, not {r.Values.Length}",
        (MemberAnswer.Tensors r, MemberAnswer.Tensors a) => TensorsMismatch(r, a),
        _ => $"it answered {Kind(answer)}, not {Kind(reference)}",
    };

    private static string? TensorsMismatch(MemberAnswer.Tensors reference, MemberAnswer.Tensors answer)
    {
        if (reference.Outputs.Count != answer.Outputs.Count)
        {
            return $"it answered {answer.Outputs.Count} output(s), not {reference.Outputs.Count}";
        }

        for (var i = 0; i < reference.Outputs.Count; i++)
        {
            var (r, a) = (reference.Outputs[i], answer.Outputs[i]);
            if (r.Name != a.Name || !r.Shape.SequenceEqual(a.Shape))
            {
                return $"its output {i} is '{a.Name}' [{string.Join(",", a.Shape)}], not '{r.Name}' [{string.Join(",", r.Shape)}]";
            }
        }

        return null;
    }

    private static string Kind(MemberAnswer answer) => answer switch
    {
        MemberAnswer.Classes => "predictions",
        MemberAnswer.Vector vector => vector.Field,
        _ => "outputs",
    };
}
