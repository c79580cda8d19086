using Cdsr.Torch;
using static Cdsr.Torch.torch;

namespace Cdsr.Tests.Torch;

/// <summary>tensor[...] with TensorIndex, index_put_ via assignment, gathers, scatters and masks.</summary>
public class IndexingTests
{
    // x[i, j] = 4 i + j, shape [3, 4]
    private static Tensor X() => arange(12, ScalarType.Float32).reshape(3, 4);

    [Test]
    public void SingleSliceEllipsisAndNone()
    {
        using var scope = NewDisposeScope();
        var x = X();
        Assert.That(x[1].data<float>(), Is.EqualTo(new float[] { 4, 5, 6, 7 }));
        Assert.That(x[-1, 2].item<float>(), Is.EqualTo(10f));
        Assert.That(x[TensorIndex.Colon, 1].data<float>(), Is.EqualTo(new float[] { 1, 5, 9 }));
        Assert.That(x[.., 1..3].data<float>(), Is.EqualTo(new float[] { 1, 2, 5, 6, 9, 10 }));
        Assert.That(x[TensorIndex.Slice(0, null, 2), TensorIndex.Slice(1, null, 2)].data<float>(), Is.EqualTo(new float[] { 1, 3, 9, 11 }));
        Assert.That(x[^1..].data<float>(), Is.EqualTo(new float[] { 8, 9, 10, 11 }));
        Assert.That(x[TensorIndex.Ellipsis, -1].data<float>(), Is.EqualTo(new float[] { 3, 7, 11 }));
        Assert.That(x[TensorIndex.None].shape, Is.EqualTo(new long[] { 1, 3, 4 }));
        Assert.That(x[TensorIndex.Ellipsis, TensorIndex.None].shape, Is.EqualTo(new long[] { 3, 4, 1 }));
        Assert.That(x[TensorIndex.Bool(false)].shape, Is.EqualTo(new long[] { 0, 3, 4 }));
    }

    [Test]
    public void TensorAndMaskIndices()
    {
        using var scope = NewDisposeScope();
        var x = X();
        var rows = tensor(new long[] { 2, 0 });
        Assert.That(x[rows].data<float>(), Is.EqualTo(new float[] { 8, 9, 10, 11, 0, 1, 2, 3 }));
        Assert.That(x[rows, tensor(new long[] { 1, 3 })].data<float>(), Is.EqualTo(new float[] { 9, 3 }));
        Assert.That(x[x.gt(8.0)].data<float>(), Is.EqualTo(new float[] { 9, 10, 11 }));
    }

    [Test]
    public void AssignmentWritesInPlace()
    {
        using var scope = NewDisposeScope();
        var x = X();
        x[0, ..] = tensor(new float[] { -1, -2, -3, -4 });
        x[TensorIndex.Ellipsis, 0] = tensor(7f);
        x.index_put_(0.5, 2, 3);
        x[x.eq(5.0)] = tensor(50f);
        Assert.That(x.data<float>(), Is.EqualTo(new float[] { 7, -2, -3, -4, 7, 50, 6, 7, 7, 9, 10, 0.5f }));
    }

    [Test]
    public void OutOfRangeIndexRaisesNativeMessage()
    {
        using var scope = NewDisposeScope();
        var x = X();
        var ex = Assert.Throws<TorchException>(() => x[5].Dispose());
        Assert.That(ex!.Message, Does.Contain("index 5 is out of bounds"));
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorIndex.Slice(0, 2, 0));
    }

    [Test]
    public void GatherScatterIndexSelect()
    {
        using var scope = NewDisposeScope();
        var x = X();
        var idx = tensor(new long[] { 3, 0, 1, 1, 2, 2 }, new long[] { 3, 2 });
        Assert.That(x.gather(1, idx).data<float>(), Is.EqualTo(new float[] { 3, 0, 5, 5, 10, 10 }));
        Assert.That(x.index_select(1, tensor(new long[] { 3, 0 })).data<float>(), Is.EqualTo(new float[] { 3, 0, 7, 4, 11, 8 }));

        var target = zeros(2, 4);
        var where = tensor(new long[] { 1, 3, 0, 0 }, new long[] { 2, 2 });
        var src = tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        Assert.That(target.scatter(1, where, src.narrow(0, 0, 1).expand(2, 2).contiguous()).data<float>()[..4], Is.EqualTo(new float[] { 0, 1, 0, 2 }));
        // Row 1 sends both 3 and 4 to column 0: scatter_add accumulates 7.
        Assert.That(target.scatter_add(1, where, src).data<float>(), Is.EqualTo(new float[] { 0, 1, 0, 2, 7, 0, 0, 0 }));
        Assert.That(target.data<float>(), Is.All.EqualTo(0f), "scatter and scatter_add return copies");
    }

    [Test]
    public void MaskedFillMaskedSelectWhere()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 1, -2, 3, -4 });
        var neg = x.lt(0.0);
        Assert.That(x.masked_fill(neg, double.NegativeInfinity).data<float>(), Is.EqualTo(new[] { 1f, float.NegativeInfinity, 3f, float.NegativeInfinity }));
        Assert.That(x.masked_select(neg).data<float>(), Is.EqualTo(new float[] { -2, -4 }));
        Assert.That(where(neg, zeros(4), x).data<float>(), Is.EqualTo(new float[] { 1, 0, 3, 0 }));
        Assert.That(x.where(neg, x.neg()).data<float>(), Is.EqualTo(new float[] { -1, -2, -3, -4 }));
        // broadcasting: a [2,1] condition against [1,4] values
        var c = tensor(new bool[] { true, false }, new long[] { 2, 1 });
        Assert.That(where(c, ones(1, 4), zeros(1, 4)).data<float>(), Is.EqualTo(new float[] { 1, 1, 1, 1, 0, 0, 0, 0 }));
    }

    [Test]
    public void ScatterValueIndexAddNonzeroBincountIsin()
    {
        using var scope = NewDisposeScope();
        // one-hot rows from class ids
        var ids = tensor(new long[] { 2, 0, 1 }).unsqueeze(1);
        var onehot = zeros(3, 4).scatter_(1, ids, 1.0);
        Assert.That(onehot.data<float>(), Is.EqualTo(new float[] { 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0 }));
        var acc = zeros(3, 2);
        acc.index_add_(0, tensor(new long[] { 0, 2, 0 }), ones(3, 2), alpha: 2);
        Assert.That(acc.data<float>(), Is.EqualTo(new float[] { 4, 4, 0, 0, 2, 2 }));
        var nz = tensor(new float[] { 0, 3, 0, 0, 5, 6 }, new long[] { 2, 3 }).nonzero();
        Assert.That(nz.shape, Is.EqualTo(new long[] { 3, 2 }));
        Assert.That(nz.data<long>(), Is.EqualTo(new long[] { 0, 1, 1, 1, 1, 2 }));
        var items = tensor(new long[] { 1, 3, 3, 0, 3 });
        Assert.That(items.bincount().data<long>(), Is.EqualTo(new long[] { 1, 1, 0, 3 }));
        Assert.That(items.bincount(minlength: 6).shape, Is.EqualTo(new long[] { 6 }));
        Assert.That(items.bincount(tensor(new double[] { 1, 2, 3, 4, 5 })).data<double>(), Is.EqualTo(new double[] { 4, 1, 0, 10 }));
        Assert.That(isin(items, tensor(new long[] { 3, 7 })).data<bool>(), Is.EqualTo(new[] { false, true, true, false, true }));
        var ex = Assert.Throws<TorchException>(() => tensor(new long[] { 1, -1 }).bincount());
        Assert.That(ex!.Message, Does.Contain("non-negative"));
    }
}
