namespace Cdsr.Semantics.Numerics;

/// <summary>t-SNE options; defaults are the paper's (van der Maaten and Hinton 2008) as used by the reference code.</summary>
public sealed record TSneOptions
{
    /// <summary>Perplexity of the input neighbourhoods (5..50; 30 is the usual choice).</summary>
    public double Perplexity { get; init; } = 30;
    /// <summary>Gradient-descent iterations.</summary>
    public int Iterations { get; init; } = 1000;
    /// <summary>Step size; null = max(n / EarlyExaggeration / 4, 50) (Belkina et al. 2019, scikit-learn's "auto"),
    /// which keeps small sets from blowing up during early exaggeration.</summary>
    public double? LearningRate { get; init; }
    /// <summary>P is multiplied by this for the first <see cref="ExaggerationIterations"/> iterations.</summary>
    public double EarlyExaggeration { get; init; } = 12;
    public int ExaggerationIterations { get; init; } = 250;
    /// <summary>Seed of the initial layout (Gaussian, σ = 1e-4).</summary>
    public ulong Seed { get; init; } = 42;

    public void Validate()
    {
        if (!(Perplexity >= 1)) throw new ArgumentOutOfRangeException(nameof(Perplexity), Perplexity, "perplexity must be at least 1");
        if (Iterations < 1) throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "at least 1");
        if (LearningRate is { } lr && !(lr > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be positive");
    }
}

/// <summary>
/// Exact t-SNE to 2-D (O(n²) memory and time per iteration: meant for a few thousand points; sample larger sets):
/// <code>
/// p_{j|i} ∝ exp(−β_i ‖x_i − x_j‖²), β_i by bisection so that 2^{H(P_i)} = perplexity
/// p_ij = (p_{j|i} + p_{i|j}) / 2n
/// q_ij = (1 + ‖y_i − y_j‖²)⁻¹ / Σ_{k≠l} (1 + ‖y_k − y_l‖²)⁻¹
/// ∂C/∂y_i = 4 Σ_j (p_ij − q_ij)(y_i − y_j)(1 + ‖y_i − y_j‖²)⁻¹
/// </code>
/// with early exaggeration, momentum 0.5 then 0.8 and per-coordinate adaptive gains. Deterministic for a seed (rows
/// are processed in parallel but every sum is taken in a fixed order).
/// </summary>
public static class TSne
{
    public static float[] Embed(ReadOnlySpan<float> x, int n, int d, TSneOptions? options = null)
    {
        options ??= new TSneOptions();
        options.Validate();
        if (x.Length != (long)n * d) throw new ArgumentException($"matrix [{n}, {d}] needs {(long)n * d} values, got {x.Length}");
        if (n < 4) throw new ArgumentException($"t-SNE needs at least 4 points, got {n}");
        if (options.Perplexity * 3 > n - 1) throw new ArgumentException($"perplexity {options.Perplexity} is too large for {n} points (need 3·perplexity < n)");
        var xs = x.ToArray();
        var dist = new float[(long)n * n]; // squared distances [n, n]
        Parallel.For(0, n, i =>
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++) { double v = xs[i * d + k] - xs[j * d + k]; s += v * v; }
                dist[(long)i * n + j] = (float)s;
            }
        });
        var p = new float[(long)n * n];
        double logU = Math.Log(options.Perplexity);
        Parallel.For(0, n, i =>
        {
            double beta = 1, lo = double.NegativeInfinity, hi = double.PositiveInfinity;
            var row = new double[n];
            for (int it = 0; it < 64; it++)
            {
                double sum = 0, dot = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j == i) { row[j] = 0; continue; }
                    double dj = dist[(long)i * n + j];
                    row[j] = Math.Exp(-beta * dj);
                    sum += row[j]; dot += dj * row[j];
                }
                if (sum <= 0) { hi = beta; beta = double.IsNegativeInfinity(lo) ? beta / 2 : (beta + lo) / 2; continue; }
                double h = Math.Log(sum) + beta * dot / sum; // entropy in nats
                for (int j = 0; j < n; j++) row[j] /= sum;
                double diff = h - logU;
                if (Math.Abs(diff) < 1e-5) break;
                if (diff > 0) { lo = beta; beta = double.IsPositiveInfinity(hi) ? beta * 2 : (beta + hi) / 2; }
                else { hi = beta; beta = double.IsNegativeInfinity(lo) ? beta / 2 : (beta + lo) / 2; }
            }
            for (int j = 0; j < n; j++) p[(long)i * n + j] = (float)row[j];
        });
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                float s = (p[(long)i * n + j] + p[(long)j * n + i]) / (2f * n);
                s = Math.Max(s, 1e-12f);
                p[(long)i * n + j] = s; p[(long)j * n + i] = s;
            }

        var y = new double[n * 2];
        var rng = new Cdsr.Data.Evaluation.SplitMix64(options.Seed);
        for (int i = 0; i < y.Length; i += 2)
        {
            double u1 = Math.Max(rng.NextDouble(), 1e-300), u2 = rng.NextDouble(); // Box-Muller
            double r = Math.Sqrt(-2 * Math.Log(u1));
            y[i] = 1e-4 * r * Math.Cos(2 * Math.PI * u2); y[i + 1] = 1e-4 * r * Math.Sin(2 * Math.PI * u2);
        }
        double eta = options.LearningRate ?? Math.Max(n / options.EarlyExaggeration / 4, 50);
        var update = new double[n * 2];
        var gains = new double[n * 2];
        Array.Fill(gains, 1.0);
        var grad = new double[n * 2];
        var rowZ = new double[n];
        var num = new float[(long)n * n];
        for (int iter = 0; iter < options.Iterations; iter++)
        {
            double exag = iter < options.ExaggerationIterations ? options.EarlyExaggeration : 1;
            double momentum = iter < options.ExaggerationIterations ? 0.5 : 0.8;
            Parallel.For(0, n, i =>
            {
                double z = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j == i) { num[(long)i * n + j] = 0; continue; }
                    double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                    float q = (float)(1 / (1 + dx * dx + dy * dy));
                    num[(long)i * n + j] = q; z += q;
                }
                rowZ[i] = z;
            });
            double zsum = 0;
            for (int i = 0; i < n; i++) zsum += rowZ[i];
            Parallel.For(0, n, i =>
            {
                double gx = 0, gy = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    double q = num[(long)i * n + j];
                    double m = (exag * p[(long)i * n + j] - q / zsum) * q;
                    gx += m * (y[2 * i] - y[2 * j]); gy += m * (y[2 * i + 1] - y[2 * j + 1]);
                }
                grad[2 * i] = 4 * gx; grad[2 * i + 1] = 4 * gy;
            });
            for (int k = 0; k < y.Length; k++)
            {
                gains[k] = Math.Sign(grad[k]) != Math.Sign(update[k]) ? gains[k] + 0.2 : Math.Max(0.01, gains[k] * 0.8);
                update[k] = momentum * update[k] - eta * gains[k] * grad[k];
                y[k] += update[k];
            }
            double mx = 0, my = 0;
            for (int i = 0; i < n; i++) { mx += y[2 * i]; my += y[2 * i + 1]; }
            mx /= n; my /= n;
            for (int i = 0; i < n; i++) { y[2 * i] -= mx; y[2 * i + 1] -= my; }
        }
        return y.Select(v => (float)v).ToArray();
    }
}
