namespace Inference.Contracts;

/// <summary>The Open Inference Protocol datatypes this service can carry, with their ONNX element types.</summary>
public enum TensorDatatype
{
    FP32,
    FP64,
    INT32,
    INT64,
}

public static class TensorDatatypes
{
    public const string AllowedList = "FP32, FP64, INT32, INT64";

    public static bool TryParse(string? text, out TensorDatatype datatype)
    {
        switch (text)
        {
            case "FP32": datatype = TensorDatatype.FP32; return true;
            case "FP64": datatype = TensorDatatype.FP64; return true;
            case "INT32": datatype = TensorDatatype.INT32; return true;
            case "INT64": datatype = TensorDatatype.INT64; return true;
            default: datatype = default; return false;
        }
    }

    public static string ToProtocolName(this TensorDatatype datatype) => datatype switch
    {
        TensorDatatype.FP32 => "FP32",
        TensorDatatype.FP64 => "FP64",
        TensorDatatype.INT32 => "INT32",
        TensorDatatype.INT64 => "INT64",
        _ => throw new ArgumentOutOfRangeException(nameof(datatype), datatype, null),
    };

    public static bool IsFloatingPoint(this TensorDatatype datatype) =>
        datatype is TensorDatatype.FP32 or TensorDatatype.FP64;
}
