namespace Cdsr.Onnx.Model;

/// <summary>
/// Builds an <see cref="OnnxModel"/> node by node. Values are referred to by name; <see cref="Node"/> invents
/// unique output names when none are given, so a forward pass can be written as a chain of calls:
/// <code>
/// var g = new OnnxGraphBuilder("scorer");
/// var x = g.Input("x", OnnxElementType.Float32, "batch", 4);      // [B, 4]
/// var w = g.Initializer(OnnxTensor.FromFloats("w", weights, 4, 3)); // [4, 3]
/// var y = g.Node("Relu", g.Node("MatMul", x, w));                  // [B, 3]
/// g.Output(y, OnnxElementType.Float32, "batch", 3);
/// OnnxModel model = g.Build();                                      // validated
/// </code>
/// </summary>
public sealed class OnnxGraphBuilder(string graphName, long opset = OnnxModel.DefaultOpset)
{
    private readonly List<OnnxValueInfo> _inputs = [];
    private readonly List<OnnxValueInfo> _outputs = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly List<OnnxNode> _nodes = [];
    private readonly Dictionary<string, long> _opsets = new() { [""] = opset };
    private readonly Dictionary<string, string> _metadata = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _counter;

    /// <summary>Declares a graph input; dims are sizes (long) or dynamic axis names (string).</summary>
    public string Input(string name, OnnxElementType type, params OnnxDim[] shape)
    {
        _inputs.Add(new OnnxValueInfo(name, type, shape));
        _names.Add(name);
        return name;
    }

    /// <summary>Adds a constant weight tensor; returns its name.</summary>
    public string Initializer(OnnxTensor tensor)
    {
        _initializers.Add(tensor);
        _names.Add(tensor.Name);
        return tensor.Name;
    }

    /// <summary>Adds a float32 initializer under a fresh name derived from <paramref name="hint"/>.</summary>
    public string Constant(string hint, ReadOnlySpan<float> data, params long[] dims) =>
        Initializer(OnnxTensor.FromFloats(Fresh(hint), data, dims));

    /// <summary>Adds an int64 initializer under a fresh name derived from <paramref name="hint"/>.</summary>
    public string Constant(string hint, ReadOnlySpan<long> data, params long[] dims) =>
        Initializer(OnnxTensor.FromInt64s(Fresh(hint), data, dims));

    /// <summary>Adds a single-output node; returns the output name.</summary>
    public string Node(string opType, params string[] inputs) => Node(opType, inputs, 1)[0];

    /// <summary>Adds a single-output node with attributes; returns the output name.</summary>
    public string Node(string opType, string[] inputs, params OnnxAttribute[] attributes) =>
        Node(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> freshly named outputs; returns their names.</summary>
    public string[] Node(string opType, string[] inputs, int outputCount, params OnnxAttribute[] attributes)
    {
        var outputs = new string[outputCount];
        for (int i = 0; i < outputCount; i++) outputs[i] = Fresh($"{opType}_out");
        AddNode(opType, inputs, outputs, attributes);
        return outputs;
    }

    /// <summary>Adds a node with caller-chosen output names (e.g. to name a graph output directly).</summary>
    public void AddNode(string opType, string[] inputs, string[] outputs, OnnxAttribute[]? attributes = null, string domain = "")
    {
        foreach (var o in outputs) _names.Add(o);
        _nodes.Add(new OnnxNode($"{opType}_{_nodes.Count}", opType, inputs, outputs, attributes ?? [], domain));
    }

    /// <summary>Declares <paramref name="name"/> (an existing value) a graph output with its type and shape.</summary>
    public string Output(string name, OnnxElementType type, params OnnxDim[] shape)
    {
        _outputs.Add(new OnnxValueInfo(name, type, shape));
        return name;
    }

    /// <summary>Imports an operator set for a non-default domain (e.g. "com.microsoft").</summary>
    public OnnxGraphBuilder Opset(string domain, long version) { _opsets[domain] = version; return this; }

    /// <summary>Adds a model metadata entry (ModelProto.metadata_props).</summary>
    public OnnxGraphBuilder Metadata(string key, string value) { _metadata[key] = value; return this; }

    /// <summary>Returns a name not used yet, derived from <paramref name="hint"/>.</summary>
    public string Fresh(string hint)
    {
        string name;
        do name = $"{hint}_{_counter++}"; while (_names.Contains(name));
        _names.Add(name);
        return name;
    }

    /// <summary>Snapshots the graph into a model and validates it (throws <see cref="OnnxModelException"/>).</summary>
    public OnnxModel Build(long irVersion = OnnxModel.DefaultIrVersion)
    {
        var m = new OnnxModel(graphName, [.. _inputs], [.. _outputs], [.. _initializers], [.. _nodes],
            new Dictionary<string, long>(_opsets), irVersion, Metadata: new Dictionary<string, string>(_metadata));
        OnnxValidator.ThrowIfInvalid(m);
        return m;
    }
}
