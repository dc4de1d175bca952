using Google.Protobuf;
using Onnx;

namespace Infra.Quantization;

/// <summary>Reads float initializers and makes the integer and float tensors that quantization adds.</summary>
internal static class Tensors
{
    public static bool IsFloat(TensorProto tensor) => tensor.DataType == (int)TensorProto.Types.DataType.Float;

    public static float[] ReadFloats(TensorProto tensor)
    {
        if (!IsFloat(tensor))
        {
            throw new QuantizationException($"initializer '{tensor.Name}' has element type {(TensorProto.Types.DataType)tensor.DataType}, not FLOAT");
        }

        var count = tensor.Dims.Aggregate(1L, (a, d) => a * d);
        float[] values;
        if (tensor.HasRawData)
        {
            var raw = tensor.RawData.Span;
            values = new float[raw.Length / sizeof(float)];
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).CopyTo(values);
        }
        else
        {
            values = [.. tensor.FloatData];
        }

        return values.Length == count
            ? values
            : throw new QuantizationException($"initializer '{tensor.Name}' holds {values.Length} values for dims [{string.Join(",", tensor.Dims)}]");
    }

    /// <summary>An INT64 tensor's values (e.g. a Reshape's target shape), from raw data or the typed field.</summary>
    public static long[] ReadInt64s(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Int64)
        {
            throw new QuantizationException($"tensor '{tensor.Name}' has element type {(TensorProto.Types.DataType)tensor.DataType}, not INT64");
        }

        return tensor.HasRawData
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray()
            : [.. tensor.Int64Data];
    }

    /// <summary>Replaces an INT64 tensor's values, keeping the encoding (raw or typed) it had.</summary>
    public static void WriteInt64s(TensorProto tensor, long[] values)
    {
        if (tensor.HasRawData)
        {
            tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            tensor.Int64Data.Clear();
            tensor.Int64Data.AddRange(values);
        }
    }

    public static TensorProto Floats(string name, float[] values, params long[] dims) =>
        Raw(name, TensorProto.Types.DataType.Float, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public static TensorProto Int8(string name, sbyte[] values, params long[] dims) =>
        Raw(name, TensorProto.Types.DataType.Int8, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public static TensorProto UInt8(string name, byte[] values, params long[] dims) =>
        Raw(name, TensorProto.Types.DataType.Uint8, values, dims);

    public static TensorProto Int32(string name, int[] values, params long[] dims) =>
        Raw(name, TensorProto.Types.DataType.Int32, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()), dims);

    private static TensorProto Raw(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
