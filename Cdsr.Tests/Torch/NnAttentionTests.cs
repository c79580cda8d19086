using Cdsr.Torch;
using static Cdsr.Torch.torch;
using static Cdsr.Tests.Torch.NnTestHelpers;
using F = Cdsr.Torch.torch.nn.functional;

namespace Cdsr.Tests.Torch;

/// <summary>Attention masks: causal masks block the future, key padding masks silence keys, fully masked rows stay finite.</summary>
public class NnAttentionTests
{
    [Test]
    public void SquareSubsequentMaskIsMinusInfinityAboveTheDiagonal()
    {
        using var scope = NewDisposeScope();
        var m = F.generate_square_subsequent_mask(3).data<float>();
        var inf = float.NegativeInfinity;
        Assert.That(m, Is.EqualTo(new[] { 0, inf, inf, 0, 0, inf, 0, 0, 0 }));
        Assert.That(F.causal_mask(3).data<bool>(), Is.EqualTo(new[] { false, true, true, false, false, true, false, false, false }));
        Assert.That(F.padding_mask(tensor(new long[] { 0, 5, 3, 0 }, new long[] { 2, 2 })).data<bool>(), Is.EqualTo(new[] { true, false, false, true }));
    }

    [Test]
    public void SdpaMatchesAHandComputedExample()
    {
        using var scope = NewDisposeScope();
        // One query [1, 0], keys [1, 0] and [0, 1], values [10] and [20]: scores 1/sqrt2 and 0.
        var q = tensor(new double[] { 1, 0 }, new long[] { 1, 2 });
        var k = tensor(new double[] { 1, 0, 0, 1 }, new long[] { 2, 2 });
        var v = tensor(new double[] { 10, 20 }, new long[] { 2, 1 });
        var a = Math.Exp(1 / Math.Sqrt(2));
        Assert.That(F.scaled_dot_product_attention(q, k, v).item<double>(), Is.EqualTo((10 * a + 20) / (a + 1)).Within(1e-12));
        var onlySecond = tensor(new[] { false, true }, new long[] { 1, 2 });
        Assert.That(F.scaled_dot_product_attention(q, k, v, onlySecond).item<double>(), Is.EqualTo(20).Within(1e-12), "bool mask: true = may attend");
    }

    [Test]
    public void SdpaCausalFlagEqualsAnExplicitLowerTriangularMask()
    {
        using var scope = NewDisposeScope();
        var q = GradCheck.Input(1, new long[] { 2, 4, 3 });
        var k = GradCheck.Input(2, new long[] { 2, 4, 3 });
        var v = GradCheck.Input(3, new long[] { 2, 4, 3 });
        var allowed = F.causal_mask(4).logical_not();
        AssertClose(F.scaled_dot_product_attention(q, k, v, allowed).data<double>(), F.scaled_dot_product_attention(q, k, v, is_causal: true).data<double>(),
            1e-14, "causal flag vs mask");
        AssertClose(F.scaled_dot_product_attention(q, k, v, F.generate_square_subsequent_mask(4, ScalarType.Float64)).data<double>(),
            F.scaled_dot_product_attention(q, k, v, is_causal: true).data<double>(), 1e-14, "additive mask vs flag");
    }

    private static nn.Module CausalModel(out Func<Tensor, Tensor> run, bool normFirst)
    {
        var layer = nn.TransformerEncoderLayer(8, 2, 16, dropout: 0.0, batch_first: true, norm_first: normFirst).to(ScalarType.Float64);
        var encoder = nn.TransformerEncoder(layer, 2).to(ScalarType.Float64);
        layer.Dispose();
        var mask = F.causal_mask(5); // disposed with the test's scope
        run = x => encoder.forward(x, mask, null);
        return encoder;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void CausalMaskMakesOutputAtTIndependentOfLaterInputs(bool normFirst)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using var model = CausalModel(out var run, normFirst);
        var a = GradCheck.Input(4, new long[] { 2, 5, 8 }).data<double>();
        for (int t = 0; t < 5; t++)
        {
            var b = (double[])a.Clone();
            for (int batch = 0; batch < 2; batch++)
            for (int pos = t + 1; pos < 5; pos++)
            for (int d = 0; d < 8; d++) b[batch * 40 + pos * 8 + d] += 3.0 * Math.Sin(pos + d);
            var ya = run(tensor(a, new long[] { 2, 5, 8 })).data<double>();
            var yb = run(tensor(b, new long[] { 2, 5, 8 })).data<double>();
            for (int batch = 0; batch < 2; batch++)
            for (int pos = 0; pos < 5; pos++)
            {
                var same = Enumerable.Range(0, 8).All(d => Math.Abs(ya[batch * 40 + pos * 8 + d] - yb[batch * 40 + pos * 8 + d]) < 1e-12);
                if (pos <= t) Assert.That(same, Is.True, $"position {pos} changed when only inputs after {t} changed");
                else Assert.That(same, Is.False, $"position {pos} should see its own changed input");
            }
        }
    }

    [Test]
    public void PaddedKeysHaveNoInfluenceAndZeroWeight()
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        using var mha = nn.MultiheadAttention(4, 2, batch_first: true).to(ScalarType.Float64);
        var ids = tensor(new long[] { 0, 0, 3, 4, 5, 6, 0, 7 }, new long[] { 2, 4 }); // id 0 = padding
        var pad = F.padding_mask(ids);
        var x = GradCheck.Input(5, new long[] { 2, 4, 4 }).data<double>();
        var changed = (double[])x.Clone();
        foreach (var (batch, pos) in new[] { (0, 0), (0, 1), (1, 2) })
            for (int d = 0; d < 4; d++) changed[batch * 16 + pos * 4 + d] = 100 + d;
        var (y1, w1) = mha.forward(tensor(x, new long[] { 2, 4, 4 }), tensor(x, new long[] { 2, 4, 4 }), tensor(x, new long[] { 2, 4, 4 }), pad);
        var xq = tensor(x, new long[] { 2, 4, 4 });
        var xkv = tensor(changed, new long[] { 2, 4, 4 });
        var (y2, _) = mha.forward(xq, xkv, xkv, pad);
        AssertClose(y1.data<double>(), y2.data<double>(), 1e-12, "output with changed padded keys/values");
        Assert.That(w1!.shape, Is.EqualTo(new long[] { 2, 4, 4 }));
        var w = w1.data<double>();
        for (int q = 0; q < 4; q++)
        {
            Assert.That(w[q * 4 + 0] + w[q * 4 + 1], Is.EqualTo(0.0), "batch 0 keys 0 and 1 are padding");
            Assert.That(w[16 + q * 4 + 2], Is.EqualTo(0.0), "batch 1 key 2 is padding");
            Assert.That(w[(q * 4)..(q * 4 + 4)].Sum(), Is.EqualTo(1.0).Within(1e-12), "weights of a query sum to 1");
        }
    }

    [Test]
    public void AQueryWithEveryKeyMaskedGetsZerosNotNaN()
    {
        using var scope = NewDisposeScope();
        manual_seed(13);
        using var mha = nn.MultiheadAttention(4, 1, batch_first: true, bias: false).to(ScalarType.Float64);
        var x = GradCheck.Input(6, new long[] { 1, 3, 4 });
        // Left padding under a causal mask: query 0 may only see key 0, which is padding.
        var pad = tensor(new[] { true, false, false }, new long[] { 1, 3 });
        var (y, w) = mha.forward(x, x, x, pad, attn_mask: F.causal_mask(3));
        var out0 = y.data<double>();
        Assert.That(out0.All(double.IsFinite), Is.True, "no NaN");
        Assert.That(out0[0..4], Is.EqualTo(new double[4]), "fully masked query gives zero (no bias)");
        Assert.That(w!.data<double>()[0..3], Is.EqualTo(new double[3]));
        y.backward(ones(new long[] { 1, 3, 4 }, ScalarType.Float64));
        Assert.That(x.grad!.data<double>().All(double.IsFinite), Is.True, "finite gradients");
        Assert.That(mha.in_proj_weight.grad!.data<double>().All(double.IsFinite), Is.True);
    }

    [Test]
    public void OneHeadAttentionWithIdentityProjectionsIsScaledDotProductAttention()
    {
        using var scope = NewDisposeScope();
        using var mha = nn.MultiheadAttention(3, 1, batch_first: true).to(ScalarType.Float64);
        var eye3 = eye(3, ScalarType.Float64).data<double>();
        mha.load_state_dict(new Dictionary<string, Tensor>
        {
            ["in_proj_weight"] = tensor(eye3.Concat(eye3).Concat(eye3).ToArray(), new long[] { 9, 3 }),
            ["in_proj_bias"] = zeros(new long[] { 9 }, ScalarType.Float64),
            ["out_proj.weight"] = eye(3, ScalarType.Float64),
            ["out_proj.bias"] = zeros(new long[] { 3 }, ScalarType.Float64),
        });
        var q = GradCheck.Input(7, new long[] { 2, 2, 3 });
        var kv = GradCheck.Input(8, new long[] { 2, 4, 3 });
        var (y, _) = mha.forward(q, kv, kv);
        AssertClose(F.scaled_dot_product_attention(q, kv, kv).data<double>(), y.data<double>(), 1e-12, "mha == sdpa");
    }

    [Test]
    public void BadAttentionShapesAreReported()
    {
        using var scope = NewDisposeScope();
        using var mha = nn.MultiheadAttention(4, 2, batch_first: true);
        var x = randn(2, 3, 4);
        var ex = Assert.Throws<TorchException>(() => mha.forward(x, x, x, ones(new long[] { 2, 5 }).gt(0.0)))!;
        Assert.That(ex.Message, Does.Contain("key_padding_mask must be [2, 3], got [2, 5]"));
        ex = Assert.Throws<TorchException>(() => mha.forward(x, x, x, null, attn_mask: F.causal_mask(4)))!;
        Assert.That(ex.Message, Does.Contain("attn_mask must be [3, 3] or [4, 3, 3], got [4, 4]"));
        var ax = Assert.Throws<ArgumentException>(() => nn.MultiheadAttention(6, 4))!;
        Assert.That(ax.Message, Does.Contain("embed_dim 6 must be a positive multiple of num_heads 4"));
    }
}
