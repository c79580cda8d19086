using Cdsr.Torch;
using static Cdsr.Torch.torch;

namespace Cdsr.Tests.Torch;

/// <summary>Autograd vs finite differences for the element-wise ops and products of cdsr_tensor.h.</summary>
public class ElementwiseGradTests
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> Unary = new()
    {
        ["neg"] = x => x.neg(), ["exp"] = x => x.exp(), ["sin"] = x => x.sin(), ["cos"] = x => x.cos(),
        ["square"] = x => x.square(), ["tanh"] = x => x.tanh(), ["sigmoid"] = x => x.sigmoid(), ["abs"] = x => x.abs(),
        ["relu"] = x => x.relu(),
        // Positive-domain ops get |x| + 0.5.
        ["log"] = x => (x.abs() + 0.5).log(), ["log1p"] = x => (x.abs() + 0.5).log1p(), ["sqrt"] = x => (x.abs() + 0.5).sqrt(),
        ["rsqrt"] = x => (x.abs() + 0.5).rsqrt(), ["reciprocal"] = x => (x.abs() + 0.5).reciprocal(),
    };

    [TestCaseSource(nameof(UnaryNames))]
    public void UnaryGradientMatchesFiniteDifferences(string name)
    {
        using var scope = NewDisposeScope();
        // Values kept away from 0, the kink of abs and relu.
        var x = GradCheck.Input(1, new long[] { 3, 4 }, 0.1, 1.0);
        var sign = tensor(new double[] { 1, -1, 1, -1, -1, 1, -1, 1, 1, 1, -1, -1 }, new long[] { 3, 4 });
        var y = (x * sign).detach().requires_grad_();
        GradCheck.AssertGradients(xs => Unary[name](xs[0]), new[] { y }, what: name);
    }

    public static IEnumerable<string> UnaryNames => Unary.Keys;

    [Test]
    public void BinaryBroadcastingGradientsMatchFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        var a = GradCheck.Input(2, new long[] { 3, 4 }, 0.5, 1.5);
        var b = GradCheck.Input(3, new long[] { 1, 4 }, 0.5, 1.5);
        GradCheck.AssertGradients(xs => xs[0] + xs[1], new[] { a, b }, what: "add");
        GradCheck.AssertGradients(xs => xs[0] - xs[1], new[] { a, b }, what: "sub");
        GradCheck.AssertGradients(xs => xs[0] * xs[1], new[] { a, b }, what: "mul");
        GradCheck.AssertGradients(xs => xs[0] / xs[1], new[] { a, b }, what: "div");
        GradCheck.AssertGradients(xs => xs[0].pow(xs[1]), new[] { a, b }, what: "pow");
        GradCheck.AssertGradients(xs => xs[0].pow(2.5) * 3.0 - 1.0 / xs[0], new[] { a }, what: "scalar ops");
    }

    [Test]
    public void MatrixProductGradientsMatchFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        var a = GradCheck.Input(4, new long[] { 3, 4 });
        var b = GradCheck.Input(5, new long[] { 4, 2 });
        GradCheck.AssertGradients(xs => xs[0].matmul(xs[1]), new[] { a, b }, what: "matmul");
        GradCheck.AssertGradients(xs => xs[0].mm(xs[1]), new[] { a, b }, what: "mm");
        var p = GradCheck.Input(6, new long[] { 2, 3, 4 });
        var q = GradCheck.Input(7, new long[] { 2, 4, 5 });
        GradCheck.AssertGradients(xs => xs[0].bmm(xs[1]), new[] { p, q }, what: "bmm");
        GradCheck.AssertGradients(xs => xs[0].matmul(xs[1]), new[] { p, q }, what: "batched matmul");
    }

    [Test]
    public void GradCheckDetectsAWrongGradient()
    {
        // A sanity check of the checker itself: detach() hides part of the dependency, so autograd's gradient
        // (2x instead of 3x^2 + ... ) must disagree with the finite differences.
        using var scope = NewDisposeScope();
        var x = GradCheck.Input(8, new long[] { 5 }, 0.5, 1.5);
        var errors = GradCheck.RelativeErrors(xs => xs[0] * xs[0].detach() * xs[0].detach(), new[] { x });
        Assert.That(errors[0], Is.GreaterThan(0.1));
    }
}
