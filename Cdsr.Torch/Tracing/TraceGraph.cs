using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Tracing;

/// <summary>Where a traced value comes from.</summary>
public enum TraceValueKind
{
    /// <summary>A tensor passed to <see cref="Tracer.Trace"/> as a named input.</summary>
    Input,
    /// <summary>A module parameter or buffer (named by its dotted state_dict name).</summary>
    Parameter,
    /// <summary>A tensor computed from no traced value (e.g. <c>arange(L)</c>, a causal mask): its value is frozen.</summary>
    Constant,
    /// <summary>The output of a recorded op.</summary>
    Intermediate,
}

/// <summary>
/// One value of a traced graph. <see cref="Shape"/> is the shape seen while tracing (a consumer decides which axes are
/// dynamic); <see cref="Data"/> holds the elements of parameters and constants (float[], double[], long[], int[] or
/// bool[], row-major), null for inputs and intermediates.
/// </summary>
public sealed record TraceValue(int Id, string Name, TraceValueKind Kind, ScalarType DType, long[] Shape, Array? Data)
{
    public override string ToString() => $"{Name}: {DType}[{string.Join(", ", Shape)}] ({Kind})";
}

/// <summary>
/// One recorded operation: <see cref="Op"/> is the binding's method name ("bmm", "mul_scalar", "layer_norm",
/// "multi_head_attention", "gru"), <see cref="Inputs"/> value ids (-1 = optional input absent), <see cref="Outputs"/>
/// value ids, and the op's non-tensor arguments as integers and reals in the order the op documents.
/// </summary>
public sealed record TraceNode(string Op, IReadOnlyList<int> Inputs, IReadOnlyList<int> Outputs, IReadOnlyList<long> Ints,
    IReadOnlyList<double> Reals)
{
    public override string ToString() => $"{Op}({string.Join(", ", Inputs)}) -> {string.Join(", ", Outputs)}";
}

/// <summary>A recorded forward pass: values, the ops in execution (hence topological) order, and the named outputs.</summary>
public sealed class TraceGraph
{
    internal TraceGraph(IReadOnlyList<TraceValue> values, IReadOnlyList<TraceNode> nodes, IReadOnlyList<(string Name, int Value)> outputs)
    {
        Values = values;
        Nodes = nodes;
        Outputs = outputs;
    }

    public IReadOnlyList<TraceValue> Values { get; }
    public IReadOnlyList<TraceNode> Nodes { get; }
    public IReadOnlyList<(string Name, int Value)> Outputs { get; }

    public IEnumerable<TraceValue> Inputs => Values.Where(v => v.Kind == TraceValueKind.Input);

    public TraceValue this[int id] => Values[id];

    public override string ToString() =>
        string.Join("\n", Values.Where(v => v.Kind != TraceValueKind.Intermediate).Select(v => v.ToString())
            .Concat(Nodes.Select(n => n.ToString()))
            .Concat(Outputs.Select(o => $"output {o.Name} = {o.Value}")));
}

/// <summary>Tracing met something it cannot record faithfully (an op without a mapping, a training-only op, ...).</summary>
public sealed class TraceException(string message) : Exception(message);
