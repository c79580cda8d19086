using System.Numerics.Tensors;

namespace Cdsr.Semantics.Numerics;

/// <summary>k-means options; every default in one place.</summary>
public sealed record KMeansOptions
{
    /// <summary>Number of clusters.</summary>
    public int K { get; init; } = 2;
    /// <summary>Seed of the k-means++ draws; the same seed and data give the same clustering.</summary>
    public ulong Seed { get; init; } = 42;
    /// <summary>Lloyd iterations at most (stops earlier when no assignment changes).</summary>
    public int MaxIterations { get; init; } = 100;

    public void Validate()
    {
        if (K < 1) throw new ArgumentOutOfRangeException(nameof(K), K, "k must be at least 1");
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "at least one iteration");
    }
}

/// <summary>A k-means result: labels [n], centroids [k, d], within-cluster sum of squares, iterations run.</summary>
public sealed record KMeansResult(int[] Labels, float[] Centroids, int K, int Dims, double Inertia, int Iterations);

/// <summary>
/// Deterministic k-means (squared Euclidean): k-means++ seeding (Arthur and Vassilvitskii 2007) with a SplitMix64
/// stream, then Lloyd iterations. Ties go to the lower cluster index; an emptied cluster is re-seeded with the point
/// farthest from its centroid (lowest index on ties), so the result depends only on data and seed.
/// </summary>
public static class KMeans
{
    public static KMeansResult Fit(ReadOnlySpan<float> x, int n, int d, KMeansOptions? options = null)
    {
        options ??= new KMeansOptions();
        options.Validate();
        int k = options.K;
        if (x.Length != (long)n * d) throw new ArgumentException($"matrix [{n}, {d}] needs {(long)n * d} values, got {x.Length}");
        if (n < k) throw new ArgumentException($"k-means with k={k} needs at least {k} points, got {n}");
        var c = new float[k * d];
        var rng = new Cdsr.Data.Evaluation.SplitMix64(options.Seed);
        // k-means++: first centre uniform, then proportional to squared distance to the nearest chosen centre
        int first = (int)(rng.NextDouble() * n);
        x.Slice(first * d, d).CopyTo(c);
        var dist = new double[n];
        for (int i = 0; i < n; i++) dist[i] = TensorPrimitives.Distance(x.Slice(i * d, d), c.AsSpan(0, d)) is var e ? (double)e * e : 0;
        for (int m = 1; m < k; m++)
        {
            double total = dist.Sum();
            int pick = n - 1;
            if (total > 0)
            {
                double u = rng.NextDouble() * total, acc = 0;
                for (int i = 0; i < n; i++) { acc += dist[i]; if (acc > u) { pick = i; break; } }
            }
            else pick = m; // all points coincide with chosen centres
            x.Slice(pick * d, d).CopyTo(c.AsSpan(m * d, d));
            for (int i = 0; i < n; i++)
            {
                double e = TensorPrimitives.Distance(x.Slice(i * d, d), c.AsSpan(m * d, d));
                dist[i] = Math.Min(dist[i], e * e);
            }
        }
        var labels = new int[n];
        Array.Fill(labels, -1);
        var sums = new double[k * d];
        var counts = new int[k];
        int iter = 0;
        double inertia = 0;
        for (; iter < options.MaxIterations; iter++)
        {
            bool changed = false;
            inertia = 0;
            for (int i = 0; i < n; i++)
            {
                var r = x.Slice(i * d, d);
                int best = 0; double bd = double.MaxValue;
                for (int m = 0; m < k; m++)
                {
                    double e = TensorPrimitives.Distance(r, c.AsSpan(m * d, d));
                    e *= e;
                    if (e < bd) { bd = e; best = m; }
                }
                dist[i] = bd;
                inertia += bd;
                if (labels[i] != best) { labels[i] = best; changed = true; }
            }
            if (!changed && iter > 0) break;
            Array.Clear(sums); Array.Clear(counts);
            for (int i = 0; i < n; i++)
            {
                int m = labels[i]; counts[m]++;
                var r = x.Slice(i * d, d);
                for (int j = 0; j < d; j++) sums[m * d + j] += r[j];
            }
            for (int m = 0; m < k; m++)
            {
                if (counts[m] == 0)
                {
                    int far = 0;
                    for (int i = 1; i < n; i++) if (dist[i] > dist[far]) far = i;
                    x.Slice(far * d, d).CopyTo(c.AsSpan(m * d, d));
                    dist[far] = 0;
                    continue;
                }
                for (int j = 0; j < d; j++) c[m * d + j] = (float)(sums[m * d + j] / counts[m]);
            }
        }
        return new KMeansResult(labels, c, k, d, inertia, iter);
    }

    /// <summary>Cluster purity: the share of points whose cluster's majority class is their class (1 = perfect;
    /// for two balanced-or-not classes the chance level is the larger class's share).</summary>
    public static double Purity(IReadOnlyList<int> clusters, IReadOnlyList<int> classes)
    {
        if (clusters.Count != classes.Count) throw new ArgumentException($"{clusters.Count} cluster labels for {classes.Count} class labels");
        if (clusters.Count == 0) throw new ArgumentException("purity of an empty set");
        var table = new Dictionary<(int, int), int>();
        for (int i = 0; i < clusters.Count; i++) table[(clusters[i], classes[i])] = table.GetValueOrDefault((clusters[i], classes[i])) + 1;
        int hit = table.GroupBy(kv => kv.Key.Item1).Sum(g => g.Max(kv => kv.Value));
        return (double)hit / clusters.Count;
    }
}
