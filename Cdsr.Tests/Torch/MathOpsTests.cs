using Cdsr.Torch;
using static Cdsr.Torch.torch;

namespace Cdsr.Tests.Torch;

/// <summary>Element-wise math, comparisons, in-place updates and autograd controls, against hand-computed values.</summary>
public class MathOpsTests
{
    [Test]
    public void ComparisonsAndLogicalOpsBroadcast()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        var b = tensor(new float[] { 2, 2 }, new long[] { 1, 2 });
        Assert.That(a.eq(b).data<bool>(), Is.EqualTo(new[] { false, true, false, false }));
        Assert.That(a.ne(b).data<bool>(), Is.EqualTo(new[] { true, false, true, true }));
        Assert.That((a < b).data<bool>(), Is.EqualTo(new[] { true, false, false, false }));
        Assert.That((a <= b).data<bool>(), Is.EqualTo(new[] { true, true, false, false }));
        Assert.That((a > b).data<bool>(), Is.EqualTo(new[] { false, false, true, true }));
        Assert.That((a >= 3.0).data<bool>(), Is.EqualTo(new[] { false, false, true, true }));
        var p = tensor(new[] { true, true, false, false });
        var q = tensor(new[] { true, false, true, false });
        Assert.That((p & q).data<bool>(), Is.EqualTo(new[] { true, false, false, false }));
        Assert.That((p | q).data<bool>(), Is.EqualTo(new[] { true, true, true, false }));
        Assert.That((p ^ q).data<bool>(), Is.EqualTo(new[] { false, true, true, false }));
        Assert.That((!p).data<bool>(), Is.EqualTo(new[] { false, false, true, true }));
        // count via sum: bools sum to int64
        var count = (a > 1.5).sum();
        Assert.That(count.dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(count.item<long>(), Is.EqualTo(3));
    }

    [Test]
    public void PowClampMaximumFmodSignFloor()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { -2.5, -1, 0.5, 3 });
        Assert.That(x.pow(2).data<double>(), Is.EqualTo(new[] { 6.25, 1, 0.25, 9 }));
        Assert.That(x.clamp(-1, 1).data<double>(), Is.EqualTo(new[] { -1, -1, 0.5, 1 }));
        Assert.That(x.clamp(min: 0).data<double>(), Is.EqualTo(new[] { 0, 0, 0.5, 3 }));
        Assert.That(x.clamp_max(0).data<double>(), Is.EqualTo(new[] { -2.5, -1, 0, 0 }));
        var y = tensor(new double[] { 0, 0, 1, 1 });
        Assert.That(maximum(x, y).data<double>(), Is.EqualTo(new[] { 0, 0, 1, 3 }));
        Assert.That(minimum(x, y).data<double>(), Is.EqualTo(new[] { -2.5, -1, 0.5, 1 }));
        // fmod keeps the dividend's sign; remainder takes the divisor's.
        Assert.That(x.fmod(2).data<double>(), Is.EqualTo(new[] { -0.5, -1, 0.5, 1 }));
        Assert.That(x.remainder(2).data<double>(), Is.EqualTo(new[] { 1.5, 1, 0.5, 1 }));
        Assert.That(x.sign().data<double>(), Is.EqualTo(new[] { -1, -1, 1, 1 }));
        Assert.That(x.floor().data<double>(), Is.EqualTo(new[] { -3, -1, 0, 3 }));
        Assert.That((2.0 - x / 2.0 * 4.0 + 1.0).data<double>(), Is.EqualTo(new[] { 8, 5, 2, -3 }));
        Assert.That(x.add(y, alpha: 10).data<double>(), Is.EqualTo(new[] { -2.5, -1, 10.5, 13 }));
        var ex = Assert.Throws<TorchException>(() => x.clamp());
        Assert.That(ex!.Message, Does.Contain("at least one of min and max"));
    }

    [Test]
    public void MatmulBmmMmValues()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 });
        var b = tensor(new float[] { 1, 0, 0, 1, 1, 1 }, new long[] { 3, 2 });
        Assert.That(a.mm(b).data<float>(), Is.EqualTo(new float[] { 4, 5, 10, 11 }));
        var v = tensor(new float[] { 1, 1, 1 });
        Assert.That(a.matmul(v).data<float>(), Is.EqualTo(new float[] { 6, 15 }));
        var batch = stack(new[] { a, a * 2 });
        var bb = stack(new[] { b, b });
        Assert.That(batch.bmm(bb).data<float>(), Is.EqualTo(new float[] { 4, 5, 10, 11, 8, 10, 20, 22 }));
        Assert.That(batch.matmul(b).shape, Is.EqualTo(new long[] { 2, 2, 2 }), "matmul broadcasts a matrix over the batch");
    }

    [Test]
    public void InPlaceOpsMutateAndReturnTheSameTensor()
    {
        using var scope = NewDisposeScope();
        var x = zeros(4);
        var before = Tensor.TotalCount;
        Assert.That(x.fill_(2), Is.SameAs(x));
        x.add_(ones(4), alpha: 3).mul_(2).sub_(1).div_(tensor(new float[] { 1, 2, 3, 9 }));
        Assert.That(x.data<float>(), Is.EqualTo(new float[] { 9, 4.5f, 3, 1 }));
        Assert.That(Tensor.TotalCount, Is.EqualTo(before + 2), "only the two argument tensors were created");
        x.clamp_(2, 5);
        Assert.That(x.data<float>(), Is.EqualTo(new float[] { 5, 4.5f, 3, 2 }));
        x.masked_fill_(x.gt(4.0), -1);
        Assert.That(x.data<float>(), Is.EqualTo(new float[] { -1, -1, 3, 2 }));
        x.copy_(tensor(new double[] { 7 }));
        Assert.That(x.data<float>(), Is.EqualTo(new float[] { 7, 7, 7, 7 }));
        x.zero_();
        Assert.That(x.data<float>(), Is.All.EqualTo(0f));
        x.uniform_(2, 3);
        Assert.That(x.data<float>(), Is.All.InRange(2f, 3f));
        var n = zeros(10000).normal_(5, 2);
        Assert.That(n.mean().item<double>(), Is.EqualTo(5).Within(0.1));
        Assert.That(n.std().item<double>(), Is.EqualTo(2).Within(0.1));
    }

    [Test]
    public void InPlaceOnLeafRequiringGradNeedsNoGrad()
    {
        using var scope = NewDisposeScope();
        var w = zeros(new long[] { 3 }, requires_grad: true);
        Assert.That(w.requires_grad, Is.True, "factory requires_grad");
        var ex = Assert.Throws<TorchException>(() => w.add_(1));
        Assert.That(ex!.Message, Does.Contain("leaf Variable that requires grad"));
        using (no_grad()) w.uniform_(-1, 1);
        Assert.That(w.requires_grad, Is.True);
    }

    [Test]
    public void NoGradStopsRecordingAndRestoresTheMode()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2 }, requires_grad: true);
        Assert.That(is_grad_enabled(), Is.True);
        using (no_grad())
        {
            Assert.That(is_grad_enabled(), Is.False);
            Assert.That((x * 2).requires_grad, Is.False);
            using (enable_grad()) Assert.That((x * 2).requires_grad, Is.True);
            Assert.That(is_grad_enabled(), Is.False);
        }
        Assert.That(is_grad_enabled(), Is.True);
        Assert.That((x * 2).requires_grad, Is.True);
    }

    [Test]
    public void BackwardWithGradientAndRetainGraph()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3 }).requires_grad_();
        var y = x * x; // dy/dx = 2x
        y.backward(tensor(new double[] { 1, 0, 2 }), retain_graph: true);
        Assert.That(x.grad!.data<double>(), Is.EqualTo(new double[] { 2, 0, 12 }));
        y.backward(ones(new long[] { 3 }, ScalarType.Float64));
        Assert.That(x.grad!.data<double>(), Is.EqualTo(new double[] { 4, 4, 18 }), "gradients accumulate");
        var ex = Assert.Throws<TorchException>(() => y.backward(ones(new long[] { 3 }, ScalarType.Float64)));
        Assert.That(ex!.Message, Does.Contain("backward through the graph a second time"));
        x.grad = null;
        Assert.That(x.grad, Is.Null);
    }

    [Test]
    public void ItemConvertsToTheRequestedType()
    {
        using var scope = NewDisposeScope();
        Assert.That(tensor(2.5).item<float>(), Is.EqualTo(2.5f));
        Assert.That(tensor(2.5, ScalarType.Float64).item<double>(), Is.EqualTo(2.5));
        Assert.That(tensor(new long[] { 42 }).item<long>(), Is.EqualTo(42L));
        Assert.That(tensor(new int[] { 7 }).item<int>(), Is.EqualTo(7));
        Assert.That(tensor(new[] { true }).item<bool>(), Is.True);
        var ex = Assert.Throws<TorchException>(() => zeros(2).item<float>());
        Assert.That(ex!.Message, Does.Contain("2 elements cannot be converted to Scalar"));
    }

    [Test]
    public void NonFiniteHandlingLerpOuterAndFusedProducts()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 1, float.NaN, float.PositiveInfinity, float.NegativeInfinity });
        Assert.That(x.isinf().data<bool>(), Is.EqualTo(new[] { false, false, true, true }));
        Assert.That(x.isfinite().data<bool>(), Is.EqualTo(new[] { true, false, false, false }));
        Assert.That(x.isnan().data<bool>(), Is.EqualTo(new[] { false, true, false, false }));
        Assert.That(x.nan_to_num().data<float>(), Is.EqualTo(new[] { 1, 0, float.MaxValue, -float.MaxValue }));
        Assert.That(x.nan_to_num(-1, 9, -9).data<float>(), Is.EqualTo(new float[] { 1, -1, 9, -9 }));
        var a = tensor(new double[] { 0, 10 });
        Assert.That(a.lerp(tensor(new double[] { 4, 20 }), 0.25).data<double>(), Is.EqualTo(new double[] { 1, 12.5 }));
        Assert.That(tensor(new double[] { 1, 2 }).outer(tensor(new double[] { 3, 4, 5 })).data<double>(), Is.EqualTo(new double[] { 3, 4, 5, 6, 8, 10 }));
        var m = tensor(new double[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        var e = eye(2, ScalarType.Float64);
        // 2 * I + 3 * (m @ I) = 3m + 2I
        Assert.That(e.addmm(m, e, beta: 2, alpha: 3).data<double>(), Is.EqualTo(new double[] { 5, 6, 9, 14 }));
        Assert.That(e.unsqueeze(0).baddbmm(m.unsqueeze(0), m.unsqueeze(0), beta: 0).data<double>(), Is.EqualTo(new double[] { 7, 10, 15, 22 }));
        Assert.That(einsum("ij,jk->ik", m, m).data<double>(), Is.EqualTo(new double[] { 7, 10, 15, 22 }));
        Assert.That(einsum("ii", m).item<double>(), Is.EqualTo(5));
        var ex = Assert.Throws<TorchException>(() => einsum("ij,jk->ik", m));
        Assert.That(ex!.Message, Does.Contain("operands"));
    }

    [Test]
    public void SetGradEnabledFollowsItsArgument()
    {
        using var scope = NewDisposeScope();
        var x = ones(new long[] { 2 }, ScalarType.Float64, requires_grad: true);
        using (set_grad_enabled(false)) Assert.That((x * 2).requires_grad, Is.False);
        using (set_grad_enabled(true)) Assert.That((x * 2).requires_grad, Is.True);
        Assert.That(is_grad_enabled(), Is.True);
    }
}
