using Cdsr.Torch;
using static Cdsr.Torch.torch;

namespace Cdsr.Tests.Torch;

public class TensorBasicsTests
{
    [Test]
    public void RoundTripsArraysAndShapes()
    {
        using var t = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 });
        Assert.That(t.shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(t.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(t.data<float>(), Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
        using var l = tensor(new long[] { 7, 8 });
        Assert.That(l.data<long>(), Is.EqualTo(new long[] { 7, 8 }));
        using var b = tensor(new bool[] { true, false });
        Assert.That(b.data<bool>(), Is.EqualTo(new[] { true, false }));
    }

    [Test]
    public void MatmulComputesAndBackpropagates()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new double[] { 1, 2, 3, 4 }, new long[] { 2, 2 }, requires_grad: true);
        var b = tensor(new double[] { 5, 6, 7, 8 }, new long[] { 2, 2 });
        var c = a.matmul(b);
        Assert.That(c.data<double>(), Is.EqualTo(new double[] { 19, 22, 43, 50 }));
        c.backward(ones(new long[] { 2, 2 }, ScalarType.Float64));
        // d(sum(A B))/dA = 1 B^T  -> rows [11, 15]
        Assert.That(a.grad!.data<double>(), Is.EqualTo(new double[] { 11, 15, 11, 15 }));
    }

    [Test]
    public void ShapeMismatchRaisesTorchExceptionNamingShapes()
    {
        using var a = zeros(2, 3);
        using var b = zeros(4, 5);
        var ex = Assert.Throws<TorchException>(() => a.matmul(b));
        Assert.That(ex!.Message, Does.Contain("2x3").And.Contain("4x5"));
    }
}

