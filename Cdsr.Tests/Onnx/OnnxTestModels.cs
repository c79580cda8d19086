using Cdsr.Onnx.Model;

namespace Cdsr.Tests.Onnx;

/// <summary>Small graphs built with the writer plus their C# reference computations (row-major float math).</summary>
internal static class OnnxTestModels
{
    public const int In = 5, Hidden = 3, Vocab = 11, Dim = 4;

    public static float[] RandomFloats(int n, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1) * scale).ToArray();
    }

    /// <summary>x [batch, In] -> Relu(x @ W + b) [batch, Hidden].</summary>
    public static (OnnxModel Model, float[] W, float[] B) Mlp()
    {
        float[] w = RandomFloats(In * Hidden, 1), b = RandomFloats(Hidden, 2);
        var g = new OnnxGraphBuilder("mlp");
        var x = g.Input("x", OnnxElementType.Float32, "batch", In);
        var wn = g.Initializer(OnnxTensor.FromFloats("W", w, In, Hidden));
        var bn = g.Initializer(OnnxTensor.FromFloats("b", b, Hidden));
        var h = g.Node("Add", g.Node("MatMul", x, wn), bn);
        g.AddNode("Relu", [h], ["y"]);
        g.Output("y", OnnxElementType.Float32, "batch", Hidden);
        return (g.Build(), w, b);
    }

    public static float[] MlpReference(float[] x, int batch, float[] w, float[] b)
    {
        var y = new float[batch * Hidden];
        for (int i = 0; i < batch; i++)
            for (int j = 0; j < Hidden; j++)
            {
                double s = b[j];
                for (int k = 0; k < In; k++) s += (double)x[i * In + k] * w[k * Hidden + j];
                y[i * Hidden + j] = (float)Math.Max(0, s);
            }
        return y;
    }

    /// <summary>ids [batch, seq] int64 -> mean over seq of table[ids] -> [batch, Dim].</summary>
    public static (OnnxModel Model, float[] Table) EmbeddingMean()
    {
        float[] table = RandomFloats(Vocab * Dim, 3);
        var g = new OnnxGraphBuilder("embedding_mean");
        var ids = g.Input("ids", OnnxElementType.Int64, "batch", "seq");
        var t = g.Initializer(OnnxTensor.FromFloats("table", table, Vocab, Dim));
        var e = g.Node("Gather", [t, ids], OnnxAttribute.Int("axis", 0));             // [B, L, D]
        g.AddNode("ReduceMean", [e], ["mean"], [OnnxAttribute.IntList("axes", 1), OnnxAttribute.Int("keepdims", 0)]); // [B, D]
        g.Output("mean", OnnxElementType.Float32, "batch", Dim);
        return (g.Build(), table);
    }

    /// <summary>scores [batch, n] -> Softmax(axis=-1) and TopK(k) values/indices.</summary>
    public static OnnxModel SoftmaxTopK(long k)
    {
        var g = new OnnxGraphBuilder("softmax_topk");
        var s = g.Input("scores", OnnxElementType.Float32, "batch", "items");
        g.AddNode("Softmax", [s], ["probs"], [OnnxAttribute.Int("axis", -1)]);
        var kn = g.Constant("k", new long[] { k }, 1);
        g.AddNode("TopK", ["probs", kn], ["top_values", "top_indices"],
            [OnnxAttribute.Int("axis", -1), OnnxAttribute.Int("largest", 1), OnnxAttribute.Int("sorted", 1)]);
        g.Output("probs", OnnxElementType.Float32, "batch", "items");
        g.Output("top_values", OnnxElementType.Float32, "batch", k);
        g.Output("top_indices", OnnxElementType.Int64, "batch", k);
        return g.Build();
    }

    /// <summary>max |a - b| over equal-length outputs; a length mismatch or a non-finite value fails the test (a NaN would
    /// otherwise compare as no difference at all).</summary>
    public static float MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.That(a.Length, Is.EqualTo(b.Length), "output lengths differ");
        float m = 0;
        for (int i = 0; i < a.Length; i++)
        {
            Assert.That(float.IsFinite(a[i]) && float.IsFinite(b[i]), $"value {i} is not finite: {a[i]} vs {b[i]}");
            m = Math.Max(m, Math.Abs(a[i] - b[i]));
        }
        return m;
    }
}
