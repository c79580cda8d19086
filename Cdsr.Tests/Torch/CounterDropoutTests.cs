using Cdsr.Trainers.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Tests.Torch;

/// <summary>The counter-based dropout every model uses: right rate and scale, identity in eval, governed by libtorch's
/// seed (so runs repeat and resume), the same mask for any thread count, and the mask as its gradient.</summary>
public class CounterDropoutTests
{
    [Test]
    public void Drops_at_the_asked_rate_and_scales_the_kept_values()
    {
        using var scope = NewDisposeScope();
        foreach (var p in new[] { 0.1, 0.2, 0.5 })
        {
            var m = CounterDropout.Mask(seed: 12, [1000, 1001], p);
            double kept = m.to(ScalarType.Float64).mean().item<double>();
            Assert.That(kept, Is.EqualTo(1 - p).Within(0.002), $"p = {p}");
        }
        using var drop = new CounterDropout(0.2);
        manual_seed(3);
        var y = drop.forward(ones(64, 100)).flatten().data<float>().ToArray();
        Assert.That(y.Distinct().OrderBy(v => v), Is.EqualTo(new[] { 0f, 1.25f }), "kept values are scaled by 1 / (1 - p)");
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new CounterDropout(1.0))!.Message, Does.Contain("p must be in [0, 1), got 1"));
    }

    [Test]
    public void Is_the_identity_in_eval_and_repeats_for_a_seed()
    {
        using var scope = NewDisposeScope();
        using var drop = new CounterDropout(0.5);
        var x = randn(8, 33);
        drop.eval();
        Assert.That(drop.forward(x).data<float>().ToArray(), Is.EqualTo(x.data<float>().ToArray()));
        drop.train();
        manual_seed(9);
        var a = drop.forward(x).data<float>().ToArray();
        var b = drop.forward(x).data<float>().ToArray();
        manual_seed(9);
        var again = drop.forward(x).data<float>().ToArray();
        Assert.That(again, Is.EqualTo(a), "the same libtorch seed gives the same mask");
        Assert.That(b, Is.Not.EqualTo(a), "each call draws a new mask");
    }

    [Test]
    public void The_mask_does_not_depend_on_the_thread_count_and_is_the_gradient()
    {
        using var scope = NewDisposeScope();
        var threads = get_num_threads();
        byte[] one, two;
        try
        {
            set_num_threads(1);
            one = CounterDropout.Mask(77, [3, 70001], 0.3).data<byte>().ToArray();
            set_num_threads(2);
            two = CounterDropout.Mask(77, [3, 70001], 0.3).data<byte>().ToArray();
        }
        finally
        {
            set_num_threads(threads);
        }
        Assert.That(two, Is.EqualTo(one));
        using var drop = new CounterDropout(0.3);
        manual_seed(5);
        var x = randn(4, 50).requires_grad_();
        var y = drop.forward(x);
        y.sum().backward();
        var kept = y.ne(0).to(ScalarType.Float32) / 0.7;
        Assert.That(x.grad!.sub(kept).abs().max().item<float>(), Is.LessThan(1e-6f));
    }
}
