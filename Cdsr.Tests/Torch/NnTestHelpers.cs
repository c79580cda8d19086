using Cdsr.Torch;
using static Cdsr.Torch.torch;

namespace Cdsr.Tests.Torch;

/// <summary>Shared helpers of the torch.nn tests: element-wise comparison and a finite-difference check of a module's
/// parameter gradients (the parameters are perturbed in place through load_state_dict).</summary>
public static class NnTestHelpers
{
    public static void AssertClose(double[] expected, double[] actual, double tol, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(tol), $"{what}: element {i}");
    }

    /// <summary>Asserts that autograd's gradient of sum(w * f()) with respect to every parameter of <paramref name="module"/>
    /// matches central finite differences (norm-wise relative error below <paramref name="tolerance"/>). The module must be
    /// float64 and deterministic (dropout 0 or eval mode).</summary>
    public static void AssertParameterGradients(nn.Module module, Func<Tensor> f, double tolerance = GradCheck.DefaultTolerance, double h = 1e-6)
    {
        using var scope = NewDisposeScope();
        module.zero_grad();
        var probe = f();
        var rng = new Random(777);
        var w = Enumerable.Range(0, (int)probe.numel()).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        probe.backward(tensor(w, probe.shape));

        double Objective()
        {
            using var inner = NewDisposeScope();
            using var _ = no_grad();
            var y = f().data<double>();
            double s = 0;
            for (int j = 0; j < y.Length; j++) s += w[j] * y[j];
            return s;
        }

        var named = module.named_parameters().ToList();
        Assert.That(named, Is.Not.Empty, "module has parameters");
        foreach (var (name, p) in named)
        {
            Assert.That(p.dtype, Is.EqualTo(ScalarType.Float64), $"{name} must be float64 for a gradient check");
            using var g = p.grad;
            var analytic = g?.data<double>() ?? new double[p.numel()];
            var values = p.data<double>();
            var shape = p.shape;
            var numeric = new double[values.Length];
            void Set(double[] v)
            {
                using var t = tensor(v, shape);
                module.load_state_dict(new Dictionary<string, Tensor> { [name] = t }, strict: false);
            }
            for (int i = 0; i < values.Length; i++)
            {
                var orig = values[i];
                values[i] = orig + h;
                Set(values);
                var plus = Objective();
                values[i] = orig - h;
                Set(values);
                var minus = Objective();
                values[i] = orig;
                numeric[i] = (plus - minus) / (2 * h);
            }
            Set(values);
            double diff = 0, norm = 0;
            for (int i = 0; i < numeric.Length; i++)
            {
                diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
                norm += numeric[i] * numeric[i];
            }
            var rel = Math.Sqrt(diff) / Math.Max(Math.Sqrt(norm), 1e-12);
            Assert.That(rel, Is.LessThan(tolerance), $"{module.GetName()}.{name}: gradient differs from finite differences (relative error {rel:E3})");
        }
        module.zero_grad();
    }
}
