using Cdsr.Semantics.Numerics;
using Cdsr.Semantics.Plot;

namespace Cdsr.Tests.Semantics;

public class NumericsTests
{
    /// <summary>Three well separated Gaussian-ish blobs in 5-D, deterministic.</summary>
    private static (float[] X, int[] Truth) Blobs(int perBlob, int seed)
    {
        var r = new Random(seed);
        var x = new List<float>(); var t = new List<int>();
        float[][] centres = [[5, 0, 0, 0, 0], [0, 5, 0, 0, 0], [0, 0, 5, 0, 0]];
        for (int b = 0; b < 3; b++)
            for (int i = 0; i < perBlob; i++)
            {
                for (int j = 0; j < 5; j++) x.Add(centres[b][j] + (float)(r.NextDouble() - 0.5));
                t.Add(b);
            }
        return (x.ToArray(), t.ToArray());
    }

    [Test]
    public void KMeans_recovers_separated_blobs_and_is_deterministic_for_a_seed()
    {
        var (x, truth) = Blobs(50, 1);
        var a = KMeans.Fit(x, 150, 5, new KMeansOptions { K = 3, Seed = 9 });
        var b = KMeans.Fit(x, 150, 5, new KMeansOptions { K = 3, Seed = 9 });
        Assert.That(KMeans.Purity(a.Labels, truth), Is.EqualTo(1.0));
        Assert.That(a.Labels, Is.EqualTo(b.Labels));
        Assert.That(a.Centroids, Is.EqualTo(b.Centroids));
        // inertia equals the hand-computed within-cluster sum of squares of the returned centroids
        double ss = 0;
        for (int i = 0; i < 150; i++)
            for (int j = 0; j < 5; j++) { double d = x[i * 5 + j] - a.Centroids[a.Labels[i] * 5 + j]; ss += d * d; }
        Assert.That(a.Inertia, Is.EqualTo(ss).Within(1e-3 * ss));
    }

    [Test]
    public void KMeans_rejects_fewer_points_than_clusters()
    {
        var e = Assert.Throws<ArgumentException>(() => KMeans.Fit(new float[4], 2, 2, new KMeansOptions { K = 3 }));
        Assert.That(e!.Message, Does.Contain("k=3 needs at least 3 points, got 2"));
    }

    [Test]
    public void KMeans_names_a_non_finite_row_and_refuses_fewer_distinct_points_than_clusters()
    {
        var x = new float[] { 0, 0, 1, 1, float.NaN, 2, 3, 3 };
        var e = Assert.Throws<ArgumentException>(() => KMeans.Fit(x, 4, 2, new KMeansOptions { K = 2 }));
        Assert.That(e!.Message, Does.Contain("row 2"));
        e = Assert.Throws<ArgumentException>(() => KMeans.Fit(new float[] { 1, 1, 1, 1, 1, 1 }, 3, 2, new KMeansOptions { K = 2 }));
        Assert.That(e!.Message, Does.Contain("only 1 distinct"));
    }

    [Test]
    public void The_scatter_plot_says_how_many_outlying_points_it_leaves_out()
    {
        // 400 points on a grid and one far outlier: the central 99% window keeps the grid and the plot names the outlier.
        var grid = Enumerable.Range(0, 400).Select(i => ((float)(i % 20), (float)(i / 20))).ToList();
        var svg = SvgScatter.Render("t", "x", "y", [new ScatterSeries("A", "#000", grid), new ScatterSeries("B", "#f00", [(1000f, 1000f)])]);
        int circles = System.Text.RegularExpressions.Regex.Matches(svg, "<circle").Count;
        Assert.That(svg, Does.Contain("of 401 points lie outside the central 99% window"));
        var note = System.Text.RegularExpressions.Regex.Match(svg, @">(\d+) of 401 points");
        Assert.That(circles + int.Parse(note.Groups[1].Value), Is.EqualTo(401), "drawn + reported = all");
        Assert.That(note.Groups[1].Value, Is.EqualTo("1"), "only the outlier is outside the window");
        Assert.That(SvgScatter.Render("t", "x", "y", [new ScatterSeries("A", "#000", grid)]), Does.Not.Contain("not drawn"));
    }

    [Test]
    public void Purity_matches_a_hand_count()
    {
        // cluster 0: classes {0,0,1} -> 2; cluster 1: {1,1,0,1} -> 3; purity 5/7
        Assert.That(KMeans.Purity([0, 0, 0, 1, 1, 1, 1], [0, 0, 1, 1, 1, 0, 1]), Is.EqualTo(5.0 / 7));
    }

    [Test]
    public void Cosine_topk_matches_brute_force_with_ties_by_index()
    {
        var r = new Random(3);
        int n = 200, q = 7, d = 16, k = 5;
        var corpus = Enumerable.Range(0, n * d).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        corpus.AsSpan(0, d).CopyTo(corpus.AsSpan(10 * d, d)); // row 10 duplicates row 0: a tie
        var queries = new float[q * d];
        corpus.AsSpan(0, q * d).CopyTo(queries);
        var got = CosineTopK.Search(queries, q, corpus, n, d, k);
        for (int i = 0; i < q; i++)
        {
            var expect = Enumerable.Range(0, n).Select(j => (j, s: Cos(queries.AsSpan(i * d, d), corpus.AsSpan(j * d, d))))
                .OrderByDescending(p => p.s).ThenBy(p => p.j).Take(k).ToArray();
            Assert.That(got[i].Select(g => g.Index), Is.EqualTo(expect.Select(e => e.j)), $"query {i}");
            for (int m = 0; m < k; m++) Assert.That(got[i][m].Score, Is.EqualTo(expect[m].s).Within(1e-5));
        }
        Assert.That(got[0].Take(2).Select(g => g.Index), Is.EqualTo(new[] { 0, 10 }), "exact tie resolved by lower index");
    }

    private static float Cos(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
        return (float)(ab / Math.Sqrt(aa * bb));
    }

    [Test]
    public void Pca_finds_the_axis_of_largest_variance()
    {
        // points on a line along (3,4)/5 plus small noise on the orthogonal axis: PC1 = ±(0.6, 0.8)
        var r = new Random(5);
        int n = 300;
        var x = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            double t = r.NextDouble() * 10 - 5, e = (r.NextDouble() - 0.5) * 0.1;
            x[2 * i] = (float)(0.6 * t - 0.8 * e + 1); x[2 * i + 1] = (float)(0.8 * t + 0.6 * e - 2);
        }
        var (comps, mean, variances) = PrincipalComponents.Fit(x, n, 2, 2, center: true);
        Assert.That(comps[0][0], Is.EqualTo(0.6).Within(1e-3));
        Assert.That(comps[0][1], Is.EqualTo(0.8).Within(1e-3));
        Assert.That(mean[0], Is.EqualTo(Enumerable.Range(0, n).Average(i => x[2 * i])).Within(1e-6));
        Assert.That(variances[0], Is.GreaterThan(100 * variances[1]));
        var y = PrincipalComponents.Project(x, n, 2, 2);
        Assert.That(Enumerable.Range(0, n).Average(i => y[2 * i]), Is.EqualTo(0).Within(1e-4), "projections are centred");
    }

    [Test]
    public void Tsne_keeps_separated_blobs_apart_and_is_deterministic_for_a_seed()
    {
        var (x, truth) = Blobs(30, 2);
        var o = new TSneOptions { Perplexity = 10, Iterations = 1000, Seed = 5 };
        var y = TSne.Embed(x, 90, 5, o);
        Assert.That(y, Has.Length.EqualTo(180));
        Assert.That(y.All(float.IsFinite));
        // local structure: every point's nearest neighbour in the 2-D layout is from its own blob
        int agree = 0;
        for (int i = 0; i < 90; i++)
        {
            int best = -1; double bd = double.MaxValue;
            for (int j = 0; j < 90; j++)
            {
                if (j == i) continue;
                double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1], dd = dx * dx + dy * dy;
                if (dd < bd) { bd = dd; best = j; }
            }
            if (truth[best] == truth[i]) agree++;
        }
        // global structure: blob centroids are farther apart than the blobs' own spread
        var cx = new double[3]; var cy = new double[3];
        for (int i = 0; i < 90; i++) { cx[truth[i]] += y[2 * i] / 30; cy[truth[i]] += y[2 * i + 1] / 30; }
        double spread = Enumerable.Range(0, 90).Average(i => Math.Sqrt(Math.Pow(y[2 * i] - cx[truth[i]], 2) + Math.Pow(y[2 * i + 1] - cy[truth[i]], 2)));
        double minGap = Math.Min(Math.Min(Dist(0, 1), Dist(0, 2)), Dist(1, 2));
        double Dist(int a, int b) => Math.Sqrt(Math.Pow(cx[a] - cx[b], 2) + Math.Pow(cy[a] - cy[b], 2));
        TestContext.Out.WriteLine($"1-NN agreement {agree}/90, mean spread {spread:F2}, smallest centroid gap {minGap:F2}");
        Assert.That(agree, Is.EqualTo(90));
        Assert.That(minGap, Is.GreaterThan(2 * spread));
        Assert.That(TSne.Embed(x, 90, 5, o), Is.EqualTo(y), "same seed, same layout");
    }

    [Test]
    public void Tsne_rejects_a_perplexity_too_large_for_the_points()
    {
        var e = Assert.Throws<ArgumentException>(() => TSne.Embed(new float[20 * 2], 20, 2, new TSneOptions { Perplexity = 30 }));
        Assert.That(e!.Message, Does.Contain("perplexity 30 is too large for 20 points"));
    }
}
