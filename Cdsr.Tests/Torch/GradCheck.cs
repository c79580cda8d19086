using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Tests.Torch;

/// <summary>
/// Compares autograd gradients with central finite differences in float64.
/// The function's output is contracted with a fixed random weight w (so any output shape works):
/// analytic = d(sum(w * f(x)))/dx via backward(w); numeric = (g(x + h e_i) - g(x - h e_i)) / 2h per element.
/// The error is norm-wise: ||analytic - numeric||_2 / max(||numeric||_2, 1e-12), which stays meaningful when some
/// gradient entries are (near) zero. Inputs must be float64 leaves; keep them away from kinks (relu at 0, ties in max).
/// </summary>
public static class GradCheck
{
    public const double DefaultTolerance = 1e-6;

    /// <summary>Asserts the relative error is below <paramref name="tolerance"/> for every input; returns the largest.</summary>
    public static double AssertGradients(Func<Tensor[], Tensor> f, Tensor[] inputs, double tolerance = DefaultTolerance, double h = 1e-6, string? what = null)
    {
        double worst = 0;
        var errors = RelativeErrors(f, inputs, h);
        for (int i = 0; i < errors.Length; i++)
        {
            Assert.That(errors[i], Is.LessThan(tolerance), $"{what ?? "function"}: gradient of input {i} differs from finite differences (relative error {errors[i]:E3})");
            worst = Math.Max(worst, errors[i]);
        }
        return worst;
    }

    /// <summary>Relative error of the autograd gradient of each input against central differences.</summary>
    public static double[] RelativeErrors(Func<Tensor[], Tensor> f, Tensor[] inputs, double h = 1e-6)
    {
        using var scope = NewDisposeScope();
        foreach (var x in inputs)
        {
            if (x.dtype != ScalarType.Float64) throw new ArgumentException($"gradcheck needs float64 inputs, got {x.dtype}");
            if (!x.requires_grad) throw new ArgumentException("gradcheck inputs must require grad");
            x.grad = null; // gradients accumulate: start from none
        }
        var values = inputs.Select(x => x.data<double>().ToArray()).ToArray();
        var shapes = inputs.Select(x => x.shape).ToArray();

        // Fixed weights for the contraction, from a private seeded generator (does not disturb torch's RNG).
        var probe = f(inputs);
        var rng = new Random(12345);
        var w = Enumerable.Range(0, (int)probe.numel()).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var wt = tensor(w, probe.shape);
        probe.backward([wt]);
        var analytic = inputs.Select(x => { using var g = x.grad; return g?.data<double>().ToArray() ?? new double[x.numel()]; }).ToArray();

        double Objective(double[][] vals)
        {
            using var inner = NewDisposeScope();
            using var _ = no_grad();
            var xs = vals.Select((v, k) => tensor(v, shapes[k])).ToArray();
            var y = f(xs).data<double>().ToArray();
            double s = 0;
            for (int j = 0; j < y.Length; j++) s += w[j] * y[j];
            return s;
        }

        var result = new double[inputs.Length];
        for (int k = 0; k < inputs.Length; k++)
        {
            var numeric = new double[values[k].Length];
            for (int i = 0; i < numeric.Length; i++)
            {
                var orig = values[k][i];
                values[k][i] = orig + h;
                var plus = Objective(values);
                values[k][i] = orig - h;
                var minus = Objective(values);
                values[k][i] = orig;
                numeric[i] = (plus - minus) / (2 * h);
            }
            double diff = 0, norm = 0;
            for (int i = 0; i < numeric.Length; i++)
            {
                diff += (analytic[k][i] - numeric[i]) * (analytic[k][i] - numeric[i]);
                norm += numeric[i] * numeric[i];
            }
            result[k] = Math.Sqrt(diff) / Math.Max(Math.Sqrt(norm), 1e-12);
        }
        return result;
    }

    /// <summary>A float64 leaf tensor with values uniform in [lo, hi), from a seeded .NET generator.</summary>
    public static Tensor Input(int seed, long[] shape, double lo = -1, double hi = 1)
    {
        var rng = new Random(seed);
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var v = Enumerable.Range(0, (int)n).Select(_ => lo + (hi - lo) * rng.NextDouble()).ToArray();
        return tensor(v, shape, requires_grad: true);
    }
}
