using System.Text.Json;
using Inference.Contracts;

namespace Inference.Protocol;

/// <summary>Converts one JSON element of a tensor's "data" to its element type, or refuses it with a 400.</summary>
internal interface IElementParser<T>
    where T : unmanaged
{
    static abstract T Parse(JsonElement element, ModelTensor spec, int index);
}

internal readonly struct Fp32Parser : IElementParser<float>
{
    public static float Parse(JsonElement element, ModelTensor spec, int index)
    {
        var value = (float)FloatingPoint.Parse(element, spec, index);
        return float.IsFinite(value) || spec.AllowNonFinite
            ? value
            : throw FloatingPoint.NonFinite(spec, index, "overflows FP32");
    }
}

internal readonly struct Fp64Parser : IElementParser<double>
{
    public static double Parse(JsonElement element, ModelTensor spec, int index) => FloatingPoint.Parse(element, spec, index);
}

internal readonly struct Int32Parser : IElementParser<int>
{
    public static int Parse(JsonElement element, ModelTensor spec, int index) =>
        Integer.RequireNumber(element, spec, index).TryGetInt32(out var value)
            ? value
            : throw Integer.OutOfRange(spec, index, "INT32");
}

internal readonly struct Int64Parser : IElementParser<long>
{
    public static long Parse(JsonElement element, ModelTensor spec, int index) =>
        Integer.RequireNumber(element, spec, index).TryGetInt64(out var value)
            ? value
            : throw Integer.OutOfRange(spec, index, "INT64");
}

file static class FloatingPoint
{
    /// <summary>Numbers, plus the strings "NaN", "Infinity" and "-Infinity" that some clients send for non-finite values.</summary>
    public static double Parse(JsonElement element, ModelTensor spec, int index)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            // TryGetDouble refuses numbers that overflow to ±Infinity.
            return element.TryGetDouble(out var value) ? value : NonFiniteOrThrow(double.PositiveInfinity, spec, index, "overflows FP64");
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            switch (element.GetString())
            {
                case "NaN": return NonFiniteOrThrow(double.NaN, spec, index, "is NaN");
                case "Infinity": return NonFiniteOrThrow(double.PositiveInfinity, spec, index, "is Infinity");
                case "-Infinity": return NonFiniteOrThrow(double.NegativeInfinity, spec, index, "is -Infinity");
            }
        }

        throw ApiException.BadRequest(ErrorCodes.InvalidData,
            $"Input '{spec.Name}': data element {index} is {Describe(element)}, not a number.");
    }

    public static ApiException NonFinite(ModelTensor spec, int index, string what) =>
        ApiException.BadRequest(ErrorCodes.NonFiniteValue,
            $"Input '{spec.Name}': data element {index} {what}; this model accepts only finite numbers.");

    private static double NonFiniteOrThrow(double value, ModelTensor spec, int index, string what) =>
        spec.AllowNonFinite ? value : throw NonFinite(spec, index, what);

    internal static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        _ => element.ValueKind.ToString(),
    };
}

file static class Integer
{
    public static JsonElement RequireNumber(JsonElement element, ModelTensor spec, int index) =>
        element.ValueKind == JsonValueKind.Number
            ? element
            : throw ApiException.BadRequest(ErrorCodes.InvalidData,
                $"Input '{spec.Name}': data element {index} is {FloatingPoint.Describe(element)}, not an integer.");

    public static ApiException OutOfRange(ModelTensor spec, int index, string datatype) =>
        ApiException.BadRequest(ErrorCodes.ValueOutOfRange,
            $"Input '{spec.Name}': data element {index} is not a whole number within the {datatype} range.");
}
