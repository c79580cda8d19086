using Cdsr.Torch;
using static Cdsr.Torch.torch;

namespace Cdsr.Tests.Torch;

/// <summary>
/// Autograd vs central finite differences (float64, norm-wise relative error below 1e-6, see GradCheck) for the
/// differentiable ops of cdsr_ops.h: views, joins and splits, gathers and scatters, masks, indexing, reductions,
/// sorting values, pow, clamp and products. Random inputs make ties (max, sort) and kinks (clamp, abs) improbable.
/// </summary>
public class OpsGradTests
{
    public sealed record Case(long[][] Shapes, Func<Tensor[], Tensor> F, double Lo = -1, double Hi = 1);

    private static Tensor Idx(long[] values, params long[] shape) => tensor(values, shape);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // views and shape
        ["reshape"] = new(new[] { new long[] { 2, 6 } }, x => x[0].reshape(3, 4) * x[0].reshape(3, 4)),
        ["view"] = new(new[] { new long[] { 2, 6 } }, x => x[0].view(4, 3).exp()),
        ["flatten"] = new(new[] { new long[] { 2, 3, 2 } }, x => x[0].flatten(1).sin()),
        ["transpose"] = new(new[] { new long[] { 2, 3 }, new long[] { 2, 4 } }, x => x[0].transpose(0, 1).matmul(x[1])),
        ["permute"] = new(new[] { new long[] { 2, 3, 4 } }, x => x[0].permute(2, 0, 1).contiguous().view(4, 6).square()),
        ["t"] = new(new[] { new long[] { 3, 2 } }, x => x[0].t().matmul(x[0])),
        ["squeeze/unsqueeze"] = new(new[] { new long[] { 3, 1 } }, x => x[0].squeeze(1).unsqueeze(0).tanh()),
        ["expand"] = new(new[] { new long[] { 1, 3 } }, x => x[0].expand(4, 3) * arange(12, ScalarType.Float64).view(4, 3)),
        ["expand_as"] = new(new[] { new long[] { 3, 1 }, new long[] { 3, 2 } }, x => x[0].expand_as(x[1]) * x[1]),
        ["narrow"] = new(new[] { new long[] { 4, 3 } }, x => x[0].narrow(0, 1, 2).cos()),
        ["select"] = new(new[] { new long[] { 4, 3 } }, x => x[0].select(1, 2).exp()),
        ["repeat"] = new(new[] { new long[] { 2, 2 } }, x => x[0].repeat(2, 3) * arange(24, ScalarType.Float64).view(4, 6)),
        ["flip"] = new(new[] { new long[] { 3, 3 } }, x => x[0].flip(0) * x[0]),
        ["tril/triu"] = new(new[] { new long[] { 3, 3 } }, x => x[0].tril().matmul(x[0].triu(1))),
        ["roll"] = new(new[] { new long[] { 3, 4 } }, x => x[0].roll(1, 1) * arange(12, ScalarType.Float64).view(3, 4)),
        ["repeat_interleave"] = new(new[] { new long[] { 2, 3 } }, x => x[0].repeat_interleave(2, 1).sin()),
        ["diagonal"] = new(new[] { new long[] { 3, 3 } }, x => x[0].diagonal(-1).exp()),
        ["T"] = new(new[] { new long[] { 2, 3, 2 } }, x => x[0].T * x[0].T.contiguous().exp()),
        ["unbind"] = new(new[] { new long[] { 3, 2 } }, x => { var r = x[0].unbind(); return r[0] * r[2] - r[1]; }),
        // joins and splits
        ["cat"] = new(new[] { new long[] { 2, 3 }, new long[] { 1, 3 } }, x => cat(new[] { x[0], x[1].square() }, 0).sin()),
        ["stack"] = new(new[] { new long[] { 2, 3 }, new long[] { 2, 3 } }, x => stack(new[] { x[0], x[1] * x[0] }, 1)),
        ["split"] = new(new[] { new long[] { 5, 2 } }, x => { var p = x[0].split(2); return p[0] * p[1] + p[2].sum(); }),
        ["chunk"] = new(new[] { new long[] { 2, 6 } }, x => { var p = x[0].chunk(3, 1); return p[0].exp() - p[2] * p[1]; }),
        // gathers, scatters, masks
        ["gather"] = new(new[] { new long[] { 3, 4 } }, x => x[0].gather(1, Idx(new long[] { 3, 3, 0, 1, 2, 0 }, 3, 2)).square()),
        ["index_select"] = new(new[] { new long[] { 4, 3 } }, x => x[0].index_select(0, Idx(new long[] { 3, 0, 3 }, 3)).exp()),
        ["scatter"] = new(new[] { new long[] { 2, 4 }, new long[] { 2, 2 } },
            x => x[0].scatter(1, Idx(new long[] { 1, 3, 0, 2 }, 2, 2), x[1]).square()),
        ["scatter_add"] = new(new[] { new long[] { 2, 4 }, new long[] { 2, 3 } },
            x => x[0].scatter_add(1, Idx(new long[] { 1, 1, 3, 0, 2, 0 }, 2, 3), x[1].square())),
        ["masked_fill"] = new(new[] { new long[] { 2, 3 } }, x => x[0].masked_fill(tensor(new[] { true, false, false, true, true, false }, new long[] { 2, 3 }), 2.0) * x[0]),
        ["masked_select"] = new(new[] { new long[] { 2, 3 } }, x => x[0].masked_select(tensor(new[] { true, false, true }, new long[] { 3 })).exp()),
        ["where"] = new(new[] { new long[] { 2, 3 }, new long[] { 2, 3 } }, x => where(x[0].gt(x[1]), x[0].square(), x[1] * 3.0)),
        // indexing
        ["index basic"] = new(new[] { new long[] { 3, 4 } }, x => x[0][1.., TensorIndex.Slice(0, null, 2)].exp()),
        ["index None/ellipsis"] = new(new[] { new long[] { 2, 3 } }, x => x[0][TensorIndex.Ellipsis, TensorIndex.None, -1].square()),
        ["index tensor"] = new(new[] { new long[] { 4, 2 } }, x => x[0][Idx(new long[] { 3, 0, 3 }, 3)].sin()),
        ["index mask"] = new(new[] { new long[] { 4 } }, x => x[0][tensor(new[] { true, false, true, true })].exp()),
        ["index_put_"] = new(new[] { new long[] { 3, 3 }, new long[] { 3 } }, x =>
        {
            var y = x[0] * 1.0;      // a non-leaf copy that may be written in place
            y[1] = x[1].square();    // row 1 replaced: its gradient flows to x[1], not x[0]
            return y.exp();
        }),
        // reductions
        ["sum dim"] = new(new[] { new long[] { 3, 4 } }, x => x[0].square().sum(1, keepdim: true)),
        ["sum all"] = new(new[] { new long[] { 3, 4 } }, x => x[0].exp().sum()),
        ["mean dims"] = new(new[] { new long[] { 2, 3, 4 } }, x => x[0].square().mean(new long[] { 0, 2 })),
        ["prod"] = new(new[] { new long[] { 2, 3 } }, x => x[0].prod(1), 0.5, 1.5),
        ["prod all"] = new(new[] { new long[] { 5 } }, x => x[0].prod(), 0.5, 1.5),
        ["std"] = new(new[] { new long[] { 3, 4 } }, x => x[0].std(1)),
        ["var"] = new(new[] { new long[] { 3, 4 } }, x => x[0].var(new long[] { 0, 1 }, unbiased: false)),
        ["logsumexp"] = new(new[] { new long[] { 3, 4 } }, x => (x[0] * 3.0).logsumexp(1)),
        ["norm 2"] = new(new[] { new long[] { 3, 4 } }, x => x[0].norm(1, keepdim: false)),
        ["norm 1"] = new(new[] { new long[] { 6 } }, x => x[0].norm(1)),
        ["norm inf"] = new(new[] { new long[] { 6 } }, x => x[0].norm(double.PositiveInfinity)),
        ["cumsum"] = new(new[] { new long[] { 2, 4 } }, x => x[0].cumsum(1).square()),
        ["max all"] = new(new[] { new long[] { 3, 4 } }, x => x[0].max()),
        ["min dim"] = new(new[] { new long[] { 3, 4 } }, x => x[0].min(0).values.exp()),
        ["max dim"] = new(new[] { new long[] { 3, 4 } }, x => x[0].max(1, keepdim: true).values * 2.0),
        ["topk"] = new(new[] { new long[] { 2, 5 } }, x => x[0].topk(2).values.square()),
        ["sort"] = new(new[] { new long[] { 6 } }, x => x[0].sort(descending: true).values * arange(6, ScalarType.Float64)),
        // element-wise and products
        ["pow tensor"] = new(new[] { new long[] { 2, 3 }, new long[] { 2, 3 } }, x => x[0].pow(x[1]), 0.5, 1.5),
        ["pow scalar"] = new(new[] { new long[] { 2, 3 } }, x => x[0].pow(3)),
        ["clamp"] = new(new[] { new long[] { 4, 4 } }, x => x[0].clamp(-0.5, 0.5) * x[0]),
        ["clamp_min"] = new(new[] { new long[] { 4, 4 } }, x => x[0].clamp_min(0.1).exp()),
        ["maximum/minimum"] = new(new[] { new long[] { 3, 3 }, new long[] { 3, 3 } }, x => maximum(x[0], x[1]) * minimum(x[0], x[1].exp())),
        ["fmod"] = new(new[] { new long[] { 2, 3 } }, x => (x[0] * 3.0).fmod(1.3)),
        ["add alpha"] = new(new[] { new long[] { 2, 3 }, new long[] { 1, 3 } }, x => x[0].add(x[1], alpha: -2.5).square()),
        ["lerp"] = new(new[] { new long[] { 2, 3 }, new long[] { 2, 3 } }, x => x[0].lerp(x[1], 0.3).square()),
        ["addmm"] = new(new[] { new long[] { 2, 2 }, new long[] { 2, 3 }, new long[] { 3, 2 } }, x => x[0].addmm(x[1], x[2], beta: 0.5, alpha: 2)),
        ["baddbmm"] = new(new[] { new long[] { 2, 2, 2 }, new long[] { 2, 2, 3 }, new long[] { 2, 3, 2 } }, x => x[0].baddbmm(x[1], x[2], alpha: -1)),
        ["einsum"] = new(new[] { new long[] { 2, 3, 4 }, new long[] { 2, 4 } }, x => einsum("bij,bj->bi", x[0], x[1])),
        ["outer"] = new(new[] { new long[] { 3 }, new long[] { 2 } }, x => x[0].outer(x[1])),
        ["index_add_"] = new(new[] { new long[] { 3, 2 }, new long[] { 4, 2 } }, x =>
            (x[0] * 1.0).index_add_(0, Idx(new long[] { 0, 2, 0, 1 }, 4), x[1].square(), alpha: 0.5)),
        ["matmul"] = new(new[] { new long[] { 3, 4 }, new long[] { 4, 2 } }, x => x[0].matmul(x[1])),
        ["matmul broadcast"] = new(new[] { new long[] { 2, 3, 4 }, new long[] { 4, 2 } }, x => x[0].matmul(x[1])),
        ["bmm"] = new(new[] { new long[] { 2, 3, 4 }, new long[] { 2, 4, 2 } }, x => x[0].bmm(x[1])),
    };

    public static IEnumerable<string> CaseNames => Cases.Keys;

    [TestCaseSource(nameof(CaseNames))]
    public void GradientMatchesFiniteDifferences(string name)
    {
        using var scope = NewDisposeScope();
        var c = Cases[name];
        var inputs = c.Shapes.Select((s, k) => GradCheck.Input(100 + 7 * k + name.Length, s, c.Lo, c.Hi)).ToArray();
        GradCheck.AssertGradients(c.F, inputs, what: name);
    }

    [Test]
    public void GradientsRouteThroughGatherToTheRightElements()
    {
        // A hand-computed case: d/dx sum(gather(x, 1, idx)) counts how often each element is picked.
        using var scope = NewDisposeScope();
        var x = zeros(new long[] { 2, 3 }, ScalarType.Float64, requires_grad: true);
        x.gather(1, Idx(new long[] { 0, 0, 2, 1, 1, 1 }, 2, 3)).sum().backward();
        Assert.That(x.grad!.data<double>(), Is.EqualTo(new double[] { 2, 0, 1, 0, 3, 0 }));
    }

    [Test]
    public void MaxGradientGoesToTheArgmaxOnly()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 7, 3, 9, 2, 4 }, new long[] { 2, 3 }, requires_grad: true);
        var (values, indexes) = x.max(1);
        values.sum().backward();
        Assert.That(indexes.data<long>(), Is.EqualTo(new long[] { 1, 0 }));
        Assert.That(x.grad!.data<double>(), Is.EqualTo(new double[] { 0, 1, 0, 1, 0, 0 }));
    }

    [Test]
    public void MeanAndLogsumexpGradientsHaveClosedForms()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 0, Math.Log(3) }, requires_grad: true);
        x.logsumexp(0).backward(); // softmax: [1/4, 3/4]
        Assert.That(x.grad!.data<double>(), Is.EqualTo(new double[] { 0.25, 0.75 }).Within(1e-12));
        var y = ones(new long[] { 4 }, ScalarType.Float64, requires_grad: true);
        y.mean().backward();
        Assert.That(y.grad!.data<double>(), Is.All.EqualTo(0.25));
    }
}
