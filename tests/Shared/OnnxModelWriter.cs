using System.Text;

namespace TestModels;

/// <summary>
/// Writes small ONNX models (the protobuf wire format of onnx.proto, by hand) for tests that need a graph no bundled
/// model has. Only the fields used here are supported.
/// </summary>
internal static class OnnxModelWriter
{
    internal const int Float = 1;
    internal const int Int64 = 7;

    /// <summary>
    /// A dynamic-batch "classifier" whose run fails when any value of the whole batch is 2 or more: input <c>x</c>
    /// f32[N,3,4,4], output <c>y</c> f32[N,3] = the per-channel means plus <c>table[(long)max(x)]</c>, where the table has
    /// two entries, so a batch holding a value ≥ 2 makes the Gather index run out of range. It models a real failure of a
    /// whole micro-batch's run caused by one item in it.
    /// </summary>
    public static byte[] FailsOnLargeValues()
    {
        var graph = new Message()
            .Add(1, Node("ReduceMax", ["x"], ["max"], Attribute("keepdims", 0)))
            .Add(1, Node("Cast", ["max"], ["index"], Attribute("to", Int64)))
            .Add(1, Node("Gather", ["table", "index"], ["offset"]))
            .Add(1, Node("ReduceMean", ["x"], ["means"], Attribute("axes", [2, 3]), Attribute("keepdims", 0)))
            .Add(1, Node("Add", ["means", "offset"], ["y"]))
            .Add(2, "fails-on-large-values")
            .Add(5, new Message().Varint(1, 2).Varint(2, Float).Add(4, PackedFloats(0f, 0f)).Add(8, "table"))
            .Add(11, Value("x", "N", 3, 4, 4))
            .Add(12, Value("y", "N", 3));
        return ModelOf(graph);
    }

    /// <summary>A ModelProto around <paramref name="graph"/>: IR version 8, opset 13.</summary>
    private static byte[] ModelOf(Message graph) => new Message()
        .Varint(1, 8)
        .Add(2, "inference-tests")
        .Add(7, graph)
        .Add(8, new Message().Add(1, "").Varint(2, 13))
        .ToArray();

    /// <summary>
    /// A model with two dynamic dimensions: input <c>x</c> f32[N,M], output <c>y</c> f32[N] = the mean of each row. A request
    /// chooses both sizes, so it can declare a shape whose element count overflows 64 bits.
    /// </summary>
    public static byte[] RowMeans()
    {
        var graph = new Message()
            .Add(1, Node("ReduceMean", ["x"], ["y"], Attribute("axes", [1]), Attribute("keepdims", 0)))
            .Add(2, "row-means")
            .Add(11, Value("x", "N", "M"))
            .Add(12, Value("y", "N"));
        return ModelOf(graph);
    }

    /// <summary>
    /// A model whose run takes time in proportion to its batch: input <c>x</c> f32[N,3,4,4], output <c>y</c> f32[N,3] = the
    /// per-channel means. Each item's 48 values also go through <paramref name="matMuls"/> products with a zero 1000×1000
    /// matrix (about 2 MFLOP per item each), which add nothing to the answer: a batch of 1 answers in a moment, a batch of
    /// 1000 keeps a vCPU busy for many seconds, one operator of tens of milliseconds after another.
    /// </summary>
    public static byte[] CostPerItem(int matMuls)
    {
        var graph = new Message()
            .Add(1, Node("ReduceMean", ["x"], ["means"], Attribute("axes", [2, 3]), Attribute("keepdims", 0)))
            .Add(1, Node("Reshape", ["x", "flat"], ["rows"]))
            .Add(1, NamedNode("w0", "Expand", ["zero", "narrow"], ["w0"]))
            .Add(1, NamedNode("w", "Expand", ["zero", "square"], ["w"]))
            .Add(1, NamedNode("m0", "MatMul", ["rows", "w0"], ["m0"]));
        for (var i = 1; i <= matMuls; i++)
        {
            graph.Add(1, NamedNode($"m{i}", "MatMul", [$"m{i - 1}", "w"], [$"m{i}"]));
        }

        graph.Add(1, Node("ReduceSum", [$"m{matMuls}"], ["total"], Attribute("keepdims", 0)))
            .Add(1, Node("Add", ["means", "total"], ["y"]))
            .Add(2, "cost-per-item")
            .Add(5, new Message().Varint(2, Float).Add(4, PackedFloats(0f)).Add(8, "zero"))
            .Add(5, Int64Tensor("flat", -1, 48))
            .Add(5, Int64Tensor("narrow", 48, 1000))
            .Add(5, Int64Tensor("square", 1000, 1000))
            .Add(11, Value("x", "N", 3, 4, 4))
            .Add(12, Value("y", "N", 3));
        return ModelOf(graph);
    }

    /// <summary>A one-dimensional INT64 initializer.</summary>
    internal static Message Int64Tensor(string name, params long[] values)
    {
        var tensor = new Message().Varint(1, values.Length).Varint(2, Int64);
        foreach (var value in values)
        {
            tensor.Varint(7, value);
        }

        return tensor.Add(8, name);
    }

    internal static Message Node(string op, string[] inputs, string[] outputs, params Message[] attributes) =>
        NamedNode(op.ToLowerInvariant(), op, inputs, outputs, attributes);

    /// <summary>A node with a name of its own: a graph with two nodes of one operator needs it (names must be unique).</summary>
    internal static Message NamedNode(string name, string op, string[] inputs, string[] outputs, params Message[] attributes)
    {
        var node = new Message();
        foreach (var input in inputs)
        {
            node.Add(1, input);
        }

        foreach (var output in outputs)
        {
            node.Add(2, output);
        }

        node.Add(3, name).Add(4, op);
        foreach (var attribute in attributes)
        {
            node.Add(5, attribute);
        }

        return node;
    }

    internal static Message Attribute(string name, long value) => new Message().Add(1, name).Varint(3, value).Varint(20, 2); // INT

    internal static Message Attribute(string name, long[] values)
    {
        var attribute = new Message().Add(1, name);
        foreach (var value in values)
        {
            attribute.Varint(8, value);
        }

        return attribute.Varint(20, 7); // INTS
    }

    /// <summary>A float tensor's name, element type and shape; a string dimension is symbolic (dynamic).</summary>
    internal static Message Value(string name, params object[] shape)
    {
        var dims = new Message();
        foreach (var dimension in shape)
        {
            dims.Add(1, dimension is string symbol ? new Message().Add(2, symbol) : new Message().Varint(1, (int)dimension));
        }

        var tensorType = new Message().Varint(1, Float).Add(2, dims);
        return new Message().Add(1, name).Add(2, new Message().Add(1, tensorType));
    }

    internal static byte[] PackedFloats(params float[] values) => [.. values.SelectMany(BitConverter.GetBytes)];

    /// <summary>One protobuf message: fields in the order they are added.</summary>
    internal sealed class Message
    {
        private readonly MemoryStream _bytes = new();

        public Message Varint(int field, long value)
        {
            Key(field, 0);
            Write((ulong)value);
            return this;
        }

        public Message Add(int field, string value) => Add(field, Encoding.UTF8.GetBytes(value));

        public Message Add(int field, Message value) => Add(field, value.ToArray());

        public Message Add(int field, byte[] value)
        {
            Key(field, 2);
            Write((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        public byte[] ToArray() => _bytes.ToArray();

        private void Key(int field, int wireType) => Write((ulong)((field << 3) | wireType));

        private void Write(ulong value)
        {
            do
            {
                var next = (byte)(value & 0x7F);
                value >>= 7;
                _bytes.WriteByte(value == 0 ? next : (byte)(next | 0x80));
            }
            while (value != 0);
        }
    }
}
