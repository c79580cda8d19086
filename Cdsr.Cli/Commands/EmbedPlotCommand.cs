using System.CommandLine;
using Cdsr.Semantics.Features;
using Cdsr.Semantics.Numerics;
using Cdsr.Semantics.Plot;

namespace Cdsr.Cli.Commands;

/// <summary>
/// <c>cdsr embed plot --features FILE [--out FILE.svg]</c>: projects an item feature file to 2-D (PCA) and writes an SVG
/// scatter with one colour per domain (the papers' embedding figures); prints the projection's explained variance
/// and the purity of a seeded k-means (k = number of domains) on the full vectors.
/// </summary>
public static class EmbedPlotCommand
{
    private static readonly string[] Palette = ["#d95f02", "#1b9e77", "#7570b3", "#e7298a"];

    public static Command Create(CliContext context)
    {
        var features = new Option<FileInfo>("--features") { Description = "Item feature file written by 'cdsr embed items'", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "SVG to write (default: the feature file with .svg)" };
        var maxPoints = new Option<int>("--max-points") { Description = "Plot at most this many points per domain (seeded sample; 0 = all)", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the sample and of k-means", DefaultValueFactory = _ => 42UL };
        var cmd = new Command("plot", "Write an SVG scatter of the items' embeddings (PCA to 2-D), one colour per domain");
        foreach (var o in new Option[] { features, output, maxPoints, seed }) cmd.Options.Add(o);
        cmd.SetAction(p => EmbedCommand.Guard(() =>
        {
            var file = p.GetValue(features)!;
            if (!file.Exists) throw new CliException($"{file.FullName}: feature file not found (write one with 'cdsr embed items')");
            var f = ItemFeatureFile.Read(file.FullName);
            int n = f.Vectors.Rows, d = f.Vectors.Dims;
            var domains = f.Domains.Distinct().ToArray();
            if (domains.Length > Palette.Length) throw new CliException($"{file.FullName}: {domains.Length} domains; the plot supports at most {Palette.Length}");
            var classes = f.Domains.Select(x => Array.IndexOf(domains, x)).ToArray();

            var (comps, mean, variances) = PrincipalComponents.Fit(f.Vectors.Data, n, d, 2, center: true);
            double total = TotalVariance(f.Vectors.Data, n, d, mean);
            var xy = PrincipalComponents.Project(f.Vectors.Data, n, d, 2);
            var rng = new Cdsr.Data.Evaluation.SplitMix64(p.GetValue(seed));
            var series = new List<ScatterSeries>();
            for (int c = 0; c < domains.Length; c++)
            {
                var rows = Enumerable.Range(0, n).Where(i => classes[i] == c).ToArray();
                int cap = p.GetValue(maxPoints);
                if (cap > 0 && rows.Length > cap) { rng.Shuffle(rows.AsSpan()); rows = rows[..cap]; Array.Sort(rows); }
                series.Add(new ScatterSeries(domains[c], Palette[c], rows.Select(i => (xy[2 * i], xy[2 * i + 1])).ToArray()));
            }
            var km = KMeans.Fit(f.Vectors.Data, n, d, new KMeansOptions { K = domains.Length, Seed = p.GetValue(seed) });
            double purity = KMeans.Purity(km.Labels, classes);
            double chance = classes.GroupBy(x => x).Max(g => g.Count()) / (double)n;
            string title = $"{Path.GetFileNameWithoutExtension(file.Name)}: item embeddings, PCA (k-means purity {purity:0.000}, chance {chance:0.000})";
            string svg = SvgScatter.Render(title, $"PC1 ({100 * variances[0] / total:0.0}% of variance)", $"PC2 ({100 * variances[1] / total:0.0}% of variance)", series);
            string outPath = p.GetValue(output)?.FullName ?? Path.ChangeExtension(file.FullName, ".svg");
            SvgScatter.Write(outPath, svg);
            foreach (var s in series) context.Out.WriteLine($"{s.Name}: {s.Points.Count:N0} points, centroid in PCA plane ({s.Points.Average(q => q.X):0.000}, {s.Points.Average(q => q.Y):0.000})");
            context.Out.WriteLine($"PCA: PC1 {100 * variances[0] / total:0.0}%, PC2 {100 * variances[1] / total:0.0}% of the variance");
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
