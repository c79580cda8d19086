using Cdsr.Torch;
using Cdsr.Torch.Optimizers;
using static Cdsr.Torch.torch;

namespace Cdsr.Tests.Torch;

/// <summary>The optimizers against their update rules written out in plain C# doubles.</summary>
public class OptimTests
{
    private static readonly double[] Start = { 0.5, -1.25, 2.0, 0.0, -0.3 };

    // A different, deterministic gradient at every step.
    private static double[] Grad(int step) => Start.Select((x, i) => Math.Sin(1.3 * step + i) * (1 + i) + 0.1 * x).ToArray();

    private static Tensor Param() => tensor((double[])Start.Clone(), requires_grad: true);

    private static void SetGrad(Tensor p, double[] g)
    {
        using var gt = tensor(g);
        p.grad = gt;
    }

    /// <summary>Reference Adam/AdamW in doubles (PyTorch's formulation).</summary>
    private static double[] ReferenceAdam(int steps, double lr, double b1, double b2, double eps, double wd, bool decoupled, bool amsgrad)
    {
        var p = (double[])Start.Clone();
        var m = new double[p.Length];
        var v = new double[p.Length];
        var vmax = new double[p.Length];
        for (var t = 1; t <= steps; t++)
        {
            var g = Grad(t);
            for (var i = 0; i < p.Length; i++)
            {
                var gi = g[i];
                if (decoupled) p[i] *= 1 - lr * wd;
                else gi += wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                vmax[i] = Math.Max(vmax[i], v[i]);
                var mhat = m[i] / (1 - Math.Pow(b1, t));
                var vhat = (amsgrad ? vmax[i] : v[i]) / (1 - Math.Pow(b2, t));
                p[i] -= lr * mhat / (Math.Sqrt(vhat) + eps);
            }
        }
        return p;
    }

    private static double[] RunOptimizer(Optimizer opt, Tensor p, int steps)
    {
        for (var t = 1; t <= steps; t++)
        {
            SetGrad(p, Grad(t));
            opt.step();
        }
        return p.data<double>();
    }

    [TestCase(false, 0.0)]
    [TestCase(false, 0.1)]
    [TestCase(true, 0.1)]
    public void AdamMatchesHandComputedUpdates(bool amsgrad, double wd)
    {
        using var p = Param();
        using var opt = optim.Adam(new[] { p }, lr: 0.05, beta1: 0.8, beta2: 0.95, eps: 1e-6, weight_decay: wd, amsgrad: amsgrad);
        var got = RunOptimizer(opt, p, 6);
        var want = ReferenceAdam(6, 0.05, 0.8, 0.95, 1e-6, wd, decoupled: false, amsgrad);
        Assert.That(got, Is.EqualTo(want).Within(1e-6));
        Assert.That(opt.StepCount(0), Is.EqualTo(6));
        // The updates must have moved the parameters, or the comparison proves nothing.
        Assert.That(got.Zip(Start).Max(x => Math.Abs(x.First - x.Second)), Is.GreaterThan(0.1));
    }

    [Test]
    public void AdamWDecaysWeightsDecoupled()
    {
        using var p = Param();
        using var opt = optim.AdamW(new[] { p }, lr: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-8, weight_decay: 0.2);
        var got = RunOptimizer(opt, p, 6);
        Assert.That(got, Is.EqualTo(ReferenceAdam(6, 0.05, 0.9, 0.99, 1e-8, 0.2, decoupled: true, amsgrad: false)).Within(1e-6));
        // ... and differs from the L2-penalty form by more than the tolerance.
        var l2 = ReferenceAdam(6, 0.05, 0.9, 0.99, 1e-8, 0.2, decoupled: false, amsgrad: false);
        Assert.That(got.Zip(l2).Max(x => Math.Abs(x.First - x.Second)), Is.GreaterThan(1e-4));
    }

    [Test]
    public void AdamFloat32MatchesToSinglePrecision()
    {
        using var p = tensor(Start.Select(x => (float)x).ToArray(), requires_grad: true);
        using var opt = optim.Adam(new[] { p }, lr: 0.01);
        for (var t = 1; t <= 4; t++)
        {
            using var g = tensor(Grad(t).Select(x => (float)x).ToArray());
            p.grad = g;
            opt.step();
        }
        var want = ReferenceAdam(4, 0.01, 0.9, 0.999, 1e-8, 0, false, false);
        Assert.That(p.data<float>().Select(x => (double)x), Is.EqualTo(want).Within(1e-6));
    }

    [TestCase(0.0, 0.0, 0.0, false)]
    [TestCase(0.9, 0.0, 0.05, false)]
    [TestCase(0.9, 0.3, 0.05, false)]
    [TestCase(0.9, 0.0, 0.05, true)]
    public void SgdMatchesHandComputedUpdates(double momentum, double dampening, double wd, bool nesterov)
    {
        const double lr = 0.1;
        using var p = Param();
        using var opt = optim.SGD(new[] { p }, lr, momentum, dampening, wd, nesterov);
        var got = RunOptimizer(opt, p, 5);

        var x = (double[])Start.Clone();
        var buf = new double[x.Length];
        for (var t = 1; t <= 5; t++)
        {
            var g = Grad(t);
            for (var i = 0; i < x.Length; i++)
            {
                var d = g[i] + wd * x[i];
                if (momentum != 0)
                {
                    buf[i] = t == 1 ? d : momentum * buf[i] + (1 - dampening) * d;
                    d = nesterov ? d + momentum * buf[i] : buf[i];
                }
                x[i] -= lr * d;
            }
        }
        Assert.That(got, Is.EqualTo(x).Within(1e-6));
    }

    [Test]
    public void ParametersWithoutGradientAreLeftAlone()
    {
        using var a = Param();
        using var b = Param();
        using var opt = optim.Adam(new[] { a, b }, lr: 0.1);
        SetGrad(a, Grad(1));
        opt.step();
        Assert.That(b.data<double>(), Is.EqualTo(Start));
        Assert.That(opt.StepCount(0), Is.EqualTo(1));
        Assert.That(opt.StepCount(1), Is.EqualTo(0));
        using var sd = new DisposingDictionary(opt.state_dict());
        Assert.That(sd.Value.ContainsKey("state.0.exp_avg"), Is.True);
        Assert.That(sd.Value.ContainsKey("state.1.exp_avg"), Is.False, "no state is made for a parameter that never had a gradient");
    }

    [Test]
    public void ParamGroupsKeepTheirOwnLearningRateAndItCanChange()
    {
        using var a = Param();
        using var b = Param();
        using var opt = optim.SGD(new[] { new SGDParamGroup(new[] { a }, lr: 0.1), new SGDParamGroup(new[] { b }, lr: 0.01) });
        Assert.That(opt.ParamGroups, Has.Count.EqualTo(2));
        SetGrad(a, Grad(1));
        SetGrad(b, Grad(1));
        opt.step();
        var g = Grad(1);
        Assert.That(a.data<double>(), Is.EqualTo(Start.Select((x, i) => x - 0.1 * g[i])).Within(1e-12));
        Assert.That(b.data<double>(), Is.EqualTo(Start.Select((x, i) => x - 0.01 * g[i])).Within(1e-12));

        opt.ParamGroups[1].LearningRate = 0.5;
        var before = b.data<double>();
        opt.step(); // same gradients are still there
        Assert.That(b.data<double>(), Is.EqualTo(before.Select((x, i) => x - 0.5 * g[i])).Within(1e-12));
        opt.lr = 0.25;
        Assert.That(opt.ParamGroups.Select(x => x.LearningRate), Is.EqualTo(new[] { 0.25, 0.25 }));
    }

    [Test]
    public void ParameterInTwoGroupsIsRejected()
    {
        using var a = Param();
        var ex = Assert.Throws<ArgumentException>(() => optim.SGD(new[] { new SGDParamGroup(new[] { a }, 0.1), new SGDParamGroup(new[] { a }, 0.1) }));
        Assert.That(ex!.Message, Does.Contain("more than once"));
    }

    [Test]
    public void InvalidHyperparametersAreRejectedWithTheirName()
    {
        using var a = Param();
        Assert.That(Assert.Throws<ArgumentException>(() => optim.Adam(new[] { a }, lr: -1))!.Message, Does.Contain("learning rate -1"));
        Assert.That(Assert.Throws<ArgumentException>(() => optim.Adam(new[] { a }, beta1: 1.0))!.Message, Does.Contain("beta1 1"));
        Assert.That(Assert.Throws<ArgumentException>(() => optim.SGD(new[] { a }, 0.1, nesterov: true))!.Message, Does.Contain("Nesterov"));
        using var opt = optim.Adam(new[] { a });
        opt.ParamGroups[0].LearningRate = double.NaN;
        SetGrad(a, Grad(1));
        Assert.That(Assert.Throws<ArgumentException>(() => opt.step())!.Message, Does.Contain("learning rate NaN"));
    }

    [Test]
    public void StateDictRoundTripContinuesBitIdentically()
    {
        using var a = Param();
        using var opt = optim.AdamW(new[] { a }, lr: 0.05, weight_decay: 0.1, amsgrad: true);
        RunOptimizer(opt, a, 3);

        using var b = a.detach().clone().requires_grad_();
        using var opt2 = optim.AdamW(new[] { b }, lr: 0.9);
        using (var sd = new DisposingDictionary(opt.state_dict()))
        {
            Assert.That(sd.Value.Keys, Is.EquivalentTo(new[]
            {
                "param_groups.0.params", "param_groups.0.lr", "param_groups.0.initial_lr", "param_groups.0.weight_decay",
                "param_groups.0.beta1", "param_groups.0.beta2", "param_groups.0.eps", "param_groups.0.amsgrad",
                "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq",
            }));
            opt2.load_state_dict(sd.Value);
        }
        Assert.That(opt2.lr, Is.EqualTo(0.05));
        Assert.That(((AdamParamGroup)opt2.ParamGroups[0]).AmsGrad, Is.True);
        Assert.That(opt2.StepCount(0), Is.EqualTo(3));
        for (var t = 4; t <= 6; t++)
        {
            SetGrad(a, Grad(t));
            SetGrad(b, Grad(t));
            opt.step();
            opt2.step();
        }
        Assert.That(b.data<double>(), Is.EqualTo(a.data<double>()), "resumed optimizer must match bit for bit");
    }

    [Test]
    public void LoadStateDictRejectsMismatchesWithoutChangingAnything()
    {
        using var a = Param();
        using var opt = optim.Adam(new[] { a }, lr: 0.05);
        RunOptimizer(opt, a, 2);
        using var other = zeros(3).requires_grad_();
        using var otherOpt = optim.Adam(new[] { other }, lr: 0.7);
        using var sd = new DisposingDictionary(opt.state_dict());

        var ex = Assert.Throws<ArgumentException>(() => otherOpt.load_state_dict(sd.Value));
        Assert.That(ex!.Message, Does.Contain("'state.0.exp_avg' has shape [5]").And.Contain("[3]"));
        Assert.That(otherOpt.lr, Is.EqualTo(0.7), "a failed load must not change the optimizer");

        using var b = Param();
        using var opt2 = optim.Adam(new[] { b });
        var extra = new Dictionary<string, Tensor>(sd.Value);
        using var junk = zeros(1);
        extra["state.0.bogus"] = junk;
        Assert.That(Assert.Throws<ArgumentException>(() => opt2.load_state_dict(extra))!.Message, Does.Contain("unknown key(s) 'state.0.bogus'"));
        var missing = new Dictionary<string, Tensor>(sd.Value);
        missing.Remove("state.0.step");
        Assert.That(Assert.Throws<ArgumentException>(() => opt2.load_state_dict(missing))!.Message, Does.Contain("missing 'state.0.step'"));
    }

    [Test]
    public void ZeroGradDropsOrZeroesGradients()
    {
        using var a = Param();
        using var opt = optim.SGD(new[] { a }, 0.1);
        SetGrad(a, Grad(1));
        opt.zero_grad(set_to_none: false);
        using (var g = a.grad) Assert.That(g!.data<double>(), Is.All.EqualTo(0.0));
        opt.zero_grad();
        Assert.That(a.grad, Is.Null);
    }

    [Test]
    public void ClipGradNormScalesAllGradientsTogether()
    {
        using var a = tensor(new double[] { 1, 1 }, requires_grad: true);
        using var b = tensor(new double[] { 1 }, requires_grad: true);
        SetGrad(a, new double[] { 3, 4 });
        SetGrad(b, new double[] { 12 });
        var norm = nn.utils.clip_grad_norm_(new[] { a, b }, max_norm: 6.5);
        Assert.That(norm, Is.EqualTo(13.0).Within(1e-12));
        var c = 6.5 / (13 + 1e-6);
        using (var ga = a.grad) Assert.That(ga!.data<double>(), Is.EqualTo(new[] { 3 * c, 4 * c }).Within(1e-12));
        using (var gb = b.grad) Assert.That(gb!.data<double>(), Is.EqualTo(new[] { 12 * c }).Within(1e-12));

        // Under the limit: untouched. Infinity norm: the largest magnitude.
        var norm2 = nn.utils.clip_grad_norm_(new[] { a, b }, max_norm: 100);
        Assert.That(norm2, Is.EqualTo(6.5).Within(1e-5));
        using (var gb = b.grad) Assert.That(gb!.data<double>(), Is.EqualTo(new[] { 12 * c }).Within(1e-12));
        Assert.That(nn.utils.clip_grad_norm_(new[] { a, b }, 1, double.PositiveInfinity), Is.EqualTo(12 * c).Within(1e-12));
    }

    [Test]
    public void ClipGradValueClampsElements()
    {
        using var a = tensor(new double[] { 0, 0, 0 }, requires_grad: true);
        SetGrad(a, new double[] { -3, 0.5, 7 });
        nn.utils.clip_grad_value_(new[] { a }, 1.0);
        using var g = a.grad;
        Assert.That(g!.data<double>(), Is.EqualTo(new[] { -1, 0.5, 1 }));
        Assert.That(Assert.Throws<TorchException>(() => nn.utils.clip_grad_value_(new[] { a }, -1))!.Message, Does.Contain("clip_value"));
    }

    [Test]
    public void SchedulersFollowTheirClosedForms()
    {
        using var a = Param();
        using var opt = optim.SGD(new[] { a }, 1.0);
        var stepLr = optim.lr_scheduler.StepLR(opt, step_size: 2, gamma: 0.5);
        var seen = new List<double> { opt.lr };
        for (var i = 0; i < 5; i++) { stepLr.step(); seen.Add(opt.lr); }
        Assert.That(seen, Is.EqualTo(new[] { 1, 1, 0.5, 0.5, 0.25, 0.25 }));

        using var opt2 = optim.SGD(new[] { a }, 0.3);
        var warm = optim.lr_scheduler.LinearLR(opt2, start_factor: 0.25, end_factor: 1.0, total_iters: 3);
        var lrs = new List<double> { opt2.lr };
        for (var i = 0; i < 4; i++) { warm.step(); lrs.Add(opt2.lr); }
        Assert.That(lrs, Is.EqualTo(new[] { 0.075, 0.15, 0.225, 0.3, 0.3 }).Within(1e-15));

        using var opt3 = optim.SGD(new[] { a }, 2.0);
        var lambda = optim.lr_scheduler.LambdaLR(opt3, e => 1.0 / (e + 1));
        lambda.step();
        lambda.step();
        Assert.That(lambda.get_last_lr(), Is.EqualTo(new[] { 2.0 / 3 }));
        lambda.last_epoch = 0;
        Assert.That(opt3.lr, Is.EqualTo(2.0));
        var bad = optim.lr_scheduler.LambdaLR(opt3, e => e == 0 ? 1 : double.NaN);
        Assert.That(Assert.Throws<InvalidOperationException>(() => bad.step())!.Message, Does.Contain("factor at epoch 1 is NaN"));
    }

    [Test]
    public void StateSurvivesDisposeScopesAndIsReleasedWithTheOptimizer()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = Tensor.TotalCount;
        using (var a = Param())
        {
            var opt = optim.Adam(new[] { a }, lr: 0.1);
            for (var t = 1; t <= 3; t++)
            {
                using var scope = NewDisposeScope();
                a.grad = tensor(Grad(t));
                opt.step();
            }
            Assert.That(opt.StepCount(0), Is.EqualTo(3), "state made inside a scope must outlive it");
            opt.zero_grad();
            Assert.That(Tensor.TotalCount, Is.EqualTo(baseline + 3), "the parameter and its two moment tensors");
            opt.Dispose();
        }
        Assert.That(Tensor.TotalCount, Is.EqualTo(baseline));
    }
}

/// <summary>Disposes the tensors of a state dictionary.</summary>
internal sealed class DisposingDictionary : IDisposable
{
    public DisposingDictionary(Dictionary<string, Tensor> value) => Value = value;

    public Dictionary<string, Tensor> Value { get; }

    public void Dispose()
    {
        foreach (var t in Value.Values) t.Dispose();
    }
}
