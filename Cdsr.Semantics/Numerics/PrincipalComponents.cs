using System.Numerics.Tensors;

namespace Cdsr.Semantics.Numerics;

/// <summary>
/// Leading principal directions of a row-major matrix X [n, d] by power iteration with deflation on the d x d
/// second-moment matrix (centred for PCA, uncentred for SIF's common component, as Arora et al. use a truncated SVD
/// of X itself). Deterministic: the start vector is fixed, accumulation is in float64 in row order.
/// </summary>
public static class PrincipalComponents
{
    /// <summary>The top <paramref name="k"/> unit directions [k, d] (sign fixed so the largest |entry| is positive) and
    /// the mean [d] that was subtracted (zeros when <paramref name="center"/> is false).</summary>
    public static (double[][] Components, double[] Mean, double[] Variances) Fit(ReadOnlySpan<float> x, int n, int d, int k, bool center, int iterations = 300)
    {
        if (n <= 0 || d <= 0 || x.Length != (long)n * d) throw new ArgumentException($"matrix [{n}, {d}] needs {(long)n * d} values, got {x.Length}");
        if (k < 1 || k > d) throw new ArgumentOutOfRangeException(nameof(k), k, $"components must be in 1..{d}");
        var mean = new double[d];
        if (center)
        {
            for (int i = 0; i < n; i++) { var r = x.Slice(i * d, d); for (int j = 0; j < d; j++) mean[j] += r[j]; }
            for (int j = 0; j < d; j++) mean[j] /= n;
        }
        var c = new double[d * d]; // [d, d] second moment of (x - mean)
        var row = new double[d];
        for (int i = 0; i < n; i++)
        {
            var r = x.Slice(i * d, d);
            for (int j = 0; j < d; j++) row[j] = r[j] - mean[j];
            for (int a = 0; a < d; a++)
            {
                double ra = row[a];
                if (ra == 0) continue;
                int off = a * d;
                for (int b = a; b < d; b++) c[off + b] += ra * row[b];
            }
        }
        for (int a = 0; a < d; a++) for (int b = a; b < d; b++) { c[a * d + b] /= n; c[b * d + a] = c[a * d + b]; }

        var comps = new double[k][];
        var variances = new double[k];
        var v = new double[d]; var w = new double[d];
        for (int m = 0; m < k; m++)
        {
            for (int j = 0; j < d; j++) v[j] = 1.0 / Math.Sqrt(d) * (1 + 0.01 * ((j * 7919 + m * 104729) % 13)); // fixed, non-symmetric start
            double lambda = 0;
            for (int it = 0; it < iterations; it++)
            {
                for (int a = 0; a < d; a++) { double s = 0; int off = a * d; for (int b = 0; b < d; b++) s += c[off + b] * v[b]; w[a] = s; }
                double norm = Math.Sqrt(w.Sum(t => t * t));
                if (norm == 0) break;
                double delta = 0;
                for (int j = 0; j < d; j++) { double nv = w[j] / norm; delta += Math.Abs(nv - v[j]); v[j] = nv; }
                lambda = norm;
                if (delta < 1e-12) break;
            }
            int arg = 0;
            for (int j = 1; j < d; j++) if (Math.Abs(v[j]) > Math.Abs(v[arg])) arg = j;
            if (v[arg] < 0) for (int j = 0; j < d; j++) v[j] = -v[j];
            comps[m] = (double[])v.Clone();
            variances[m] = lambda;
            for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) c[a * d + b] -= lambda * v[a] * v[b]; // deflate
        }
        return (comps, mean, variances);
    }

    /// <summary>Removes the projection on <paramref name="u"/> (unit) from every row: x ← x − (x·u) u.</summary>
    public static void RemoveComponent(Span<float> x, int n, int d, ReadOnlySpan<double> u)
    {
        var uf = new float[d];
        for (int j = 0; j < d; j++) uf[j] = (float)u[j];
        for (int i = 0; i < n; i++)
        {
            var r = x.Slice(i * d, d);
            float p = TensorPrimitives.Dot(r, uf);
            for (int j = 0; j < d; j++) r[j] -= p * uf[j];
        }
    }

    /// <summary>Projects rows onto the top <paramref name="k"/> centred principal components: [n, k] (PCA).</summary>
    public static float[] Project(ReadOnlySpan<float> x, int n, int d, int k = 2)
    {
        var (comps, mean, _) = Fit(x, n, d, k, center: true);
        var y = new float[n * k];
        for (int i = 0; i < n; i++)
        {
            var r = x.Slice(i * d, d);
            for (int m = 0; m < k; m++)
            {
                double s = 0;
                for (int j = 0; j < d; j++) s += (r[j] - mean[j]) * comps[m][j];
                y[i * k + m] = (float)s;
            }
        }
        return y;
    }
}
