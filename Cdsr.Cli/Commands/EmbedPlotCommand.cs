using System.CommandLine;
using Cdsr.Semantics.Features;
using Cdsr.Semantics.Numerics;
using Cdsr.Semantics.Plot;

namespace Cdsr.Cli.Commands;

/// <summary>
/// <c>cdsr embed plot --features FILE [--out FILE.svg] [--method pca|tsne]</c>: projects an item feature file to 2-D
/// (PCA of all items, or exact t-SNE of a seeded sample) and writes an SVG scatter with one colour per domain (the
/// papers' embedding figures); prints the projection's explained variance (PCA) and the purity of a seeded k-means
/// (k = number of domains) on the full vectors.
/// </summary>
public static class EmbedPlotCommand
{
    private static readonly string[] Palette = ["#d95f02", "#1b9e77", "#7570b3", "#e7298a"];

    public static Command Create(CliContext context)
    {
        var features = new Option<FileInfo>("--features") { Description = "Item feature file written by 'cdsr embed items'", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "SVG to write (default: the feature file with .svg)" };
        var maxPoints = new Option<int>("--max-points") { Description = "Plot at most this many points per domain (seeded sample; 0 = all)", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the sample, of t-SNE and of k-means", DefaultValueFactory = _ => 42UL };
        var method = new Option<string>("--method") { Description = "pca (all items) or tsne (exact t-SNE; at most 1,000 sampled items per domain unless --max-points says otherwise)", DefaultValueFactory = _ => "pca" };
        method.AcceptOnlyFromAmong("pca", "tsne");
        var perplexity = new Option<double>("--perplexity") { Description = "tsne: perplexity", DefaultValueFactory = _ => 30 };
        var iterations = new Option<int>("--iterations") { Description = "tsne: gradient steps", DefaultValueFactory = _ => 1000 };
        var cmd = new Command("plot", "Write an SVG scatter of the items' embeddings (PCA or t-SNE to 2-D), one colour per domain");
        foreach (var o in new Option[] { features, output, method, maxPoints, seed, perplexity, iterations }) cmd.Options.Add(o);
        cmd.SetAction(p => EmbedCommand.Guard(() =>
        {
            var file = p.GetValue(features)!;
            if (!file.Exists) throw new CliException($"{file.FullName}: feature file not found (write one with 'cdsr embed items')");
            var f = ItemFeatureFile.Read(file.FullName);
            int n = f.Vectors.Rows, d = f.Vectors.Dims;
            var domains = f.Domains.Distinct().ToArray();
            if (domains.Length > Palette.Length) throw new CliException($"{file.FullName}: {domains.Length} domains; the plot supports at most {Palette.Length}");
            var classes = f.Domains.Select(x => Array.IndexOf(domains, x)).ToArray();

            bool tsne = p.GetValue(method) == "tsne";
            int cap = p.GetValue(maxPoints);
            if (tsne && cap == 0) cap = 1000;
            var rng = new Cdsr.Data.Evaluation.SplitMix64(p.GetValue(seed));
            var sample = new List<int[]>();
            for (int c = 0; c < domains.Length; c++)
            {
                var rows = Enumerable.Range(0, n).Where(i => classes[i] == c).ToArray();
                if (cap > 0 && rows.Length > cap) { rng.Shuffle(rows.AsSpan()); rows = rows[..cap]; Array.Sort(rows); }
                sample.Add(rows);
            }
            float[] xy; // [n, 2] for PCA (all rows), [sampled, 2] for t-SNE (in sample order)
            string xLabel, yLabel, how;
            var position = new Dictionary<int, int>();
            if (tsne)
            {
                var all = sample.SelectMany(r => r).ToArray();
                var sub = new float[all.Length * d];
                for (int k = 0; k < all.Length; k++) { f.Vectors.Row(all[k]).CopyTo(sub.AsSpan(k * d, d)); position[all[k]] = k; }
                var sw = System.Diagnostics.Stopwatch.StartNew();
                xy = TSne.Embed(sub, all.Length, d, new TSneOptions { Perplexity = p.GetValue(perplexity), Iterations = p.GetValue(iterations), Seed = p.GetValue(seed) });
                context.Out.WriteLine($"t-SNE of {all.Length:N0} sampled items (perplexity {p.GetValue(perplexity)}, {p.GetValue(iterations)} iterations) in {sw.Elapsed.TotalSeconds:0.0} s");
                (xLabel, yLabel, how) = ("t-SNE 1", "t-SNE 2", "t-SNE");
            }
            else
            {
                var (_, mean, variances) = PrincipalComponents.Fit(f.Vectors.Data, n, d, 2, center: true);
                double total = TotalVariance(f.Vectors.Data, n, d, mean);
                xy = PrincipalComponents.Project(f.Vectors.Data, n, d, 2);
                for (int i = 0; i < n; i++) position[i] = i;
                (xLabel, yLabel, how) = ($"PC1 ({100 * variances[0] / total:0.0}% of variance)", $"PC2 ({100 * variances[1] / total:0.0}% of variance)", "PCA");
                context.Out.WriteLine($"PCA: PC1 {100 * variances[0] / total:0.0}%, PC2 {100 * variances[1] / total:0.0}% of the variance");
            }
            var series = new List<ScatterSeries>();
            for (int c = 0; c < domains.Length; c++)
                series.Add(new ScatterSeries(domains[c], Palette[c], sample[c].Select(i => (xy[2 * position[i]], xy[2 * position[i] + 1])).ToArray()));
            var km = KMeans.Fit(f.Vectors.Data, n, d, new KMeansOptions { K = domains.Length, Seed = p.GetValue(seed) });
            double purity = KMeans.Purity(km.Labels, classes);
            double chance = classes.GroupBy(x => x).Max(g => g.Count()) / (double)n;
            string title = $"{Path.GetFileNameWithoutExtension(file.Name)}: item embeddings, {how} (k-means purity {purity:0.000}, chance {chance:0.000})";
            string svg = SvgScatter.Render(title, xLabel, yLabel, series);
            string outPath = p.GetValue(output)?.FullName ?? Path.ChangeExtension(file.FullName, ".svg");
            SvgScatter.Write(outPath, svg);
            foreach (var s in series) context.Out.WriteLine($"{s.Name}: {s.Points.Count:N0} points, centroid in the plane ({s.Points.Average(q => q.X):0.000}, {s.Points.Average(q => q.Y):0.000})");
            context.Out.WriteLine($"k-means (k={domains.Length}, seed {p.GetValue(seed)}) on the {d}-d vectors: purity {purity:0.0000} (chance = majority share {chance:0.0000})");
            context.Out.WriteLine($"wrote {outPath}");
            return 0;
        }));
        return cmd;
    }

    private static double TotalVariance(float[] x, int n, int d, double[] mean)
    {
        double s = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) { double v = x[i * d + j] - mean[j]; s += v * v; }
        return s / n;
    }
}
