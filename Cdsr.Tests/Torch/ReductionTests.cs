using Cdsr.Torch;
using static Cdsr.Torch.torch;

namespace Cdsr.Tests.Torch;

/// <summary>Reductions and sorting against hand-computed values.</summary>
public class ReductionTests
{
    // [[1 5 2] [4 3 6]] float64
    private static Tensor M() => tensor(new double[] { 1, 5, 2, 4, 3, 6 }, new long[] { 2, 3 });

    [Test]
    public void SumMeanProdAlongDimsWithKeepdim()
    {
        using var scope = NewDisposeScope();
        var m = M();
        Assert.That(m.sum().item<double>(), Is.EqualTo(21));
        Assert.That(m.sum(0).data<double>(), Is.EqualTo(new double[] { 5, 8, 8 }));
        Assert.That(m.sum(1, keepdim: true).shape, Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(m.sum(new long[] { 0, 1 }, keepdim: true).shape, Is.EqualTo(new long[] { 1, 1 }));
        Assert.That(m.sum(new long[] { 0, 1 }, type: ScalarType.Float32).dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(m.mean().item<double>(), Is.EqualTo(3.5));
        Assert.That(m.mean(-1).data<double>(), Is.EqualTo(new double[] { 8.0 / 3, 13.0 / 3 }).Within(1e-12));
        Assert.That(m.prod().item<double>(), Is.EqualTo(720));
        Assert.That(m.prod(1).data<double>(), Is.EqualTo(new double[] { 10, 72 }));
        Assert.That(m.cumsum(1).data<double>(), Is.EqualTo(new double[] { 1, 6, 8, 4, 7, 13 }));
    }

    [Test]
    public void StdVarNormLogsumexp()
    {
        using var scope = NewDisposeScope();
        var v = tensor(new double[] { 2, 4, 4, 4, 5, 5, 7, 9 });
        Assert.That(v.var(unbiased: false).item<double>(), Is.EqualTo(4).Within(1e-12));
        Assert.That(v.std(unbiased: false).item<double>(), Is.EqualTo(2).Within(1e-12));
        Assert.That(v.var().item<double>(), Is.EqualTo(32.0 / 7).Within(1e-12));
        Assert.That(M().var(1).data<double>(), Is.EqualTo(new double[] { 13.0 / 3, 7.0 / 3 }).Within(1e-12));
        var n = tensor(new double[] { 3, -4 });
        Assert.That(n.norm().item<double>(), Is.EqualTo(5).Within(1e-12));
        Assert.That(n.norm(1).item<double>(), Is.EqualTo(7).Within(1e-12));
        Assert.That(n.norm(double.PositiveInfinity).item<double>(), Is.EqualTo(4).Within(1e-12));
        Assert.That(M().norm(1, keepdim: false, p: 2).data<double>(), Is.EqualTo(new[] { Math.Sqrt(30), Math.Sqrt(61) }).Within(1e-12));
        // logsumexp stays finite where exp overflows.
        var big = tensor(new double[] { 1000, 1000 });
        Assert.That(big.logsumexp(0).item<double>(), Is.EqualTo(1000 + Math.Log(2)).Within(1e-9));
        Assert.That(M().logsumexp(1).data<double>()[0], Is.EqualTo(Math.Log(Math.Exp(1) + Math.Exp(5) + Math.Exp(2))).Within(1e-12));
    }

    [Test]
    public void MaxMinArgmaxArgmin()
    {
        using var scope = NewDisposeScope();
        var m = M();
        Assert.That(m.max().item<double>(), Is.EqualTo(6));
        Assert.That(m.min().item<double>(), Is.EqualTo(1));
        var (values, indexes) = m.max(1);
        Assert.That(values.data<double>(), Is.EqualTo(new double[] { 5, 6 }));
        Assert.That(indexes.data<long>(), Is.EqualTo(new long[] { 1, 2 }));
        var (mv, mi) = m.min(0, keepdim: true);
        Assert.That(mv.shape, Is.EqualTo(new long[] { 1, 3 }));
        Assert.That(mv.data<double>(), Is.EqualTo(new double[] { 1, 3, 2 }));
        Assert.That(mi.data<long>(), Is.EqualTo(new long[] { 0, 1, 0 }));
        Assert.That(m.argmax().item<long>(), Is.EqualTo(5));
        Assert.That(m.argmin(1).data<long>(), Is.EqualTo(new long[] { 0, 1 }));
        Assert.That(m.argmax(0, keepdim: true).shape, Is.EqualTo(new long[] { 1, 3 }));
        var ex = Assert.Throws<TorchException>(() => m.max(2));
        Assert.That(ex!.Message, Does.Contain("Dimension out of range"));
    }

    [Test]
    public void AllAnyTopkSortArgsort()
    {
        using var scope = NewDisposeScope();
        var b = tensor(new[] { true, false, true, true }, new long[] { 2, 2 });
        Assert.That(b.all().item<bool>(), Is.False);
        Assert.That(b.any().item<bool>(), Is.True);
        Assert.That(b.all(1).data<bool>(), Is.EqualTo(new[] { false, true }));
        Assert.That(b.any(0).data<bool>(), Is.EqualTo(new[] { true, true }));

        var s = tensor(new float[] { 3, 1, 4, 1, 5, 9, 2, 6 });
        var (tv, ti) = s.topk(3);
        Assert.That(tv.data<float>(), Is.EqualTo(new float[] { 9, 6, 5 }));
        Assert.That(ti.data<long>(), Is.EqualTo(new long[] { 5, 7, 4 }));
        var (lv, _) = s.topk(2, largest: false);
        Assert.That(lv.data<float>(), Is.EqualTo(new float[] { 1, 1 }));
        var (sv, si) = s.sort();
        Assert.That(sv.data<float>(), Is.EqualTo(new float[] { 1, 1, 2, 3, 4, 5, 6, 9 }));
        Assert.That(si.data<long>()[..2], Is.EqualTo(new long[] { 1, 3 }), "stable: equal values keep their order");
        Assert.That(s.argsort(descending: true).data<long>(), Is.EqualTo(new long[] { 5, 7, 4, 2, 0, 6, 1, 3 }));
        var ex = Assert.Throws<TorchException>(() => s.topk(9));
        Assert.That(ex!.Message, Does.Contain("k"));
    }
}
