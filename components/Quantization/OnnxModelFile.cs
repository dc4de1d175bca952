using Google.Protobuf;
using Onnx;

namespace Infra.Quantization;

/// <summary>Reads and writes ONNX files through the generated protobuf classes of the ONNX schema.</summary>
internal static class OnnxModelFile
{
    /// <summary>Larger files need ONNX's external-data format, which this tool does not write.</summary>
    private const long MaxProtobufBytes = int.MaxValue;

    public static ModelProto Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new QuantizationException($"{path}: no such file; an FP32 ONNX model is required");
        }

        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Length > MaxProtobufBytes)
            {
                throw new QuantizationException($"{path}: {stream.Length} bytes is above protobuf's 2 GiB limit; models with external data are not supported");
            }

            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new QuantizationException($"{path}: not an ONNX file (it does not parse as an ONNX ModelProto: {error.Message})", error);
        }

        // Protobuf parses many non-ONNX byte strings without error; a model has at least a graph with a node and an opset.
        if (model.Graph is null || model.Graph.Node.Count == 0 || model.OpsetImport.Count == 0 || model.IrVersion <= 0)
        {
            throw new QuantizationException($"{path}: not an ONNX model (no graph, nodes, IR version or opset import)");
        }

        if (model.Graph.Initializer.Any(t => t.DataLocation == TensorProto.Types.DataLocation.External))
        {
            throw new QuantizationException($"{path}: stores weights as external data, which is not supported; save the model as one file");
        }

        return model;
    }

    public static void Save(ModelProto model, string path)
    {
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            model.WriteTo(stream);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The version of the default ONNX operator set the model imports.</summary>
    public static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version
        ?? throw new QuantizationException("the model imports no version of the default ONNX operator set");
}
