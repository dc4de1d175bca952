using Onnx;

namespace Infra.Quantization;

/// <summary>
/// Makes an exported graph's batch dimension dynamic: the first dimension of every graph input and output becomes the
/// symbolic <see cref="DimensionName"/>, a Reshape whose constant target shape spells the old batch size takes it from its
/// input instead, and the recorded intermediate shapes (value_info, which spell the old batch too) are dropped for the
/// runtime to infer again. Exporters such as CNTK's write batch 1 into all of these; ONNX Runtime then refuses any other.
/// </summary>
internal static class DynamicBatchRewriter
{
    public const string DimensionName = "batch";

    /// <summary>Rewrites <paramref name="model"/> in place; returns one line per change, empty when the batch was already dynamic.</summary>
    public static IReadOnlyList<string> Rewrite(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var changes = new List<string>();
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var boundaries = graph.Input.Where(i => !initializers.Contains(i.Name)).Concat(graph.Output).ToList();
        var fixedSizes = boundaries.Select(FixedBatch).OfType<long>().Distinct().ToList();
        if (fixedSizes.Count > 1)
        {
            throw new QuantizationException($"the graph's inputs and outputs disagree on the batch size ({string.Join(", ", fixedSizes)}); no single first dimension to make dynamic");
        }

        if (fixedSizes.Count == 0)
        {
            return changes;
        }

        var batch = fixedSizes[0];
        foreach (var value in boundaries.Where(v => FixedBatch(v) == batch))
        {
            var first = value.Type.TensorType.Shape.Dim[0];
            first.DimParam = DimensionName; // the oneof: setting dim_param clears dim_value
            changes.Add($"{value.Name}: first dimension {batch} -> '{DimensionName}'");
        }

        var editor = new GraphEditor(graph);
        foreach (var reshape in graph.Node.Where(n => n.OpType == "Reshape" && n.Input.Count == 2))
        {
            if (RewriteReshapeTarget(editor, reshape, batch) is { } change)
            {
                changes.Add(change);
            }
        }

        if (graph.ValueInfo.Count > 0)
        {
            changes.Add($"dropped {graph.ValueInfo.Count} recorded intermediate shapes (value_info) that spell batch {batch}; the runtime infers them");
            graph.ValueInfo.Clear();
        }

        return changes;
    }

    /// <summary>The fixed first dimension of a tensor value, or null when it is symbolic, unknown or the value is a scalar.</summary>
    private static long? FixedBatch(ValueInfoProto value) =>
        value.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape && shape.Dim[0].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue
            ? shape.Dim[0].DimValue
            : null;

    /// <summary>
    /// A constant target shape that starts with the old batch size: -1 there when no other entry is -1 (the batch is what
    /// the element count leaves), else 0 (copy the input's first dimension; meaningful unless allowzero is set).
    /// </summary>
    private static string? RewriteReshapeTarget(GraphEditor editor, NodeProto reshape, long batch)
    {
        var shapeName = reshape.Input[1];
        var tensor = editor.Initializer(shapeName) ?? ConstantValue(editor.Producer(shapeName));
        if (tensor is null)
        {
            return null; // computed at run time (e.g. Shape → Gather → Concat): it follows the input's batch by itself
        }

        var target = Tensors.ReadInt64s(tensor);
        if (target.Length == 0 || target[0] != batch)
        {
            return null;
        }

        var others = editor.Consumers(shapeName).Where(n => !(n.OpType == "Reshape" && n.Input.Count == 2 && n.Input[1] == shapeName)).ToList();
        if (others.Count > 0 || editor.IsGraphOutput(shapeName))
        {
            throw new QuantizationException($"Reshape '{reshape.Name}': its target shape '{shapeName}' [{string.Join(",", target)}] is also read by " +
                $"{string.Join(", ", others.Select(n => $"{n.OpType} '{n.Name}'"))}; rewriting it for the batch would change them too");
        }

        var allowZero = GraphEditor.GetInt(reshape, "allowzero") == 1;
        var replacement = !target.Skip(1).Contains(-1) ? -1L : !allowZero ? 0L
            : throw new QuantizationException($"Reshape '{reshape.Name}': target [{string.Join(",", target)}] fixes the batch at {batch}, already infers another dimension (-1) and sets allowzero, so neither -1 nor 0 can stand for the batch");
        target[0] = replacement;
        Tensors.WriteInt64s(tensor, target);
        return $"Reshape '{reshape.Name}': target [{batch},{string.Join(",", target.Skip(1))}] -> [{string.Join(",", target)}]";
    }

    private static TensorProto? ConstantValue(NodeProto? producer) =>
        producer is { OpType: "Constant" } ? producer.Attribute.FirstOrDefault(a => a.Name == "value")?.T : null;
}
