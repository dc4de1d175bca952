using System.Text.Json;
using Inference.Protocol;

namespace Inference.Ensembles;

/// <summary>The ensemble's JSON bodies (documented in functions/README.md, "Ensembles").</summary>
public static class EnsembleBodies
{
    public static ReadOnlyMemory<byte> Metadata(EnsembleDefinition ensemble) => JsonBody.WriteObject(w =>
    {
        w.WriteString("name", ensemble.Name);
        w.WriteString("platform", "ensemble");
        w.WriteString("combine", Name(ensemble.Combine));
        w.WriteStartArray("members");
        foreach (var member in ensemble.Members)
        {
            w.WriteStartObject();
            w.WriteString("model", member.Model);
            w.WriteNumber("weight", member.Weight);
            w.WriteNumber("timeoutMs", member.Timeout.TotalMilliseconds);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    public static ReadOnlyMemory<byte> Readiness(EnsembleDefinition ensemble, bool ready, IReadOnlyDictionary<string, bool> members) => JsonBody.WriteObject(w =>
    {
        w.WriteString("name", ensemble.Name);
        w.WriteBoolean("ready", ready);
        w.WriteStartObject("members");
        foreach (var (model, memberReady) in members)
        {
            w.WriteBoolean(model, memberReady);
        }

        w.WriteEndObject();
    });

    /// <summary>The combined answer without its <c>id</c> (added last, as on every answer of the function).</summary>
    public static ReadOnlyMemory<byte> Answer(EnsembleDefinition ensemble, CombinedAnswer combined, IReadOnlyList<MemberOutcome> outcomes) => JsonBody.WriteObject(w =>
    {
        w.WriteString("model_name", ensemble.Name);
        w.WriteString("combine", Name(ensemble.Combine));
        switch (combined.Answer)
        {
            case MemberAnswer.Classes classes:
                w.WriteStartArray("predictions");
                foreach (var prediction in classes.Predictions)
                {
                    w.WriteStartObject();
                    w.WriteString("label", prediction.Label);
                    w.WriteNumber("index", prediction.Index);
                    w.WritePropertyName("score");
                    JsonBody.WriteFloat(w, prediction.Score);
                    if (combined.Voters.TryGetValue(prediction.Label, out var voters))
                    {
                        WriteStrings(w, "votes", voters);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                break;
            case MemberAnswer.Vector vector:
                w.WriteStartArray(vector.Field);
                foreach (var value in vector.Values)
                {
                    JsonBody.WriteFloat(w, value);
                }

                w.WriteEndArray();
                break;
            case MemberAnswer.Tensors tensors:
                w.WriteStartArray("outputs");
                foreach (var tensor in tensors.Outputs)
                {
                    w.WriteStartObject();
                    w.WriteString("name", tensor.Name);
                    w.WriteString("datatype", tensor.Datatype);
                    w.WriteStartArray("shape");
                    foreach (var dimension in tensor.Shape)
                    {
                        w.WriteNumberValue(dimension);
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("data");
                    foreach (var value in tensor.Data)
                    {
                        if (tensor.Datatype == "FP32")
                        {
                            JsonBody.WriteFloat(w, (float)value);
                        }
                        else
                        {
                            JsonBody.WriteFloat(w, value);
                        }
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                break;
        }

        WriteMembers(w, ensemble, outcomes);
    });

    /// <summary>The function's error shape, <c>{"error","code"}</c>, with each member's outcome added.</summary>
    public static ReadOnlyMemory<byte> Error(string code, string message, IReadOnlyList<MemberOutcome> outcomes) => JsonBody.WriteObject(w =>
    {
        w.WriteString("error", message);
        w.WriteString("code", code);
        w.WriteStartArray("failed");
        foreach (var outcome in outcomes)
        {
            WriteFailure(w, outcome);
        }

        w.WriteEndArray();
    });

    private static void WriteMembers(Utf8JsonWriter w, EnsembleDefinition ensemble, IReadOnlyList<MemberOutcome> outcomes)
    {
        var answered = outcomes.Where(o => o.Answered).ToArray();
        w.WriteStartObject("ensemble");
        w.WriteBoolean("degraded", answered.Length < outcomes.Count);
        w.WriteNumber("answeredWeight", answered.Sum(o => o.Member.Weight));
        w.WriteNumber("totalWeight", ensemble.TotalWeight);
        w.WriteStartArray("answered");
        foreach (var outcome in answered)
        {
            w.WriteStartObject();
            w.WriteString("model", outcome.Member.Model);
            if (outcome.ModelVersion is not null)
            {
                w.WriteString("version", outcome.ModelVersion);
            }

            w.WriteNumber("weight", outcome.Member.Weight);
            w.WriteNumber("latencyMs", Math.Round(outcome.LatencyMs, 3));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("failed");
        foreach (var outcome in outcomes.Where(o => !o.Answered))
        {
            WriteFailure(w, outcome);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteFailure(Utf8JsonWriter w, MemberOutcome outcome)
    {
        w.WriteStartObject();
        w.WriteString("model", outcome.Member.Model);
        w.WriteNumber("weight", outcome.Member.Weight);
        w.WriteNumber("status", outcome.Status);
        w.WriteString("code", outcome.Code);
        w.WriteString("error", outcome.Error);
        w.WriteNumber("latencyMs", Math.Round(outcome.LatencyMs, 3));
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    public static string Name(EnsembleCombine combine) => combine == EnsembleCombine.Vote ? "vote" : "average";
}
