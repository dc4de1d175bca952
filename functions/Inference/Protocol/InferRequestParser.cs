using System.Buffers;
using System.Text.Json;
using Inference.Contracts;

namespace Inference.Protocol;

/// <summary>
/// Reads an Open Inference Protocol v2 infer request body and checks it against the model: tensor names,
/// datatypes, shapes, data length and values. Every problem becomes an <see cref="ApiException"/> (400).
/// </summary>
public static class InferRequestParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    public static InferRequest Parse(ReadOnlyMemory<byte> body, ModelDefinition model)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidJson, $"The body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("The body must be a JSON object with an 'inputs' array.");
            }

            var id = OptionalString(root, "id", "'id'");
            RequireObjectIfPresent(root, "parameters", "'parameters'");
            var outputNames = ParseOutputs(root, model);
            if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() == 0)
            {
                throw Invalid("'inputs' must be a non-empty array of tensors.");
            }

            return new InferRequest(id, ParseInputs(inputs, model, body.Length), outputNames);
        }
    }

    private static PooledTensor[] ParseInputs(JsonElement inputs, ModelDefinition definition, int bodyLength)
    {
        var declared = definition.Inputs;
        var tensors = new PooledTensor?[declared.Count];
        try
        {
            var position = 0;
            foreach (var input in inputs.EnumerateArray())
            {
                var at = $"inputs[{position++}]";
                if (input.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid($"'{at}' must be an object with name, shape, datatype and data.");
                }

                var name = RequiredString(input, "name", at);
                var slot = IndexOf(declared, name);
                if (slot < 0)
                {
                    throw ApiException.BadRequestQuoting(ErrorCodes.UnknownInput, name, quoted =>
                        $"Input '{quoted}' is not an input of model '{definition.Name}'; its inputs are: {string.Join(", ", declared.Select(d => d.Name))}.");
                }

                if (tensors[slot] is not null)
                {
                    throw ApiException.BadRequestQuoting(ErrorCodes.DuplicateInput, name, quoted => $"Input '{quoted}' is given more than once.");
                }

                tensors[slot] = ParseTensor(input, declared[slot], at, bodyLength);
            }

            var missing = declared.Where((_, i) => tensors[i] is null).Select(d => d.Name).ToArray();
            if (missing.Length > 0)
            {
                throw ApiException.BadRequest(ErrorCodes.MissingInput,
                    $"Model '{definition.Name}' needs input(s) {string.Join(", ", missing)}, which the request does not give.");
            }

            return tensors!;
        }
        catch
        {
            foreach (var tensor in tensors)
            {
                tensor?.Dispose();
            }

            throw;
        }
    }

    private static PooledTensor ParseTensor(JsonElement input, ModelTensor spec, string at, int bodyLength)
    {
        var datatype = RequiredString(input, "datatype", at);
        if (datatype != spec.Datatype.ToProtocolName())
        {
            throw ApiException.BadRequestQuoting(ErrorCodes.DatatypeMismatch, datatype, quoted =>
                $"Input '{spec.Name}' has datatype {quoted}; the model expects {spec.Datatype.ToProtocolName()}.");
        }

        RequireObjectIfPresent(input, "parameters", $"'{at}.parameters'");
        var shape = ParseShape(input, spec, at);
        if (!input.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"'{at}.data' must be an array (flat or nested) of {datatype} values.");
        }

        // Each element takes at least two bytes ("0,"), so a shape beyond that cannot be matched by the body.
        var expected = ElementCount(spec, shape, bodyLength / 2 + 1);
        return spec.Datatype switch
        {
            TensorDatatype.FP32 => Fill<float, Fp32Parser>(data, spec, shape, expected),
            TensorDatatype.FP64 => Fill<double, Fp64Parser>(data, spec, shape, expected),
            TensorDatatype.INT32 => Fill<int, Int32Parser>(data, spec, shape, expected),
            TensorDatatype.INT64 => Fill<long, Int64Parser>(data, spec, shape, expected),
            _ => throw new InvalidOperationException($"datatype {spec.Datatype} has no parser"),
        };
    }

    private static long[] ParseShape(JsonElement input, ModelTensor spec, string at)
    {
        if (!input.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"'{at}.shape' must be an array of positive integers.");
        }

        var shape = new long[shapeElement.GetArrayLength()];
        var d = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var size) || size < 1)
            {
                throw ApiException.BadRequest(ErrorCodes.ShapeMismatch,
                    $"Input '{spec.Name}': shape[{d}] is {dim.GetRawText()}; dimensions must be positive integers.");
            }

            shape[d++] = size;
        }

        var compatible = shape.Length == spec.Shape.Length && shape.Zip(spec.Shape).All(p => p.Second == -1 || p.First == p.Second);
        if (!compatible)
        {
            throw ApiException.BadRequest(ErrorCodes.ShapeMismatch,
                $"Input '{spec.Name}' has shape [{string.Join(",", shape)}]; the model expects [{string.Join(",", spec.Shape)}] (-1 is any size).");
        }

        return shape;
    }

    /// <summary>
    /// The product of the dimensions, or <paramref name="limit"/> + 1 when it exceeds the limit. A product beyond 64 bits is
    /// refused as a shape no tensor can have: unchecked, [6, 3074457345618258603] would wrap to 2 and reach ONNX Runtime.
    /// </summary>
    private static int ElementCount(ModelTensor spec, long[] shape, int limit)
    {
        long count = 1;
        try
        {
            foreach (var size in shape)
            {
                count = checked(count * size);
            }
        }
        catch (OverflowException)
        {
            throw ApiException.BadRequest(ErrorCodes.ShapeMismatch,
                $"Input '{spec.Name}' has shape [{string.Join(",", shape)}]: its element count ({string.Join("×", shape)}) is beyond 2^63, more than any tensor holds.");
        }

        return count > limit ? limit + 1 : (int)count;
    }

    private static PooledTensor Fill<T, TParser>(JsonElement data, ModelTensor spec, long[] shape, int expected)
        where T : unmanaged
        where TParser : IElementParser<T>
    {
        var buffer = ArrayPool<T>.Shared.Rent(expected);
        try
        {
            var count = 0;
            Flatten<T, TParser>(data, spec, buffer, expected, ref count);
            if (count != expected)
            {
                throw LengthMismatch(spec, shape, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return PooledTensor.Create(buffer, expected, shape);
        }
        catch
        {
            ArrayPool<T>.Shared.Return(buffer);
            throw;
        }
    }

    private static void Flatten<T, TParser>(JsonElement array, ModelTensor spec, T[] buffer, int expected, ref int count)
        where T : unmanaged
        where TParser : IElementParser<T>
    {
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                Flatten<T, TParser>(element, spec, buffer, expected, ref count);
                continue;
            }

            if (count == expected)
            {
                throw LengthMismatch(spec, null, $"more than {expected}");
            }

            buffer[count] = TParser.Parse(element, spec, count);
            count++;
        }
    }

    private static ApiException LengthMismatch(ModelTensor spec, long[]? shape, string actual) =>
        ApiException.BadRequest(ErrorCodes.DataLengthMismatch,
            $"Input '{spec.Name}': data has {actual} elements" +
            (shape is null ? ", more than its shape allows." : $" but shape [{string.Join(",", shape)}] needs {string.Join("×", shape)}."));

    private static string[] ParseOutputs(JsonElement root, ModelDefinition model)
    {
        string[] all = [.. model.Outputs.Select(o => o.Name)];
        if (!root.TryGetProperty("outputs", out var outputs))
        {
            return all;
        }

        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("'outputs' must be an array of objects with a 'name'.");
        }

        var names = new List<string>();
        var i = 0;
        foreach (var output in outputs.EnumerateArray())
        {
            var at = $"outputs[{i++}]";
            if (output.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"'{at}' must be an object with a 'name'.");
            }

            var name = RequiredString(output, "name", at);
            RequireObjectIfPresent(output, "parameters", $"'{at}.parameters'");
            if (!all.Contains(name))
            {
                throw ApiException.BadRequestQuoting(ErrorCodes.UnknownOutput, name, quoted =>
                    $"Output '{quoted}' is not an output of model '{model.Name}'; its outputs are: {string.Join(", ", all)}.");
            }

            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        return names.Count > 0 ? [.. names] : all;
    }

    private static int IndexOf(IReadOnlyList<ModelTensor> tensors, string name)
    {
        for (var i = 0; i < tensors.Count; i++)
        {
            if (tensors[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static string RequiredString(JsonElement element, string property, string at) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Invalid($"'{at}.{property}' must be a non-empty string.");

    private static string? OptionalString(JsonElement element, string property, string described)
    {
        if (!element.TryGetProperty(property, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid($"{described} must be a string.");
    }

    private static void RequireObjectIfPresent(JsonElement element, string property, string described)
    {
        if (element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{described} must be an object.");
        }
    }

    private static ApiException Invalid(string message) => ApiException.BadRequest(ErrorCodes.InvalidRequest, message);
}
