using Cdsr.Onnx.Model;
using Cdsr.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Onnx.Export;

/// <summary>A model cannot be written as ONNX (no builder for its type, or a state it cannot score from).</summary>
public sealed class OnnxExportException(string message) : Exception(message);

/// <summary>
/// The graph-building API every model's ONNX builder (<see cref="SasRecOnnx"/>, <see cref="Gru4RecOnnx"/>,
/// <see cref="CdsrNpOnnx"/>) writes its scoring graph with, as ONNX Runtime GenAI's model builder writes an LLM from its
/// weights: one method per recurring piece, each the ONNX form of the Cdsr.Trainers layer of the same name.
/// <code>
/// Embedding(w, ids)   = Gather(w, ids)                                   [N+1, D] x [*] -> [*, D]
/// Linear(x, p)        = x W_p^T + b_p                                    PyTorch's [out, in] weight, stored transposed
/// LayerNorm(x, p)     = (x - mean) / sqrt(var + eps) * w_p + b_p         ONNX LayerNormalization (opset 17), last axis
/// Mlp(x, p)           = Linear(ReLU(Linear(x, p.0)), p.2)                nn.Sequential(Linear, ReLU, Linear)
/// Attention(x, p, M)  = softmax(Q K^T / sqrt(D/H), blocked by M) V, projected by p.out_proj
///                       a query whose keys are all blocked gets 0 (SDPA's result; ONNX's softmax of all -inf is NaN,
///                       so a Where on the "row fully blocked" mask sets it)
/// Block(x, p, M)      = x + Attention(LN1(x), M);  x + FF(LN2(x)),  FF = linear2(ReLU(linear1(.)))  (pre-norm, eval)
/// Score(u, e)         = e . u                                            [B, D], [B, C, D] -> [B, C]
/// </code>
/// Weights are read from the model's <c>state_dict()</c> by name and become initializers under that name (or
/// <c>name^T</c> when stored transposed), each added once, on first use; dropout is the identity (scoring runs in eval
/// mode). Inputs are <c>histories</c> int64 [B, L] and <c>candidates</c> int64 [B, C] with dynamic B and C: no builder
/// may read a batch or candidate size on the host (shapes come from the inputs, or 0 = "copy" in Reshape).
/// </summary>
public sealed class ScoringGraph
{
    private readonly Dictionary<string, Tensor> _state;
    private readonly Dictionary<string, string> _added = new(StringComparer.Ordinal);

    public ScoringGraph(SequentialRecommender model, string graphName, long opset = OnnxModel.DefaultOpset)
    {
        G = new OnnxGraphBuilder(graphName, opset);
        _state = model.state_dict();
        MaxLength = model.MaxLength;
        Histories = G.Input(Recommenders.RecommenderOnnx.HistoriesInput, OnnxElementType.Int64, "batch", MaxLength); // [B, L]
        Candidates = G.Input(Recommenders.RecommenderOnnx.CandidatesInput, OnnxElementType.Int64, "batch", "candidates"); // [B, C]
    }

    /// <summary>The underlying builder, for the nodes a model needs beyond these pieces.</summary>
    public OnnxGraphBuilder G { get; }

    public int MaxLength { get; }

    /// <summary>Graph input histories int64 [B, L].</summary>
    public string Histories { get; }

    /// <summary>Graph input candidates int64 [B, C].</summary>
    public string Candidates { get; }

    // ---- weights and constants ----

    /// <summary>The state_dict tensor <paramref name="name"/>; a missing name is an <see cref="OnnxExportException"/>
    /// listing what there is (a renamed module would otherwise surface as a wrong graph).</summary>
    public Tensor State(string name) => _state.TryGetValue(name, out var t) ? t
        : throw new OnnxExportException($"state_dict has no '{name}' (it has {string.Join(", ", _state.Keys)})");

    /// <summary>Host copy of a float32 tensor (row-major).</summary>
    public static float[] Floats(Tensor t) => t.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();

    /// <summary>state_dict float tensor <paramref name="name"/> as an initializer of that name.</summary>
    public string Weight(string name)
    {
        if (_added.TryGetValue(name, out var done)) return done;
        var t = State(name);
        return _added[name] = G.Initializer(OnnxTensor.FromFloats(name, Floats(t), t.shape));
    }

    /// <summary>state_dict [out, in] matrix <paramref name="name"/> transposed to [in, out], as initializer "name^T".</summary>
    public string WeightTransposed(string name)
    {
        var key = name + "^T";
        if (_added.TryGetValue(key, out var done)) return done;
        var t = State(name);
        if (t.dim() != 2) throw new OnnxExportException($"'{name}': expected a [out, in] matrix, got [{string.Join(", ", t.shape)}]");
        using var tt = t.detach().t();
        return _added[key] = G.Initializer(OnnxTensor.FromFloats(key, Floats(tt), tt.shape));
    }

    /// <summary>A float32 initializer of a tensor computed on the host (e.g. a slice of a weight, a baked support set).</summary>
    public string Constant(string name, Tensor t) => G.Initializer(OnnxTensor.FromFloats(G.Fresh(name), Floats(t), t.shape));

    public string Float(float v) => G.Constant("f", [v]);                                    // []
    public string Int64s(params long[] v) => G.Constant("i", v, v.Length);                   // [n]
    public string Int64(long v) => G.Constant("i", [v]);                                      // []

    /// <summary>A bool initializer [dims] (1 byte per element).</summary>
    public string Bools(string hint, bool[] v, params long[] dims) =>
        G.Initializer(new OnnxTensor(G.Fresh(hint), OnnxElementType.Bool, dims, v.Select(b => b ? (byte)1 : (byte)0).ToArray()));

    // ---- element-wise and shape helpers ----

    public string Node(string op, params string[] inputs) => G.Node(op, inputs);
    public string Add(string a, string b) => G.Node("Add", a, b);
    public string Mul(string a, string b) => G.Node("Mul", a, b);
    public string Relu(string x) => G.Node("Relu", x);
    public string Concat(int axis, params string[] xs) => G.Node("Concat", xs, OnnxAttribute.Int("axis", axis));
    public string Unsqueeze(string x, params long[] axes) => G.Node("Unsqueeze", x, Int64s(axes));
    public string Squeeze(string x, params long[] axes) => G.Node("Squeeze", x, Int64s(axes));
    public string Transpose(string x, params long[] perm) => G.Node("Transpose", [x], OnnxAttribute.IntList("perm", perm));
    public string Reshape(string x, params long[] shape) => G.Node("Reshape", x, Int64s(shape));
    public string ToFloat(string x) => G.Node("Cast", [x], OnnxAttribute.Int("to", (long)OnnxElementType.Float32));
    public string ToInt64(string x) => G.Node("Cast", [x], OnnxAttribute.Int("to", (long)OnnxElementType.Int64));
    /// <summary>x [.., n, ..] -> x[.., index, ..] with the axis removed.</summary>
    public string Select(string x, int axis, long index) => G.Node("Gather", [x, Int64(index)], OnnxAttribute.Int("axis", axis));
    public string SumOver(string x, long axis, bool keep) => G.Node("ReduceSum", [x, Int64s(axis)], OnnxAttribute.Int("keepdims", keep ? 1 : 0));

    /// <summary>ids int64 [B, L] -> bool [B, L], true at padding (item id 0).</summary>
    public string Padding(string ids) => G.Node("Equal", ids, Int64(0));

    /// <summary>padding bool [B, L] -> float [B, L, 1], 1 where an item is (Masks.Padding's complement, as a multiplier).</summary>
    public string Keep(string padding) => Unsqueeze(ToFloat(G.Node("Not", padding)), 2);

    /// <summary>Masks.Causal(L): bool [L, L], true above the diagonal (a later key may not be attended).</summary>
    public string Causal(long length)
    {
        var v = new bool[length * length];
        for (long i = 0; i < length; i++)
        for (long j = i + 1; j < length; j++) v[i * length + j] = true;
        return Bools("causal", v, length, length);
    }

    /// <summary>TransformerStack's mask: causal [L, L] or padding bool [B, L] -> bool [B, 1, L, L], true = may not attend.</summary>
    public string Blocked(string causal, string padding) =>
        G.Node("Or", Unsqueeze(causal, 0, 1), Unsqueeze(padding, 1, 2));                    // [1, 1, L, L] | [B, 1, 1, L]

    // ---- layers ----

    /// <summary>Gather(w, ids): the embedding table state_dict <paramref name="weight"/> [N+1, D] at ids [*] -> [*, D].</summary>
    public string Embedding(string weight, string ids) => G.Node("Gather", [Weight(weight), ids], OnnxAttribute.Int("axis", 0));

    /// <summary>nn.Linear <paramref name="prefix"/> (weight [out, in], bias [out] when it has one): x [.., in] -> [.., out].</summary>
    public string Linear(string x, string prefix)
    {
        var y = G.Node("MatMul", x, WeightTransposed(prefix + ".weight"));                     // [.., out]
        return _state.ContainsKey(prefix + ".bias") ? Add(y, Weight(prefix + ".bias")) : y;
    }

    /// <summary>nn.LayerNorm <paramref name="prefix"/> over the last axis: x [.., D] -> [.., D].</summary>
    public string LayerNorm(string x, string prefix, double eps) =>
        G.Node("LayerNormalization", [x, Weight(prefix + ".weight"), Weight(prefix + ".bias")],
            OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", (float)eps));

    /// <summary>Linear - ReLU - Linear, an nn.Sequential <paramref name="prefix"/> (children 0 and 2): x [.., in] -> [.., out].</summary>
    public string Mlp(string x, string prefix) => Linear(Relu(Linear(x, prefix + ".0")), prefix + ".2");

    /// <summary>
    /// MultiHeadSelfAttention <paramref name="prefix"/> (in_proj_weight [3D, D] rows Q | K | V, heads consecutive within each):
    /// x [B, L, D], blocked bool broadcastable to [B, H, L, L] (true = may not attend) -> [B, L, D]. A query with every key
    /// blocked gets a zero attention output, as SDPA gives it.
    /// </summary>
    public string SelfAttention(string x, string prefix, int heads, long d, string blocked)
    {
        long dh = d / heads;
        var w = State(prefix + ".in_proj_weight");                                            // [3D, D]
        var b = State(prefix + ".in_proj_bias");                                              // [3D]
        string Project(int k, string what)
        {
            using var wk = w.detach().narrow(0, k * d, d).t();                               // [D, D] = W_k^T
            using var bk = b.detach().narrow(0, k * d, d);                                   // [D]
            var y = Add(G.Node("MatMul", x, Constant($"{prefix}.{what}_proj^T", wk)), Constant($"{prefix}.{what}_bias", bk)); // [B, L, D]
            return Transpose(Reshape(y, 0, 0, heads, dh), 0, 2, 1, 3);                       // [B, H, L, Dh]
        }
        var q = Project(0, "q");                                                              // [B, H, L, Dh]
        var kT = Transpose(Project(1, "k"), 0, 1, 3, 2);                                      // [B, H, Dh, L]
        var v = Project(2, "v");                                                              // [B, H, L, Dh]
        var scores = Mul(G.Node("MatMul", q, kT), Float((float)(1.0 / Math.Sqrt(dh))));       // [B, H, L, L]
        var attn = MaskedSoftmax(scores, blocked);                                            // [B, H, L, L]
        var ctx = Transpose(G.Node("MatMul", attn, v), 0, 2, 1, 3);                           // [B, L, H, Dh]
        return Linear(Reshape(ctx, 0, 0, d), prefix + ".out_proj");                           // [B, L, D]
    }

    /// <summary>softmax over the last axis of scores [.., S] with blocked (bool, broadcastable; true = -inf) keys; a row whose
    /// keys are all blocked is 0, not ONNX's NaN.</summary>
    public string MaskedSoftmax(string scores, string blocked)
    {
        var masked = G.Node("Where", blocked, Float(float.NegativeInfinity), scores);        // [.., S]
        var soft = G.Node("Softmax", [masked], OnnxAttribute.Int("axis", -1));                // [.., S], NaN in blocked rows
        var allowed = SumOver(ToFloat(G.Node("Not", blocked)), -1, keep: true);               // [.., 1] keys a query may attend
        var rowBlocked = G.Node("Equal", allowed, Float(0));                                  // [.., 1]
        return G.Node("Where", rowBlocked, Float(0), soft);                                   // [.., S]
    }

    /// <summary>softmax(q k^T / sqrt(D)) v with no mask (SDPA's default scale): q [B, D], k [S, D], v [S, D] -> [B, D].</summary>
    public string Attention(string q, string k, string v, long d)
    {
        var scores = Mul(G.Node("MatMul", q, Transpose(k, 1, 0)), Float((float)(1.0 / Math.Sqrt(d)))); // [B, S]
        return G.Node("MatMul", G.Node("Softmax", [scores], OnnxAttribute.Int("axis", -1)), v);          // [B, D]
    }

    /// <summary>Pre-norm TransformerBlock <paramref name="prefix"/> in eval mode: x [B, L, D], blocked bool [B, 1, L, L] -> [B, L, D].</summary>
    public string TransformerBlock(string x, string prefix, int heads, long d, double eps, string blocked)
    {
        x = Add(x, SelfAttention(LayerNorm(x, prefix + ".norm1", eps), prefix + ".self_attn", heads, d, blocked)); // [B, L, D]
        var ff = Linear(Relu(Linear(LayerNorm(x, prefix + ".norm2", eps), prefix + ".linear1")), prefix + ".linear2");
        return Add(x, ff);                                                                    // [B, L, D]
    }

    /// <summary>TransformerStack <paramref name="prefix"/> of <paramref name="count"/> pre-norm blocks (layers.{i}): x [B, L, D] -> [B, L, D].</summary>
    public string TransformerStack(string x, string prefix, int count, int heads, long d, double eps, string blocked)
    {
        for (int i = 0; i < count; i++) x = TransformerBlock(x, $"{prefix}.layers.{i}", heads, d, eps, blocked);
        return x;
    }

    /// <summary>The dot-product head of SequentialRecommender.Score: user [B, D], candidate embeddings [B, C, D] -> [B, C].</summary>
    public string DotScores(string user, string items) =>
        Squeeze(G.Node("MatMul", items, Unsqueeze(user, 2)), 2);                             // [B, C, D] x [B, D, 1] -> [B, C]
}
