using Onnx;

namespace Infra.Quantization;

/// <summary>Lookups over one ONNX graph while it is rewritten: initializers by name, producers and consumers of tensors.</summary>
internal sealed class GraphEditor(GraphProto graph)
{
    private int _nextName;

    public GraphProto Graph { get; } = graph;

    public TensorProto? Initializer(string name) => Graph.Initializer.FirstOrDefault(t => t.Name == name);

    public bool IsInitializer(string name) => Graph.Initializer.Any(t => t.Name == name);

    public NodeProto? Producer(string tensor) => Graph.Node.FirstOrDefault(n => n.Output.Contains(tensor));

    public List<NodeProto> Consumers(string tensor) => [.. Graph.Node.Where(n => n.Input.Contains(tensor))];

    public bool IsGraphOutput(string tensor) => Graph.Output.Any(o => o.Name == tensor);

    /// <summary>A tensor or node name not yet used in the graph, derived from <paramref name="stem"/>.</summary>
    public string UniqueName(string stem) => $"{stem}_q{_nextName++}";

    public void AddInitializer(TensorProto tensor) => Graph.Initializer.Add(tensor);

    /// <summary>Points every consumer input that reads <paramref name="from"/> at <paramref name="to"/>, except in <paramref name="except"/>.</summary>
    public void Rewire(string from, string to, NodeProto? except = null)
    {
        foreach (var node in Graph.Node)
        {
            if (ReferenceEquals(node, except))
            {
                continue;
            }

            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == from)
                {
                    node.Input[i] = to;
                }
            }
        }
    }

    public static NodeProto Node(string opType, string name, IEnumerable<string> inputs, IEnumerable<string> outputs, string domain = "")
    {
        var node = new NodeProto { OpType = opType, Name = name, Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static long? GetInt(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I;

    public static float? GetFloat(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.F;

    /// <summary>
    /// Removes initializers no node reads any more, the graph inputs that only declared initializers (IR &lt; 4 lists
    /// them there) and value_info of tensors that no longer exist, and sorts the nodes topologically.
    /// </summary>
    public void Tidy()
    {
        var used = Graph.Node.SelectMany(n => n.Input).Concat(Graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        var unused = Graph.Initializer.Where(t => !used.Contains(t.Name)).ToList();
        foreach (var tensor in unused)
        {
            Graph.Initializer.Remove(tensor);
        }

        var initializers = Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var input in Graph.Input.Where(i => initializers.Contains(i.Name) || !used.Contains(i.Name)).ToList())
        {
            Graph.Input.Remove(input);
        }

        var produced = Graph.Node.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        foreach (var info in Graph.ValueInfo.Where(v => !produced.Contains(v.Name)).ToList())
        {
            Graph.ValueInfo.Remove(info);
        }

        SortTopologically();
    }

    private void SortTopologically()
    {
        var available = Graph.Input.Select(i => i.Name).Concat(Graph.Initializer.Select(t => t.Name)).Append("").ToHashSet(StringComparer.Ordinal);
        var pending = Graph.Node.ToList();
        var sorted = new List<NodeProto>(pending.Count);
        while (pending.Count > 0)
        {
            var ready = pending.Where(n => n.Input.All(available.Contains)).ToList();
            if (ready.Count == 0)
            {
                throw new QuantizationException(
                    $"the rewritten graph has a node whose input is never produced: {pending[0].OpType} '{pending[0].Name}' reads {string.Join(", ", pending[0].Input.Where(i => !available.Contains(i)))}");
            }

            foreach (var node in ready)
            {
                sorted.Add(node);
                pending.Remove(node);
                available.UnionWith(node.Output);
            }
        }

        Graph.Node.Clear();
        Graph.Node.AddRange(sorted);
    }
}
