using System.Runtime.InteropServices;
using Cdsr.Onnx.Model;
using Cdsr.Torch.Tracing;
using static Cdsr.Torch.torch;

namespace Cdsr.Onnx.Export;

/// <summary>A traced graph holds something ONNX (as mapped here) cannot express.</summary>
public sealed class OnnxExportException(string message) : Exception(message);

/// <summary>
/// A size that varies at run time: the trace saw <see cref="Example"/> as the size of <paramref name="Axis"/> of
/// input <paramref name="Input"/>. Shape arguments the model computed on the host from it (the sizes of
/// <c>view(b, c, -1)</c>, <c>expand(b, -1)</c>, <c>narrow(0, b, b)</c>) are read from the input's shape at run time instead.
/// Pick example sizes no model uses as a constant (e.g. 37 rows, 23 candidates) and verify the export at other sizes.
/// </summary>
public sealed record DynamicSize(long Example, string Input, int Axis);

/// <summary>
/// Turns a <see cref="TraceGraph"/> recorded by <see cref="Tracer"/> into an ONNX model (opset 17). Parameters become
/// initializers under their state_dict names, frozen constants become initializers named const_*, and every recorded op
/// becomes one or a few ONNX nodes. Composite libtorch ops are expanded: multi_head_attention into projections,
/// MatMul, masked Softmax (a query with no allowed key gets zeros, as the binding's kernel does) and the output
/// projection; gru into ONNX GRU nodes with the gates reordered from libtorch's (r, z, n) to ONNX's (z, r, h) and
/// linear_before_reset = 1, which is libtorch's formula. An op without a mapping is an <see cref="OnnxExportException"/>
/// naming it. Shapes: the caller names the dynamic axes of inputs and outputs; reshapes keep the sizes seen while
/// tracing except where a 0 (copy) or -1 (infer) is used or a <see cref="DynamicSize"/> names the size.
/// </summary>
public sealed class TraceToOnnx
{
    private const long Opset = 17;
    private readonly TraceGraph trace;
    private readonly OnnxGraphBuilder g;
    private readonly string?[] names;
    private IReadOnlyList<DynamicSize> dynamicSizes = [];
    private readonly Dictionary<DynamicSize, string> runtimeSizes = new();

    private TraceToOnnx(TraceGraph trace, string graphName)
    {
        this.trace = trace;
        g = new OnnxGraphBuilder(graphName, Opset);
        names = new string?[trace.Values.Count];
    }

    /// <summary>Converts <paramref name="trace"/>; <paramref name="shapes"/> gives each input's and output's ONNX shape
    /// (sizes and dynamic axis names) by name; <paramref name="metadata"/> goes to metadata_props.</summary>
    public static OnnxModel Convert(TraceGraph trace, string graphName, IReadOnlyDictionary<string, OnnxDim[]> shapes,
        IReadOnlyDictionary<string, string>? metadata = null, IReadOnlyList<DynamicSize>? dynamicSizes = null)
    {
        var c = new TraceToOnnx(trace, graphName);
        if (dynamicSizes is not null)
        {
            foreach (var d in dynamicSizes)
                if (d.Example <= 1) throw new ArgumentException($"dynamic size of {d.Input} axis {d.Axis}: example {d.Example} cannot be told apart from a constant (use a size > 1)");
            c.dynamicSizes = dynamicSizes;
        }
        foreach (var v in trace.Inputs)
        {
            if (!shapes.TryGetValue(v.Name, out var shape)) throw new ArgumentException($"no ONNX shape given for input '{v.Name}'");
            c.names[v.Id] = c.g.Input(v.Name, ElementType(v.DType, v.Name), shape);
        }
        foreach (var n in trace.Nodes) c.Emit(n);
        foreach (var (name, id) in trace.Outputs)
        {
            if (!shapes.TryGetValue(name, out var shape)) throw new ArgumentException($"no ONNX shape given for output '{name}'");
            c.g.AddNode("Identity", [c.Name(id)], [name]);
            c.g.Output(name, ElementType(trace[id].DType, name), shape);
        }
        if (metadata is not null) foreach (var (k, v) in metadata) c.g.Metadata(k, v);
        return c.g.Build();
    }

    internal static OnnxElementType ElementType(ScalarType t, string what) => t switch
    {
        ScalarType.Float32 => OnnxElementType.Float32,
        ScalarType.Float64 => OnnxElementType.Float64,
        ScalarType.Int64 => OnnxElementType.Int64,
        ScalarType.Int32 => OnnxElementType.Int32,
        ScalarType.Bool => OnnxElementType.Bool,
        _ => throw new OnnxExportException($"{what}: element type {t} has no ONNX mapping here (float32, float64, int64, int32, bool)"),
    };

    // ---- values ----

    private string Name(int id)
    {
        if (id < 0) return "";
        if (names[id] is { } n) return n;
        var v = trace[id];
        if (v.Kind is not (TraceValueKind.Parameter or TraceValueKind.Constant) || v.Data is null)
            throw new OnnxExportException($"value '{v.Name}' is used before any op produced it");
        return names[id] = g.Initializer(new OnnxTensor(g.Fresh(v.Name), ElementType(v.DType, v.Name), v.Shape, RawBytes(v.Data)));
    }

    private static byte[] RawBytes(Array data) => data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()).ToArray(),
        double[] d => MemoryMarshal.AsBytes(d.AsSpan()).ToArray(),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan()).ToArray(),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()).ToArray(),
        bool[] b => b.Select(x => x ? (byte)1 : (byte)0).ToArray(),
        _ => throw new OnnxExportException($"constant data of type {data.GetType().Name} has no ONNX mapping"),
    };

    private ScalarType DType(int id) => trace[id].DType;
    private int Rank(int id) => trace[id].Shape.Length;

    private float[] FloatData(int id, string what) => trace[id] is { Data: float[] f } ? f
        : throw new OnnxExportException($"{what}: '{trace[id].Name}' must be a float32 parameter or constant to be exported");

    private string Floats(string hint, float[] data, params long[] dims) => g.Constant(hint, data, dims);
    private string Ints(string hint, params long[] data) => g.Constant(hint, data, data.Length);
    private string ScalarOf(double value, ScalarType type) => type switch
    {
        ScalarType.Float32 => g.Initializer(OnnxTensor.FromFloats(g.Fresh("scalar"), [(float)value])),
        ScalarType.Int64 => g.Initializer(OnnxTensor.FromInt64s(g.Fresh("scalar"), [checked((long)value)])),
        ScalarType.Float64 => g.Initializer(new OnnxTensor(g.Fresh("scalar"), OnnxElementType.Float64, [], BitConverter.GetBytes(value))),
        ScalarType.Int32 => g.Initializer(new OnnxTensor(g.Fresh("scalar"), OnnxElementType.Int32, [], BitConverter.GetBytes(checked((int)value)))),
        ScalarType.Bool => g.Initializer(new OnnxTensor(g.Fresh("scalar"), OnnxElementType.Bool, [], [value != 0 ? (byte)1 : (byte)0])),
        _ => throw new OnnxExportException($"a scalar of type {type} has no ONNX mapping"),
    };

    private string Cast(string x, ScalarType from, ScalarType to) =>
        from == to ? x : g.Node("Cast", [x], OnnxAttribute.Int("to", (long)ElementType(to, x)));

    private static bool IsFloat(ScalarType t) => t is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;

    private static long[] Perm(int rank, long d0, long d1)
    {
        var p = Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        long a = d0 < 0 ? d0 + rank : d0, b = d1 < 0 ? d1 + rank : d1;
        (p[a], p[b]) = (p[b], p[a]);
        return p;
    }

    private static readonly Dictionary<string, string> Unary = new()
    {
        ["neg"] = "Neg", ["exp"] = "Exp", ["log"] = "Log", ["sqrt"] = "Sqrt", ["abs"] = "Abs", ["relu"] = "Relu",
        ["sigmoid"] = "Sigmoid", ["tanh"] = "Tanh", ["reciprocal"] = "Reciprocal", ["sin"] = "Sin", ["cos"] = "Cos",
        ["floor"] = "Floor", ["ceil"] = "Ceil", ["sign"] = "Sign",
    };

    private static readonly Dictionary<string, string> Arithmetic = new()
    {
        ["add"] = "Add", ["sub"] = "Sub", ["mul"] = "Mul", ["div"] = "Div", ["pow"] = "Pow", ["maximum"] = "Max", ["minimum"] = "Min",
        ["matmul"] = "MatMul", ["mm"] = "MatMul", ["bmm"] = "MatMul",
    };

    private static readonly Dictionary<string, string> Comparison = new()
    {
        ["eq"] = "Equal", ["ne"] = "Equal", ["lt"] = "Less", ["le"] = "LessOrEqual", ["gt"] = "Greater", ["ge"] = "GreaterOrEqual",
    };

    private static readonly Dictionary<string, string> Logical = new() { ["logical_and"] = "And", ["logical_or"] = "Or", ["logical_xor"] = "Xor" };

    // ---- ops ----

    private void Emit(TraceNode n)
    {
        var output = n.Outputs[0];
        var outType = DType(output);
        string X(int i) => Name(n.Inputs[i]);
        string XAs(int i, ScalarType t) => Cast(X(i), DType(n.Inputs[i]), t);
        string result;
        var op = n.Op;
        var baseOp = op.EndsWith("_scalar", StringComparison.Ordinal) ? op[..^7] : op;

        if (Unary.TryGetValue(op, out var unary)) result = g.Node(unary, XAs(0, outType));
        else if (op == "rsqrt") result = g.Node("Reciprocal", g.Node("Sqrt", XAs(0, outType)));
        else if (op == "square") { var x = XAs(0, outType); result = g.Node("Mul", x, x); }
        else if (op == "logical_not") result = g.Node("Not", XAs(0, ScalarType.Bool));
        else if (op == "isnan") result = g.Node("IsNaN", X(0));
        else if (op.EndsWith("_scalar", StringComparison.Ordinal) && Arithmetic.ContainsKey(baseOp))
            result = g.Node(Arithmetic[baseOp], XAs(0, outType), ScalarOf(n.Reals[0], outType));
        else if (op is "rsub_scalar" or "rdiv_scalar")
            result = g.Node(op == "rsub_scalar" ? "Sub" : "Div", ScalarOf(n.Reals[0], outType), XAs(0, outType));
        else if (op.EndsWith("_scalar", StringComparison.Ordinal) && Comparison.TryGetValue(baseOp, out var cmpS))
        {
            var t = DType(n.Inputs[0]);
            var v = n.Reals[0];
            var common = IsFloat(t) ? t : v == Math.Floor(v) && Math.Abs(v) < 9e15 ? ScalarType.Int64 : ScalarType.Float32;
            result = g.Node(cmpS, XAs(0, common), ScalarOf(v, common));
            if (baseOp == "ne") result = g.Node("Not", result);
        }
        else if (Arithmetic.TryGetValue(op, out var arith)) result = g.Node(arith, XAs(0, outType), XAs(1, outType));
        else if (Comparison.TryGetValue(op, out var cmp))
        {
            ScalarType a = DType(n.Inputs[0]), b = DType(n.Inputs[1]);
            var common = a == b ? a : IsFloat(a) && IsFloat(b) ? ScalarType.Float64 : IsFloat(a) ? a : IsFloat(b) ? b : ScalarType.Int64;
            result = g.Node(cmp, XAs(0, common), XAs(1, common));
            if (op == "ne") result = g.Node("Not", result);
        }
        else if (Logical.TryGetValue(op, out var logical)) result = g.Node(logical, XAs(0, ScalarType.Bool), XAs(1, ScalarType.Bool));
        else result = op switch
        {
            "to" => XAs(0, outType),
            "reshape" => g.Node("Reshape", X(0), SizeVector("shape", n.Ints)),
            "expand" => g.Node("Expand", X(0), SizeVector("expand", n.Ints.Select(d => d == -1 ? 1 : d).ToArray())),  // torch's -1 keeps a size; ONNX broadcasts a 1
            "flip" => Flip(n),
            "cumsum" => g.Node("CumSum", X(0), g.Initializer(OnnxTensor.FromInt64s(g.Fresh("axis"), [n.Ints[0]]))),
            "clamp" => Clamp(n, XAs(0, outType), outType),
            "scaled_dot_product_attention" => DotProductAttention(n),
            "flatten" => Flatten(n),
            "transpose" => g.Node("Transpose", [X(0)], OnnxAttribute.IntList("perm", Perm(Rank(n.Inputs[0]), n.Ints[0], n.Ints[1]))),
            "permute" => g.Node("Transpose", [X(0)], OnnxAttribute.IntList("perm", n.Ints.Select(d => d < 0 ? d + Rank(n.Inputs[0]) : d).ToArray())),
            "t" => Rank(n.Inputs[0]) < 2 ? g.Node("Identity", X(0)) : g.Node("Transpose", [X(0)], OnnxAttribute.IntList("perm", 1, 0)),
            "squeeze" => Squeeze(n),
            "squeeze_all" => SqueezeAll(n),
            "unsqueeze" => g.Node("Unsqueeze", X(0), Ints("axes", n.Ints[0])),
            "narrow" => Narrow(n),
            "select" => g.Node("Gather", [X(0), g.Initializer(OnnxTensor.FromInt64s(g.Fresh("index"), [n.Ints[1]]))], OnnxAttribute.Int("axis", n.Ints[0])),
            "cat" => g.Node("Concat", n.Inputs.Select((_, i) => XAs(i, outType)).ToArray(), OnnxAttribute.Int("axis", n.Ints[0])),
            "gather" => g.Node("GatherElements", [X(0), X(1)], OnnxAttribute.Int("axis", n.Ints[0])),
            "index_select" => g.Node("Gather", [X(0), X(1)], OnnxAttribute.Int("axis", n.Ints[0])),
            "embedding" => g.Node("Gather", [X(0), X(1)], OnnxAttribute.Int("axis", 0)),
            "masked_fill" => g.Node("Where", XAs(1, ScalarType.Bool), ScalarOf(n.Reals[0], outType), X(0)),
            "where" => g.Node("Where", XAs(0, ScalarType.Bool), XAs(1, outType), XAs(2, outType)),
            "sum" => Reduce(n, "ReduceSum", axesAsInput: true),
            "mean" => Reduce(n, "ReduceMean", axesAsInput: false),
            "softmax" => g.Node("Softmax", [X(0)], OnnxAttribute.Int("axis", n.Ints[0])),
            "log_softmax" => g.Node("LogSoftmax", [X(0)], OnnxAttribute.Int("axis", n.Ints[0])),
            "gelu" => Gelu(X(0), n.Ints[0] == 1),
            "linear" => Linear(X(0), X(1), n.Inputs[2] >= 0 ? X(2) : null),
            "layer_norm" => LayerNorm(n),
            "dropout" => throw new OnnxExportException("op 'dropout' in training mode has no ONNX mapping: trace the model after eval()"),
            "multi_head_attention" => Attention(n),
            "gru" => Gru(n),
            _ => throw new OnnxExportException($"op '{op}' has no ONNX mapping"),
        };
        if (names[output] is null) names[output] = result;
    }

    /// <summary>A 1-D int64 size vector whose entries equal to a <see cref="DynamicSize"/> example are read at run time.</summary>
    private string SizeVector(string hint, IReadOnlyList<long> sizes)
    {
        if (!sizes.Any(v => RuntimeSize(v) is not null)) return Ints(hint, [.. sizes]);
        var parts = sizes.Select(v => RuntimeSize(v) ?? Ints(hint, v)).ToArray();
        return parts.Length == 1 ? parts[0] : g.Node("Concat", parts, OnnxAttribute.Int("axis", 0));
    }

    /// <summary>[1] int64: the run-time size behind example size <paramref name="value"/>, or null when it is a plain constant.</summary>
    private string? RuntimeSize(long value)
    {
        var d = dynamicSizes.FirstOrDefault(x => x.Example == value);
        if (d is null) return null;
        if (!runtimeSizes.TryGetValue(d, out var name))
        {
            var input = trace.Inputs.FirstOrDefault(v => v.Name == d.Input) ?? throw new ArgumentException($"dynamic size: no input '{d.Input}'");
            name = runtimeSizes[d] = g.Node("Gather", [g.Node("Shape", Name(input.Id)), Ints("axis", d.Axis)], OnnxAttribute.Int("axis", 0));
        }
        return name;
    }

    private string Narrow(TraceNode n)
    {
        long dim = n.Ints[0], start = n.Ints[1], length = n.Ints[2];
        var starts = SizeVector("starts", [start]);
        var ends = RuntimeSize(start) is null && RuntimeSize(length) is null ? Ints("ends", start + length) : g.Node("Add", starts, SizeVector("length", [length]));
        return g.Node("Slice", Name(n.Inputs[0]), starts, ends, Ints("axes", dim));
    }

    private string Flip(TraceNode n)
    {
        var axes = n.Ints.ToArray();
        return g.Node("Slice", Name(n.Inputs[0]), Ints("starts", axes.Select(_ => -1L).ToArray()), Ints("ends", axes.Select(_ => long.MinValue).ToArray()),
            Ints("axes", axes), Ints("steps", axes.Select(_ => -1L).ToArray()));
    }

    private string Clamp(TraceNode n, string x, ScalarType type)
    {
        if (n.Ints[0] == 1) x = g.Node("Max", x, ScalarOf(n.Reals[0], type));
        if (n.Ints[1] == 1) x = g.Node("Min", x, ScalarOf(n.Reals[1], type));
        return n.Ints[0] == 0 && n.Ints[1] == 0 ? g.Node("Identity", x) : x;
    }

    /// <summary>Softmax over the last axis where a row whose entries are all -inf gives zeros, not NaN (the binding's kernel).</summary>
    private string MaskedSoftmax(string scores, string negInf)
    {
        var blocked = g.Node("Cast", [g.Node("Equal", scores, negInf)], OnnxAttribute.Int("to", (long)OnnxElementType.Float32));
        var dead = g.Node("Cast", [g.Node("ReduceMin", [blocked], OnnxAttribute.IntList("axes", -1), OnnxAttribute.Int("keepdims", 1))],
            OnnxAttribute.Int("to", (long)OnnxElementType.Bool));                                                                 // [..., L, 1]
        var zero = ScalarOf(0, ScalarType.Float32);
        var attn = g.Node("Softmax", [g.Node("Where", dead, zero, scores)], OnnxAttribute.Int("axis", -1));
        return g.Node("Where", dead, zero, attn);
    }

    // inputs: query [..., L, E], key [..., S, E], value [..., S, Ev], attn_mask? (bool: true = MAY attend; float: added)
    // ints: is_causal, training; reals: dropout_p
    private string DotProductAttention(TraceNode n)
    {
        if (n.Ints[1] == 1 && n.Reals[0] > 0) throw new OnnxExportException("op 'scaled_dot_product_attention' with dropout in training mode has no ONNX mapping: trace after eval()");
        var q = trace[n.Inputs[0]].Shape;
        var k = trace[n.Inputs[1]].Shape;
        int rank = k.Length;
        var kT = g.Node("Transpose", [Name(n.Inputs[1])], OnnxAttribute.IntList("perm", Perm(rank, rank - 2, rank - 1)));
        var scores = g.Node("Mul", g.Node("MatMul", Name(n.Inputs[0]), kT), ScalarOf(1.0 / Math.Sqrt(q[^1]), ScalarType.Float32));  // [..., L, S]
        var negInf = ScalarOf(double.NegativeInfinity, ScalarType.Float32);
        if (n.Inputs[3] >= 0)
        {
            var m = Name(n.Inputs[3]);
            scores = DType(n.Inputs[3]) is ScalarType.Bool or ScalarType.Byte
                ? g.Node("Where", Cast(m, DType(n.Inputs[3]), ScalarType.Bool), scores, negInf)
                : g.Node("Add", scores, Cast(m, DType(n.Inputs[3]), ScalarType.Float32));
        }
        if (n.Ints[0] == 1)
        {
            long L = q[^2], S = k[^2];
            var future = new bool[L * S];
            for (long i = 0; i < L; i++) for (long j = i + 1; j < S; j++) future[i * S + j] = true;
            var mask = g.Initializer(new OnnxTensor(g.Fresh("causal"), OnnxElementType.Bool, [L, S], future.Select(b => b ? (byte)1 : (byte)0).ToArray()));
            scores = g.Node("Where", mask, negInf, scores);
        }
        return g.Node("MatMul", MaskedSoftmax(scores, negInf), Name(n.Inputs[2]));
    }

    private string Flatten(TraceNode n)
    {
        var shape = trace[n.Inputs[0]].Shape;
        int r = shape.Length;
        long s = n.Ints[0] < 0 ? n.Ints[0] + r : n.Ints[0], e = n.Ints[1] < 0 ? n.Ints[1] + r : n.Ints[1];
        var target = new List<long>();
        for (long i = 0; i < s; i++) target.Add(0);       // 0 = copy the input's size (keeps dynamic axes)
        target.Add(-1);
        for (long i = e + 1; i < r; i++) target.Add(shape[i]);
        return g.Node("Reshape", Name(n.Inputs[0]), Ints("shape", [.. target]));
    }

    private string Squeeze(TraceNode n)
    {
        var shape = trace[n.Inputs[0]].Shape;
        long d = n.Ints[0] < 0 ? n.Ints[0] + shape.Length : n.Ints[0];
        // torch's squeeze(d) leaves a dimension that is not 1 alone; ONNX's would fail.
        return shape.Length == 0 || shape[d] != 1 ? g.Node("Identity", Name(n.Inputs[0])) : g.Node("Squeeze", Name(n.Inputs[0]), Ints("axes", d));
    }

    private string SqueezeAll(TraceNode n)
    {
        var shape = trace[n.Inputs[0]].Shape;
        var axes = Enumerable.Range(0, shape.Length).Where(i => shape[i] == 1).Select(i => (long)i).ToArray();
        return axes.Length == 0 ? g.Node("Identity", Name(n.Inputs[0])) : g.Node("Squeeze", Name(n.Inputs[0]), Ints("axes", axes));
    }

    private string Reduce(TraceNode n, string opType, bool axesAsInput)
    {
        var x = Cast(Name(n.Inputs[0]), DType(n.Inputs[0]), DType(n.Outputs[0]));
        var keep = OnnxAttribute.Int("keepdims", n.Ints[0]);
        var axes = n.Ints.Skip(1).ToArray();
        if (axes.Length == 0) return g.Node(opType, [x], keep);
        return axesAsInput ? g.Node(opType, [x, Ints("axes", axes)], keep) : g.Node(opType, [x], keep, OnnxAttribute.IntList("axes", axes));
    }

    private string Gelu(string x, bool tanhApprox)
    {
        if (!tanhApprox)
        {
            var erf = g.Node("Erf", g.Node("Mul", x, ScalarOf(1 / Math.Sqrt(2), ScalarType.Float32)));
            return g.Node("Mul", g.Node("Mul", x, ScalarOf(0.5, ScalarType.Float32)), g.Node("Add", erf, ScalarOf(1, ScalarType.Float32)));
        }
        var cube = g.Node("Mul", g.Node("Mul", x, x), x);
        var inner = g.Node("Mul", g.Node("Add", x, g.Node("Mul", cube, ScalarOf(0.044715, ScalarType.Float32))), ScalarOf(Math.Sqrt(2 / Math.PI), ScalarType.Float32));
        return g.Node("Mul", g.Node("Mul", x, ScalarOf(0.5, ScalarType.Float32)), g.Node("Add", g.Node("Tanh", inner), ScalarOf(1, ScalarType.Float32)));
    }

    private string Linear(string x, string weight, string? bias)
    {
        var y = g.Node("MatMul", x, g.Node("Transpose", [weight], OnnxAttribute.IntList("perm", 1, 0)));  // [*, in] x [in, out]
        return bias is null ? y : g.Node("Add", y, bias);
    }

    private string LayerNorm(TraceNode n)
    {
        var shape = n.Ints.ToArray();
        var scale = n.Inputs[1] >= 0 ? Name(n.Inputs[1]) : Floats("ln_scale", Enumerable.Repeat(1f, (int)shape.Aggregate(1L, (a, b) => a * b)).ToArray(), shape);
        var bias = n.Inputs[2] >= 0 ? Name(n.Inputs[2]) : "";
        var inputs = bias.Length == 0 ? new[] { Name(n.Inputs[0]), scale } : new[] { Name(n.Inputs[0]), scale, bias };
        return g.Node("LayerNormalization", inputs, OnnxAttribute.Int("axis", -shape.Length), OnnxAttribute.Float("epsilon", (float)n.Reals[0]));
    }

    /// <summary>Rows [start, start + count) of a row-major [*, cols] matrix, transposed: [cols, count].</summary>
    private static float[] TransposedRows(float[] w, int start, int count, int cols)
    {
        var r = new float[cols * count];
        for (int i = 0; i < count; i++)
        for (int j = 0; j < cols; j++)
            r[j * count + i] = w[(start + i) * cols + j];
        return r;
    }

    // inputs: query, key, value, key_padding_mask?, attn_mask?, in_proj_weight, in_proj_bias?, out_proj.weight, out_proj.bias?
    // ints: num_heads, batch_first, training, need_weights, average_attn_weights; reals: dropout
    private string Attention(TraceNode n)
    {
        long H = n.Ints[0];
        bool batchFirst = n.Ints[1] == 1;
        if (n.Ints[2] == 1 && n.Reals[0] > 0) throw new OnnxExportException("op 'multi_head_attention' with dropout in training mode has no ONNX mapping: trace after eval()");
        var qShape = trace[n.Inputs[0]].Shape;
        int E = (int)qShape[^1];
        long Dh = E / H;
        var wIn = FloatData(n.Inputs[5], "multi_head_attention in_proj_weight");
        float[]? bIn = n.Inputs[6] >= 0 ? FloatData(n.Inputs[6], "multi_head_attention in_proj_bias") : null;
        string BatchFirst(int i) => batchFirst ? Name(n.Inputs[i]) : g.Node("Transpose", [Name(n.Inputs[i])], OnnxAttribute.IntList("perm", 1, 0, 2));
        string Project(string x, int part)
        {
            var y = g.Node("MatMul", x, Floats($"attn_w{"qkv"[part]}", TransposedRows(wIn, part * E, E, E), E, E));  // [B, *, E]
            return bIn is null ? y : g.Node("Add", y, Floats($"attn_b{"qkv"[part]}", bIn.AsSpan(part * E, E).ToArray(), E));
        }
        var split = Ints("heads_shape", 0, 0, H, Dh);
        var q = g.Node("Transpose", [g.Node("Reshape", Project(BatchFirst(0), 0), split)], OnnxAttribute.IntList("perm", 0, 2, 1, 3));  // [B, H, L, Dh]
        var kT = g.Node("Transpose", [g.Node("Reshape", Project(BatchFirst(1), 1), split)], OnnxAttribute.IntList("perm", 0, 2, 3, 1)); // [B, H, Dh, S]
        var v = g.Node("Transpose", [g.Node("Reshape", Project(BatchFirst(2), 2), split)], OnnxAttribute.IntList("perm", 0, 2, 1, 3));  // [B, H, S, Dh]
        var scores = g.Node("Mul", g.Node("MatMul", q, kT), ScalarOf(1.0 / Math.Sqrt(Dh), ScalarType.Float32));                     // [B, H, L, S]
        var negInf = ScalarOf(double.NegativeInfinity, ScalarType.Float32);
        string Mask(string s, int input, long[] unsqueeze)
        {
            var m = Name(n.Inputs[input]);
            if (unsqueeze.Length > 0) m = g.Node("Unsqueeze", m, Ints("axes", unsqueeze));
            else if (Rank(n.Inputs[input]) == 3)  // [B*H, L, S] -> [B, H, L, S]
            {
                var ms = trace[n.Inputs[input]].Shape;
                m = g.Node("Reshape", m, Ints("mask_shape", -1, H, ms[1], ms[2]));
            }
            return DType(n.Inputs[input]) is ScalarType.Bool or ScalarType.Byte
                ? g.Node("Where", Cast(m, DType(n.Inputs[input]), ScalarType.Bool), negInf, s)   // true = may not attend
                : g.Node("Add", s, Cast(m, DType(n.Inputs[input]), ScalarType.Float32));
        }
        if (n.Inputs[4] >= 0) scores = Mask(scores, 4, []);              // attn_mask [L, S] or [B*H, L, S]
        if (n.Inputs[3] >= 0) scores = Mask(scores, 3, [1, 2]);          // key_padding_mask [B, S] -> [B, 1, 1, S]
        var attn = MaskedSoftmax(scores, negInf);                                                                                 // [B, H, L, S]
        var ctx = g.Node("Transpose", [g.Node("MatMul", attn, v)], OnnxAttribute.IntList("perm", 0, 2, 1, 3));                   // [B, L, H, Dh]
        var merged = g.Node("Reshape", ctx, Ints("merge_shape", 0, 0, E));                                                        // [B, L, E]
        var wOut = FloatData(n.Inputs[7], "multi_head_attention out_proj.weight");
        var y = g.Node("MatMul", merged, Floats("attn_wo", TransposedRows(wOut, 0, E, E), E, E));
        if (n.Inputs[8] >= 0) y = g.Node("Add", y, Name(n.Inputs[8]));
        if (!batchFirst) y = g.Node("Transpose", [y], OnnxAttribute.IntList("perm", 1, 0, 2));
        if (n.Outputs.Count > 1 && n.Outputs[1] >= 0)
            names[n.Outputs[1]] = n.Ints[4] == 1 ? g.Node("ReduceMean", [attn], OnnxAttribute.IntList("axes", 1), OnnxAttribute.Int("keepdims", 0)) : attn;
        return y;
    }

    /// <summary>libtorch stacks gate rows as (r, z, n); ONNX as (z, r, h).</summary>
    private static float[] ReorderGates(float[] w)
    {
        int block = w.Length / 3;
        var r = new float[w.Length];
        Array.Copy(w, block, r, 0, block);      // z
        Array.Copy(w, 0, r, block, block);      // r
        Array.Copy(w, 2 * block, r, 2 * block, block); // n
        return r;
    }

    // inputs: input, h0?, then per layer weight_ih, weight_hh[, bias_ih, bias_hh]
    // ints: hidden_size, num_layers, bias, batch_first, bidirectional, training; reals: dropout
    private string Gru(TraceNode n)
    {
        int H = (int)n.Ints[0], layers = (int)n.Ints[1];
        bool bias = n.Ints[2] == 1, batchFirst = n.Ints[3] == 1;
        if (n.Ints[4] == 1) throw new OnnxExportException("op 'gru' with bidirectional = true has no ONNX mapping here");
        if (n.Ints[5] == 1 && n.Reals[0] > 0 && layers > 1) throw new OnnxExportException("op 'gru' with inter-layer dropout in training mode has no ONNX mapping: trace after eval()");
        var x = Name(n.Inputs[0]);
        if (batchFirst) x = g.Node("Transpose", [x], OnnxAttribute.IntList("perm", 1, 0, 2));  // [L, B, in]
        var h0 = n.Inputs[1] >= 0 ? Name(n.Inputs[1]) : null;
        int perLayer = bias ? 4 : 2;
        var finals = new List<string>();
        for (int k = 0; k < layers; k++)
        {
            int at = 2 + k * perLayer;
            var wIh = FloatData(n.Inputs[at], "gru weight_ih");
            var wHh = FloatData(n.Inputs[at + 1], "gru weight_hh");
            int inSize = wIh.Length / (3 * H);
            var inputs = new List<string>
            {
                x,
                Floats($"gru_W_l{k}", ReorderGates(wIh), 1, 3 * H, inSize),
                Floats($"gru_R_l{k}", ReorderGates(wHh), 1, 3 * H, H),
            };
            if (bias)
            {
                var b = ReorderGates(FloatData(n.Inputs[at + 2], "gru bias_ih")).Concat(ReorderGates(FloatData(n.Inputs[at + 3], "gru bias_hh"))).ToArray();
                inputs.Add(Floats($"gru_B_l{k}", b, 1, 6 * H));
            }
            else inputs.Add("");
            if (h0 is not null)
            {
                inputs.Add("");  // sequence_lens
                inputs.Add(g.Node("Slice", h0, Ints("starts", k), Ints("ends", k + 1), Ints("axes", 0)));  // [1, B, H]
            }
            while (inputs[^1].Length == 0) inputs.RemoveAt(inputs.Count - 1);
            var outs = g.Node("GRU", [.. inputs], 2, OnnxAttribute.Int("hidden_size", H), OnnxAttribute.Int("linear_before_reset", 1));
            x = g.Node("Squeeze", outs[0], Ints("axes", 1));  // Y [L, 1, B, H] -> [L, B, H]
            finals.Add(outs[1]);                               // Y_h [1, B, H]
        }
        if (n.Outputs.Count > 1 && n.Outputs[1] >= 0)
            names[n.Outputs[1]] = finals.Count == 1 ? finals[0] : g.Node("Concat", [.. finals], OnnxAttribute.Int("axis", 0));
        return batchFirst ? g.Node("Transpose", [x], OnnxAttribute.IntList("perm", 1, 0, 2)) : x;
    }
}
