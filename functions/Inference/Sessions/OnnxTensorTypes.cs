using Inference.Contracts;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Inference.Sessions;

/// <summary>Maps model.json datatypes to ONNX Runtime's element types (kept here: the schema project has no ONNX Runtime).</summary>
public static class OnnxTensorTypes
{
    public static TensorElementType ToOnnx(this TensorDatatype datatype) => datatype switch
    {
        TensorDatatype.FP32 => TensorElementType.Float,
        TensorDatatype.FP64 => TensorElementType.Double,
        TensorDatatype.INT32 => TensorElementType.Int32,
        TensorDatatype.INT64 => TensorElementType.Int64,
        _ => throw new ArgumentOutOfRangeException(nameof(datatype), datatype, null),
    };

    /// <summary>The protocol name of an ONNX element type; the ONNX name for types model.json cannot declare.</summary>
    public static string ProtocolNameOf(TensorElementType type) => type switch
    {
        TensorElementType.Float => "FP32",
        TensorElementType.Double => "FP64",
        TensorElementType.Int32 => "INT32",
        TensorElementType.Int64 => "INT64",
        _ => type.ToString(),
    };
}
