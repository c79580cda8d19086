using Cdsr.Torch;
using static Cdsr.Torch.torch;

namespace Cdsr.Tests.Torch;

/// <summary>Views, shape changes, joins and splits against hand-computed layouts.</summary>
public class ShapeOpsTests
{
    // [[0 1 2] [3 4 5]] as float32
    private static Tensor M23() => arange(6, ScalarType.Float32).reshape(2, 3);

    [Test]
    public void ReshapeViewFlattenKeepRowMajorOrder()
    {
        using var scope = NewDisposeScope();
        var m = M23();
        Assert.That(m.shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(m.view(3, 2).shape, Is.EqualTo(new long[] { 3, 2 }));
        Assert.That(m.reshape(-1).data<float>(), Is.EqualTo(new float[] { 0, 1, 2, 3, 4, 5 }));
        Assert.That(m.view(1, 2, 3).flatten(1).shape, Is.EqualTo(new long[] { 1, 6 }));
        Assert.That(m.view_as(zeros(3, 2)).shape, Is.EqualTo(new long[] { 3, 2 }));
    }

    [Test]
    public void ViewSharesStorageWithItsBase()
    {
        using var scope = NewDisposeScope();
        var m = M23();
        var v = m.view(6);
        v.index_put_(100.0, 4);
        Assert.That(m.data<float>()[4], Is.EqualTo(100f));
    }

    [Test]
    public void ViewOfNonContiguousTensorFailsWithNativeMessage()
    {
        using var scope = NewDisposeScope();
        var tt = M23().t();
        var ex = Assert.Throws<TorchException>(() => tt.view(6));
        Assert.That(ex!.Message, Does.Contain("view"));
        Assert.That(tt.contiguous().view(6).data<float>(), Is.EqualTo(new float[] { 0, 3, 1, 4, 2, 5 }));
        Assert.That(tt.reshape(6).data<float>(), Is.EqualTo(new float[] { 0, 3, 1, 4, 2, 5 }));
    }

    [Test]
    public void TransposePermuteAndT()
    {
        using var scope = NewDisposeScope();
        var m = M23();
        Assert.That(m.t().data<float>(), Is.EqualTo(new float[] { 0, 3, 1, 4, 2, 5 }));
        Assert.That(m.transpose(0, 1).data<float>(), Is.EqualTo(new float[] { 0, 3, 1, 4, 2, 5 }));
        var x = arange(24, ScalarType.Float32).reshape(2, 3, 4);
        var p = x.permute(2, 0, 1);
        Assert.That(p.shape, Is.EqualTo(new long[] { 4, 2, 3 }));
        // p[k, i, j] = x[i, j, k] = 12 i + 4 j + k
        Assert.That(p[1, 1, 2].item<float>(), Is.EqualTo(12f + 8f + 1f));
    }

    [Test]
    public void SqueezeUnsqueezeExpand()
    {
        using var scope = NewDisposeScope();
        var x = zeros(1, 3, 1);
        Assert.That(x.squeeze().shape, Is.EqualTo(new long[] { 3 }));
        Assert.That(x.squeeze(0).shape, Is.EqualTo(new long[] { 3, 1 }));
        Assert.That(x.squeeze(-1).unsqueeze(0).shape, Is.EqualTo(new long[] { 1, 1, 3 }));
        var row = tensor(new float[] { 1, 2, 3 }).unsqueeze(0);
        var e = row.expand(2, -1);
        Assert.That(e.data<float>(), Is.EqualTo(new float[] { 1, 2, 3, 1, 2, 3 }));
        Assert.That(row.expand_as(zeros(4, 3)).shape, Is.EqualTo(new long[] { 4, 3 }));
        var ex = Assert.Throws<TorchException>(() => row.expand(2, 4));
        Assert.That(ex!.Message, Does.Contain("expand"));
    }

    [Test]
    public void NarrowSelectRepeatFlipTrilTriu()
    {
        using var scope = NewDisposeScope();
        var m = M23();
        Assert.That(m.narrow(1, 1, 2).data<float>(), Is.EqualTo(new float[] { 1, 2, 4, 5 }));
        Assert.That(m.select(0, 1).data<float>(), Is.EqualTo(new float[] { 3, 4, 5 }));
        Assert.That(tensor(new float[] { 1, 2 }).repeat(2, 2).data<float>(), Is.EqualTo(new float[] { 1, 2, 1, 2, 1, 2, 1, 2 }));
        Assert.That(m.flip(1).data<float>(), Is.EqualTo(new float[] { 2, 1, 0, 5, 4, 3 }));
        Assert.That(m.flip(0, 1).data<float>(), Is.EqualTo(new float[] { 5, 4, 3, 2, 1, 0 }));
        var o = ones(3, 3);
        Assert.That(o.tril().data<float>(), Is.EqualTo(new float[] { 1, 0, 0, 1, 1, 0, 1, 1, 1 }));
        Assert.That(o.triu(1).data<float>(), Is.EqualTo(new float[] { 0, 1, 1, 0, 0, 1, 0, 0, 0 }));
    }

    [Test]
    public void CatStackSplitChunk()
    {
        using var scope = NewDisposeScope();
        var m = M23();
        Assert.That(cat(new[] { m, m }, 0).shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(cat(new[] { m, m.narrow(1, 0, 1) }, 1).data<float>(), Is.EqualTo(new float[] { 0, 1, 2, 0, 3, 4, 5, 3 }));
        var s = stack(new[] { m, m + 10 }, 1);
        Assert.That(s.shape, Is.EqualTo(new long[] { 2, 2, 3 }));
        Assert.That(s[0, 1].data<float>(), Is.EqualTo(new float[] { 10, 11, 12 }));

        var parts = arange(7, ScalarType.Float32).split(3);
        Assert.That(parts.Select(p => p.shape[0]), Is.EqualTo(new long[] { 3, 3, 1 }));
        Assert.That(parts[2].data<float>(), Is.EqualTo(new float[] { 6 }));
        var sized = M23().split(new long[] { 1, 2 }, 1);
        Assert.That(sized[1].data<float>(), Is.EqualTo(new float[] { 1, 2, 4, 5 }));
        var chunks = arange(5, ScalarType.Float32).chunk(2);
        Assert.That(chunks.Select(c => c.shape[0]), Is.EqualTo(new long[] { 3, 2 }));

        var ex = Assert.Throws<TorchException>(() => cat(new[] { m, zeros(2, 2) }, 0));
        Assert.That(ex!.Message, Does.Contain("Sizes of tensors must match"));
        var bad = Assert.Throws<TorchException>(() => m.split(new long[] { 1, 1 }, 1));
        Assert.That(bad!.Message, Does.Contain("split_with_sizes"));
    }

    [Test]
    public void CloneDetachAndConversions()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1.5, -2.5 }, requires_grad: true);
        var c = x.clone();
        Assert.That(c.requires_grad, Is.True);
        Assert.That(c.is_leaf, Is.False);
        var d = x.detach();
        Assert.That(d.requires_grad, Is.False);
        Assert.That(x.to(ScalarType.Int64).data<long>(), Is.EqualTo(new long[] { 1, -2 }));
        Assert.That(x.to(CPU).device, Is.EqualTo(CPU));
    }

    [Test]
    public void SplitPiecesAreOwnedHandlesCollectedByTheScope()
    {
        var before = Tensor.TotalCount;
        using (var scope = NewDisposeScope())
        {
            var parts = arange(10, ScalarType.Float32).chunk(3);
            Assert.That(parts, Has.Length.EqualTo(3));
            Assert.That(Tensor.TotalCount, Is.EqualTo(before + 4));
        }
        Assert.That(Tensor.TotalCount, Is.EqualTo(before));
    }

    [Test]
    public void RollRepeatInterleaveDiagonalUnbind()
    {
        using var scope = NewDisposeScope();
        var m = M23();
        Assert.That(m.roll(1, 1).data<float>(), Is.EqualTo(new float[] { 2, 0, 1, 5, 3, 4 }));
        Assert.That(m.roll(-2).data<float>(), Is.EqualTo(new float[] { 2, 3, 4, 5, 0, 1 }), "no dim: the flattened tensor rolls");
        Assert.That(m.roll(new long[] { 1, 1 }, new long[] { 0, 1 }).data<float>(), Is.EqualTo(new float[] { 5, 3, 4, 2, 0, 1 }));
        Assert.That(tensor(new long[] { 1, 2 }).repeat_interleave(3).data<long>(), Is.EqualTo(new long[] { 1, 1, 1, 2, 2, 2 }));
        Assert.That(m.repeat_interleave(2, 0).shape, Is.EqualTo(new long[] { 4, 3 }));
        var sq = arange(9, ScalarType.Float32).view(3, 3);
        Assert.That(sq.diagonal().data<float>(), Is.EqualTo(new float[] { 0, 4, 8 }));
        Assert.That(sq.diagonal(1).data<float>(), Is.EqualTo(new float[] { 1, 5 }));
        var rows = m.unbind();
        Assert.That(rows, Has.Length.EqualTo(2));
        Assert.That(rows[1].data<float>(), Is.EqualTo(new float[] { 3, 4, 5 }));
        Assert.That(unbind(m, 1)[2].data<float>(), Is.EqualTo(new float[] { 2, 5 }));
    }

    [Test]
    public void StridesAndContiguityDescribeViews()
    {
        using var scope = NewDisposeScope();
        var x = zeros(2, 3, 4);
        Assert.That(x.stride(), Is.EqualTo(new long[] { 12, 4, 1 }));
        Assert.That(x.is_contiguous(), Is.True);
        var p = x.T;
        Assert.That(p.shape, Is.EqualTo(new long[] { 4, 3, 2 }));
        Assert.That(p.stride(), Is.EqualTo(new long[] { 1, 4, 12 }));
        Assert.That(p.is_contiguous(), Is.False);
        Assert.That(p.contiguous().is_contiguous(), Is.True);
        Assert.That(x.expand(5, 2, 3, 4).stride()[0], Is.EqualTo(0), "expand adds a zero stride, no copy");
    }

    [Test]
    public void LikeCreatorsCopyShapeDtypeAndDevice()
    {
        using var scope = NewDisposeScope();
        var x = zeros(new long[] { 2, 3 }, ScalarType.Float64);
        var o = ones_like(x);
        Assert.That(o.shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(o.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(o.data<double>(), Is.All.EqualTo(1.0));
        Assert.That(full_like(x, 7, ScalarType.Int64).data<long>(), Is.All.EqualTo(7L));
        Assert.That(zeros_like(x, requires_grad: true).requires_grad, Is.True);
        Assert.That(randn_like(x).shape, Is.EqualTo(x.shape));
        Assert.That(rand_like(x).data<double>(), Is.All.InRange(0.0, 1.0));
        Assert.That(empty_like(x).dtype, Is.EqualTo(ScalarType.Float64));
    }

    [Test]
    public void InvalidSplitArgumentsAreRejectedWithMessages()
    {
        using var scope = NewDisposeScope();
        var x = zeros(4);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => x.split(0))!.Message, Does.Contain("split size must be positive"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => x.chunk(0))!.Message, Does.Contain("chunk count must be positive"));
        Assert.That(Assert.Throws<TorchException>(() => cat(Array.Empty<Tensor>()))!.Message, Does.Contain("non-empty"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => cat(new Tensor[] { x, null! }))!.Message, Does.Contain("tensor 1 is null"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => x[0, null!].Dispose())!.Message, Does.Contain("index 1 is null"));
    }

    [Test]
    public void EveryResultOfAnOpJoinsTheOpenScope()
    {
        var before = Tensor.TotalCount;
        using (var scope = NewDisposeScope())
        {
            var x = randn(4, 6);
            var (v, i) = x.max(1);
            var (tv, ti) = x.topk(2);
            var parts = x.chunk(3, 1);
            var y = cat(parts, 0)[1..].sum(0).unsqueeze(0).expand(3, -1).contiguous();
            Assert.That(scope.Count, Is.GreaterThanOrEqualTo(12));
            Assert.That(Tensor.TotalCount - before, Is.EqualTo(scope.Count), "every live handle is owned by the scope");
            y.MoveToOuterDisposeScope().Dispose();
        }
        Assert.That(Tensor.TotalCount, Is.EqualTo(before));
    }
}
