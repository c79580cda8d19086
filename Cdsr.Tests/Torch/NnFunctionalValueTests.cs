using Cdsr.Torch;
using static Cdsr.Torch.torch;
using static Cdsr.Tests.Torch.NnTestHelpers;
using F = Cdsr.Torch.torch.nn.functional;

namespace Cdsr.Tests.Torch;

/// <summary>torch.nn.functional values against expectations computed by hand in this file.</summary>
public class NnFunctionalValueTests
{
    private static readonly double[] Logits = { 1.0, 2.0, 0.5, -1.0, 0.0, 3.0, 0.2, 0.2, 0.2 }; // [3, 3]

    private static double[] SoftmaxRow(double[] x, int row, int n)
    {
        var e = Enumerable.Range(0, n).Select(j => Math.Exp(x[row * n + j])).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    [Test]
    public void SoftmaxRowsAreNormalisedExponentials()
    {
        using var scope = NewDisposeScope();
        var x = tensor(Logits, new long[] { 3, 3 });
        var expected = Enumerable.Range(0, 3).SelectMany(r => SoftmaxRow(Logits, r, 3)).ToArray();
        AssertClose(expected, F.softmax(x, 1).data<double>(), 1e-12, "softmax");
        AssertClose(expected.Select(v => Math.Log(v)).ToArray(), F.log_softmax(x, -1).data<double>(), 1e-12, "log_softmax");
        var rows = F.softmax(x, 1).data<double>();
        for (int r = 0; r < 3; r++) Assert.That(rows[(r * 3)..(r * 3 + 3)].Sum(), Is.EqualTo(1.0).Within(1e-12));
    }

    [Test]
    public void ActivationsMatchTheirFormulas()
    {
        using var scope = NewDisposeScope();
        var v = new[] { -2.0, -0.5, 0.0, 0.7, 3.0 };
        var x = tensor(v);
        AssertClose(v.Select(a => a > 0 ? a : 0.1 * a).ToArray(), F.leaky_relu(x, 0.1).data<double>(), 1e-12, "leaky_relu");
        AssertClose(v.Select(a => a > 0 ? a : 1.5 * (Math.Exp(a) - 1)).ToArray(), F.elu(x, 1.5).data<double>(), 1e-12, "elu");
        AssertClose(v.Select(a => 0.5 * a * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (a + 0.044715 * a * a * a)))).ToArray(),
            F.gelu(x, "tanh").data<double>(), 1e-12, "gelu tanh");
        AssertClose(v.Select(a => Math.Log(1 / (1 + Math.Exp(-a)))).ToArray(), F.logsigmoid(x).data<double>(), 1e-12, "logsigmoid");
        AssertClose(v.Select(a => Math.Log(1 + Math.Exp(2 * a)) / 2).ToArray(), F.softplus(x, 2).data<double>(), 1e-12, "softplus");
        AssertClose(v.Select(a => a / (1 + Math.Exp(-a))).ToArray(), F.silu(x).data<double>(), 1e-12, "silu");
        // Exact gelu is x * Phi(x); it lies within 1e-3 of the tanh approximation and is 0 at 0.
        AssertClose(F.gelu(x, "tanh").data<double>(), F.gelu(x).data<double>(), 1e-3, "gelu exact vs tanh");
        Assert.That(F.gelu(x).data<double>()[2], Is.EqualTo(0.0));
        var ex = Assert.Throws<ArgumentException>(() => F.gelu(x, "fast"))!;
        Assert.That(ex.Message, Does.Contain("\"fast\""));
    }

    [Test]
    public void NormalizeGivesUnitRowsAndGuardsZeroRows()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 3, 4, 0, 0, 1, -1 }, new long[] { 3, 2 });
        AssertClose(new[] { 0.6, 0.8, 0, 0, 1 / Math.Sqrt(2), -1 / Math.Sqrt(2) }, F.normalize(x).data<double>(), 1e-12, "l2 normalize");
        AssertClose(new[] { 3 / 7.0, 4 / 7.0, 0, 0, 0.5, -0.5 }, F.normalize(x, 1.0, 1).data<double>(), 1e-12, "l1 normalize");
    }

    [Test]
    public void CrossEntropyExcludesIgnoredTargetsFromSumAndCount()
    {
        using var scope = NewDisposeScope();
        var x = tensor(Logits, new long[] { 3, 3 });
        var target = tensor(new long[] { 1, 0, 0 }); // row 1 (target 0) is ignored below
        var nll = Enumerable.Range(0, 3).Select(r => -Math.Log(SoftmaxRow(Logits, r, 3)[new[] { 1, 0, 0 }[r]])).ToArray();

        Assert.That(F.cross_entropy(x, target).item<double>(), Is.EqualTo(nll.Average()).Within(1e-12));
        var ignoring = tensor(new long[] { 1, -100, 0 });
        Assert.That(F.cross_entropy(x, ignoring).item<double>(), Is.EqualTo((nll[0] + nll[2]) / 2).Within(1e-12), "ignore_index excluded from the mean");
        Assert.That(F.cross_entropy(x, ignoring, reduction: nn.Reduction.Sum).item<double>(), Is.EqualTo(nll[0] + nll[2]).Within(1e-12));
        var custom = tensor(new long[] { 1, 0, 7 });
        Assert.That(F.cross_entropy(x, custom, ignore_index: 7).item<double>(), Is.EqualTo((nll[0] + nll[1]) / 2).Within(1e-12), "custom ignore_index");
        AssertClose(new[] { nll[0], 0, nll[2] }, F.cross_entropy(x, ignoring, reduction: nn.Reduction.None).data<double>(), 1e-12, "per-row, ignored row 0");
        Assert.That(F.nll_loss(F.log_softmax(x, 1), ignoring).item<double>(), Is.EqualTo((nll[0] + nll[2]) / 2).Within(1e-12), "nll_loss");
    }

    [Test]
    public void CrossEntropyLabelSmoothingMixesInTheUniformTarget()
    {
        using var scope = NewDisposeScope();
        var x = tensor(Logits, new long[] { 3, 3 });
        var targets = new[] { 2, 1, 0 };
        const double eps = 0.2;
        double expected = 0;
        for (int r = 0; r < 3; r++)
        {
            var logp = SoftmaxRow(Logits, r, 3).Select(v => Math.Log(v)).ToArray();
            expected += (1 - eps) * -logp[targets[r]] + eps * -logp.Average();
        }
        var loss = F.cross_entropy(x, tensor(targets.Select(t => (long)t).ToArray()), label_smoothing: eps);
        Assert.That(loss.item<double>(), Is.EqualTo(expected / 3).Within(1e-12));
    }

    [Test]
    public void BinaryCrossEntropyWithLogitsAppliesWeightAndPosWeight()
    {
        using var scope = NewDisposeScope();
        double[] z = { 0.3, -1.2, 2.0, 0.0 }, y = { 1, 0, 1, 0 }, w = { 1, 2, 0.5, 1 }, pw = { 3, 0.5 };
        double Sig(double a) => 1 / (1 + Math.Exp(-a));
        var expected = Enumerable.Range(0, 4).Select(i =>
            -w[i] * (pw[i % 2] * y[i] * Math.Log(Sig(z[i])) + (1 - y[i]) * Math.Log(1 - Sig(z[i])))).ToArray();
        var loss = F.binary_cross_entropy_with_logits(tensor(z, new long[] { 2, 2 }), tensor(y, new long[] { 2, 2 }), tensor(w, new long[] { 2, 2 }),
            nn.Reduction.None, tensor(pw));
        AssertClose(expected, loss.data<double>(), 1e-12, "bce_with_logits");
        var mean = F.binary_cross_entropy_with_logits(tensor(z), tensor(y));
        Assert.That(mean.item<double>(), Is.EqualTo(Enumerable.Range(0, 4).Average(i => -(y[i] * Math.Log(Sig(z[i])) + (1 - y[i]) * Math.Log(1 - Sig(z[i]))))).Within(1e-12));
        var ex = Assert.Throws<TorchException>(() => F.binary_cross_entropy_with_logits(tensor(z), tensor(new double[] { 1, 0 })))!;
        Assert.That(ex.Message, Does.Contain("target shape [2] differs from input shape [4]"));
    }

    [Test]
    public void CosineSimilarityOneHotAndBinaryCrossEntropy()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new double[] { 1, 0, 3, 4 }, new long[] { 2, 2 });
        var b = tensor(new double[] { 0, 2, 3, 4 }, new long[] { 2, 2 });
        AssertClose(new double[] { 0, 1 }, F.cosine_similarity(a, b).data<double>(), 1e-12, "cosine");
        Assert.That(F.one_hot(tensor(new long[] { 2, 0 }), 3).data<long>(), Is.EqualTo(new long[] { 0, 0, 1, 1, 0, 0 }));
        double[] p = { 0.9, 0.2 }, y = { 1, 0 };
        Assert.That(F.binary_cross_entropy(tensor(p), tensor(y)).item<double>(), Is.EqualTo(-(Math.Log(0.9) + Math.Log(0.8)) / 2).Within(1e-12));
        var ex = Assert.Throws<TorchException>(() => F.one_hot(tensor(new int[] { 1 }), 3))!;
        Assert.That(ex.Message, Does.Contain("indices must be int64, got Int"));
    }

    [Test]
    public void MseLossAndKlDivergenceMatchClosedForms()
    {
        using var scope = NewDisposeScope();
        double[] a = { 1, 2, 3, 4 }, b = { 1.5, 2, 2, 5 };
        Assert.That(F.mse_loss(tensor(a), tensor(b)).item<double>(), Is.EqualTo((0.25 + 0 + 1 + 1) / 4).Within(1e-12));
        Assert.That(F.mse_loss(tensor(a), tensor(b), nn.Reduction.Sum).item<double>(), Is.EqualTo(2.25).Within(1e-12));

        // KL of two 2-d diagonal Gaussians, per row, computed term by term.
        double[] mq = { 0.5, -1, 0, 0 }, lq = { 0.2, -0.3, 0, 0 }, mp = { 0, 0.5, 0, 0 }, lp = { -0.1, 0.4, 0, 0 };
        double Kl(int i) => 0.5 * (lp[i] - lq[i] + (Math.Exp(lq[i]) + (mq[i] - mp[i]) * (mq[i] - mp[i])) / Math.Exp(lp[i]) - 1);
        var perRow = F.kl_div_diag_gaussian(tensor(mq, new long[] { 2, 2 }), tensor(lq, new long[] { 2, 2 }), tensor(mp, new long[] { 2, 2 }),
            tensor(lp, new long[] { 2, 2 }), nn.Reduction.None);
        AssertClose(new[] { Kl(0) + Kl(1), Kl(2) + Kl(3) }, perRow.data<double>(), 1e-12, "kl per row");
        Assert.That(perRow.data<double>()[1], Is.EqualTo(0.0).Within(1e-15), "KL(p || p) = 0");
    }

    [Test]
    public void DropoutZeroesOrScalesInTrainingAndIsIdentityInEval()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var x = ones(new long[] { 1000 }, ScalarType.Float64);
        var y = F.dropout(x, 0.5, training: true).data<double>();
        Assert.That(y.All(v => v == 0 || v == 2), Is.True, "survivors scaled by 1/(1-p)");
        Assert.That(y.Count(v => v == 0), Is.InRange(400, 600), "about half dropped");
        Assert.That(F.dropout(x, 0.5, training: false).data<double>().All(v => v == 1), Is.True);
        var ex = Assert.Throws<TorchException>(() => F.dropout(x, 1.5))!;
        Assert.That(ex.Message, Does.Contain("dropout probability must be in [0, 1]"));
    }

    [Test]
    public void EmbeddingPaddingRowGetsNoGradient()
    {
        using var scope = NewDisposeScope();
        var w = GradCheck.Input(40, new long[] { 4, 2 });
        var ids = tensor(new long[] { 0, 1, 0, 3 });
        var e = F.embedding(ids, w, padding_idx: 0);
        AssertClose(w.data<double>()[2..4], e.data<double>()[2..4], 0, "row 1 looked up");
        e.backward(ones(new long[] { 4, 2 }, ScalarType.Float64));
        AssertClose(new double[] { 0, 0, 1, 1, 0, 0, 1, 1 }, w.grad!.data<double>(), 0, "padding row 0 gets no gradient; row 3 once; row 2 unused");
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => F.embedding(ids, w, padding_idx: 4))!;
        Assert.That(ex.Message, Does.Contain("padding_idx 4 is out of range for an embedding of 4 rows"));
    }

    [Test]
    public void LinearAndLayerNormValues()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3, -1, 0, 1 }, new long[] { 2, 3 });
        var w = tensor(new double[] { 1, 0, -1, 0.5, 0.5, 0.5 }, new long[] { 2, 3 });
        var b = tensor(new double[] { 0.1, -0.1 });
        AssertClose(new[] { -2 + 0.1, 3 - 0.1, -2 + 0.1, 0 - 0.1 }, F.linear(x, w, b).data<double>(), 1e-12, "linear");
        var ex = Assert.Throws<TorchException>(() => F.linear(x, tensor(new double[] { 1, 2 }, new long[] { 1, 2 })))!;
        Assert.That(ex.Message, Does.Contain("does not end in in_features 2"));

        // Row [1, 2, 3]: mean 2, biased variance 2/3.
        var ln = F.layer_norm(x, new long[] { 3 }, eps: 0).data<double>();
        var s = Math.Sqrt(2.0 / 3);
        AssertClose(new[] { -1 / s, 0, 1 / s, -1 / s, 0, 1 / s }, ln, 1e-9, "layer_norm");
    }

    [Test]
    public void AnUnknownReductionCodeIsReported()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<TorchException>(() => F.mse_loss(tensor(new double[] { 1 }), tensor(new double[] { 2 }), (nn.Reduction)7))!;
        Assert.That(ex.Message, Does.Contain("reduction code 7 is not one of 0 (none), 1 (mean), 2 (sum)"));
    }
}
