using Cdsr.Torch;
using static Cdsr.Torch.torch;
using static Cdsr.Tests.Torch.NnTestHelpers;
using F = Cdsr.Torch.torch.nn.functional;

namespace Cdsr.Tests.Torch;

/// <summary>Every module's gradients with respect to its inputs and its parameters against finite differences (float64,
/// relative error &lt; 1e-6; dropout 0).</summary>
public class NnModuleGradTests
{
    [SetUp]
    public void Seed() => manual_seed(2024);

    [Test]
    public void Linear()
    {
        using var scope = NewDisposeScope();
        using var m = nn.Linear(4, 3).to(ScalarType.Float64);
        var x = GradCheck.Input(1, new long[] { 2, 5, 4 });
        GradCheck.AssertGradients(xs => m.forward(xs[0]), new[] { x }, what: "Linear input");
        AssertParameterGradients(m, () => m.forward(x));
    }

    [Test]
    public void Embedding()
    {
        using var scope = NewDisposeScope();
        using var m = nn.Embedding(6, 3, padding_idx: 0).to(ScalarType.Float64);
        var ids = tensor(new long[] { 0, 1, 5, 5, 2, 0 }, new long[] { 2, 3 });
        // The finite-difference check runs on a module without padding_idx: a padding row's zero gradient is by design,
        // which finite differences cannot reproduce. The padding module's gradient is checked exactly below.
        var w = m.weight.detach();
        Assert.That(w.data<double>()[0..3], Is.EqualTo(new double[3]), "padding row starts at zero");
        using var m2 = nn.Embedding(6, 3).to(ScalarType.Float64);
        AssertParameterGradients(m2, () => m2.forward(ids).tanh());
        m.forward(ids).backward(ones(new long[] { 2, 3, 3 }, ScalarType.Float64));
        var g = m.weight.grad!.data<double>();
        Assert.That(g[0..3], Is.EqualTo(new double[3]), "padding row gets no gradient");
        Assert.That(g[15..18], Is.EqualTo(new double[] { 2, 2, 2 }), "row 5 looked up twice");
    }

    [Test]
    public void LayerNorm()
    {
        using var scope = NewDisposeScope();
        using var m = nn.LayerNorm(4).to(ScalarType.Float64);
        // Non-trivial affine parameters so the check is not at the init point only.
        m.load_state_dict(new Dictionary<string, Tensor> { ["weight"] = GradCheck.Input(2, new long[] { 4 }).detach(), ["bias"] = GradCheck.Input(3, new long[] { 4 }).detach() });
        var x = GradCheck.Input(4, new long[] { 2, 3, 4 });
        GradCheck.AssertGradients(xs => m.forward(xs[0]), new[] { x }, what: "LayerNorm input");
        AssertParameterGradients(m, () => m.forward(x));
    }

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(true, true)]
    public void GRU(bool batchFirst, bool bidirectional)
    {
        using var scope = NewDisposeScope();
        using var m = nn.GRU(3, 4, numLayers: 2, batchFirst: batchFirst, bidirectional: bidirectional).to(ScalarType.Float64);
        var dirs = bidirectional ? 2 : 1;
        var x = GradCheck.Input(5, batchFirst ? new long[] { 2, 3, 3 } : new long[] { 3, 2, 3 });
        var h0 = GradCheck.Input(6, new long[] { 2 * dirs, 2, 4 });
        GradCheck.AssertGradients(xs => m.forward(xs[0], xs[1]).output, new[] { x, h0 }, what: "GRU output");
        GradCheck.AssertGradients(xs => m.forward(xs[0], xs[1]).h_n, new[] { x, h0 }, what: "GRU h_n");
        AssertParameterGradients(m, () => m.forward(x, h0).output);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void MultiheadAttention(bool batchFirst)
    {
        using var scope = NewDisposeScope();
        using var m = nn.MultiheadAttention(4, 2, batch_first: batchFirst).to(ScalarType.Float64);
        var q = GradCheck.Input(7, batchFirst ? new long[] { 2, 3, 4 } : new long[] { 3, 2, 4 });
        var kv = GradCheck.Input(8, batchFirst ? new long[] { 2, 5, 4 } : new long[] { 5, 2, 4 });
        var pad = tensor(new[] { false, false, true, false, true, false, false, false, false, true }, new long[] { 2, 5 });
        var mask = tensor(new[] { false, true, false, false, false, false, true, false, false, false, false, false, false, true, false }, new long[] { 3, 5 });
        GradCheck.AssertGradients(xs => m.forward(xs[0], xs[1], xs[2], pad, attn_mask: mask).output, new[] { q, kv, kv.detach().requires_grad_() }, what: "MHA q, k, v");
        GradCheck.AssertGradients(xs => m.forward(xs[0], xs[1], xs[1], pad).weights!, new[] { q, kv }, what: "MHA averaged weights");
        AssertParameterGradients(m, () => m.forward(q, kv, kv, pad, attn_mask: mask).output);
    }

    [TestCase(false, nn.Activations.ReLU)]
    [TestCase(true, nn.Activations.GELU)]
    public void TransformerEncoderLayer(bool normFirst, nn.Activations activation)
    {
        using var scope = NewDisposeScope();
        using var m = nn.TransformerEncoderLayer(4, 2, 6, dropout: 0.0, activation: activation, batch_first: true, norm_first: normFirst).to(ScalarType.Float64);
        var x = GradCheck.Input(9, new long[] { 2, 3, 4 });
        var mask = F.causal_mask(3);
        var pad = tensor(new[] { false, false, false, true, false, false }, new long[] { 2, 3 });
        GradCheck.AssertGradients(xs => m.forward(xs[0], mask, pad), new[] { x }, what: "TransformerEncoderLayer input");
        AssertParameterGradients(m, () => m.forward(x, mask, pad));
    }

    [Test]
    public void TransformerEncoderWithFinalNorm()
    {
        using var scope = NewDisposeScope();
        using var layer = nn.TransformerEncoderLayer(4, 1, 5, dropout: 0.0, batch_first: true);
        using var m = nn.TransformerEncoder(layer, 2, nn.LayerNorm(4)).to(ScalarType.Float64);
        var x = GradCheck.Input(10, new long[] { 1, 3, 4 });
        GradCheck.AssertGradients(xs => m.forward(xs[0]), new[] { x }, what: "TransformerEncoder input");
        AssertParameterGradients(m, () => m.forward(x));
    }

    [Test]
    public void SequentialOfLinearsAndActivations()
    {
        using var scope = NewDisposeScope();
        using var m = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4), nn.SiLU(), nn.Identity(), nn.Linear(4, 2), nn.GELU(), nn.Dropout(0.0)).to(ScalarType.Float64);
        var x = GradCheck.Input(11, new long[] { 4, 3 });
        GradCheck.AssertGradients(xs => m.forward(xs[0]), new[] { x }, what: "Sequential input");
        AssertParameterGradients(m, () => m.forward(x));
    }
}
