using Inference.Contracts;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Service;

/// <summary>Runs prepared images through their model: stacked into one batch when the model allows it, or alone.</summary>
internal static class MicroBatch
{
    /// <summary>The output that /predict turns into its answer.</summary>
    public static string OutputName(ModelDefinition definition) =>
        definition.Config.Postprocessing?.Output ?? definition.Outputs[0].Name;

    /// <summary>
    /// True when the input's and the answered output's first dimension is dynamic (-1) and both are FP32, so images can be
    /// stacked along it and the output split back per image.
    /// </summary>
    public static bool CanStack(ModelDefinition definition)
    {
        var input = definition.Inputs[0];
        var outputName = OutputName(definition);
        var output = definition.Outputs.FirstOrDefault(o => o.Name == outputName);
        return input.Shape is [-1, ..] && input.Datatype == TensorDatatype.FP32
            && output is { Shape: [-1, ..], Datatype: TensorDatatype.FP32 };
    }

    /// <returns>The answered output; the caller disposes it.</returns>
    public static IReadOnlyList<OrtValue> RunOne(PreparedImage image, CancellationToken cancellationToken)
    {
        var definition = image.Model.Definition;
        var outputs = image.Model.Run([definition.Inputs[0].Name], [image.Input], [OutputName(definition)], cancellationToken);
        return [outputs[0]];
    }

    /// <returns>One output per image, each shaped with a batch of 1; the caller disposes them.</returns>
    public static IReadOnlyList<OrtValue> RunStacked(IReadOnlyList<PreparedImage> images, CancellationToken cancellationToken)
    {
        var model = images[0].Model;
        var definition = model.Definition;
        var itemShape = images[0].Input.GetTensorTypeAndShape().Shape;
        var itemLength = checked((int)ShapeSize(itemShape));
        var stacked = new float[itemLength * images.Count];
        for (var k = 0; k < images.Count; k++)
        {
            var input = images[k].Input.GetTensorDataAsSpan<float>();
            if (input.Length != itemLength)
            {
                throw new InvalidOperationException($"Image {k} of the batch has {input.Length} input values, not {itemLength} like the first.");
            }

            input.CopyTo(stacked.AsSpan(k * itemLength));
        }

        long[] batchShape = [images.Count, .. itemShape[1..]];
        using var batchInput = OrtValue.CreateTensorValueFromMemory(stacked, batchShape);
        using var outputs = model.Run([definition.Inputs[0].Name], [batchInput], [OutputName(definition)], cancellationToken);
        return Split(outputs[0], images.Count);
    }

    private static OrtValue[] Split(OrtValue batchOutput, int count)
    {
        var shape = batchOutput.GetTensorTypeAndShape().Shape;
        if (shape.Length == 0 || shape[0] != count)
        {
            throw new InvalidOperationException($"The model answered a batch of {count} with an output of shape [{string.Join(",", shape)}].");
        }

        var values = batchOutput.GetTensorDataAsSpan<float>();
        var itemLength = values.Length / count;
        long[] itemShape = [1, .. shape[1..]];
        var items = new OrtValue[count];
        for (var k = 0; k < count; k++)
        {
            items[k] = OrtValue.CreateTensorValueFromMemory(values.Slice(k * itemLength, itemLength).ToArray(), itemShape);
        }

        return items;
    }

    private static long ShapeSize(long[] shape) => shape.Aggregate(1L, (size, dimension) => checked(size * dimension));
}
