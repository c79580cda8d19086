using System.Globalization;
using System.Net;
using System.Text;

namespace Cdsr.Semantics.Plot;

/// <summary>One series of a scatter plot.</summary>
public sealed record ScatterSeries(string Name, string Color, IReadOnlyList<(float X, float Y)> Points);

/// <summary>
/// Writes a self-contained SVG scatter plot (the papers' embedding figures): one colour per series, a legend with
/// counts, axis labels, a title. The largest series is drawn first, so a smaller one is not buried under it; the 0.5% tails
/// of each axis are left out of the frame so a few outliers do not squash the cloud.
/// </summary>
public static class SvgScatter
{
    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<ScatterSeries> series, int width = 900, int height = 760, double radius = 1.6, double opacity = 0.45)
    {
        var all = series.SelectMany(s => s.Points).ToArray();
        if (all.Length == 0) throw new ArgumentException("nothing to plot: every series is empty");
        // robust bounds: 0.5th..99.5th percentile, so a handful of outliers does not squash the cloud
        float Q(IEnumerable<float> v, double q) { var a = v.OrderBy(x => x).ToArray(); return a[(int)Math.Clamp(Math.Round(q * (a.Length - 1)), 0, a.Length - 1)]; }
        float x0 = Q(all.Select(p => p.X), 0.005), x1 = Q(all.Select(p => p.X), 0.995);
        float y0 = Q(all.Select(p => p.Y), 0.005), y1 = Q(all.Select(p => p.Y), 0.995);
        if (x1 <= x0) { x0 -= 1; x1 += 1; }
        if (y1 <= y0) { y0 -= 1; y1 += 1; }
        const int left = 60, right = 20, top = 50, bottom = 60;
        double pw = width - left - right, ph = height - top - bottom;
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\">\n");
        sb.Append($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        sb.Append($"<text x=\"{width / 2}\" y=\"28\" text-anchor=\"middle\" font-size=\"18\">{WebUtility.HtmlEncode(title)}</text>\n");
        sb.Append($"<rect x=\"{left}\" y=\"{top}\" width=\"{F(pw)}\" height=\"{F(ph)}\" fill=\"none\" stroke=\"#888\"/>\n");
        sb.Append($"<text x=\"{F(left + pw / 2)}\" y=\"{height - 20}\" text-anchor=\"middle\" font-size=\"14\">{WebUtility.HtmlEncode(xLabel)}</text>\n");
        sb.Append($"<text x=\"18\" y=\"{F(top + ph / 2)}\" text-anchor=\"middle\" font-size=\"14\" transform=\"rotate(-90 18 {F(top + ph / 2)})\">{WebUtility.HtmlEncode(yLabel)}</text>\n");
        int clipped = all.Count(p => p.X < x0 || p.X > x1 || p.Y < y0 || p.Y > y1);
        if (clipped > 0) // said on the plot, not dropped silently
            sb.Append($"<text x=\"{F(left + pw)}\" y=\"{height - 4}\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">{clipped:N0} of {all.Length:N0} points lie outside the central 99% window on an axis and are not drawn</text>\n");
        foreach (var s in series.OrderByDescending(s => s.Points.Count)) // stable: equal sizes keep their order
        {
            sb.Append($"<g fill=\"{s.Color}\" fill-opacity=\"{F(opacity)}\">\n");
            foreach (var (x, y) in s.Points)
            {
                if (x < x0 || x > x1 || y < y0 || y > y1) continue;
                double px = left + (x - x0) / (x1 - x0) * pw, py = top + ph - (y - y0) / (y1 - y0) * ph;
                sb.Append($"<circle cx=\"{F(px)}\" cy=\"{F(py)}\" r=\"{F(radius)}\"/>\n");
            }
            sb.Append("</g>\n");
        }
        for (int s = 0; s < series.Count; s++)
        {
            int ly = top + 20 + 22 * s;
            sb.Append($"<rect x=\"{left + 12}\" y=\"{ly - 11}\" width=\"14\" height=\"14\" fill=\"{series[s].Color}\"/>");
            sb.Append($"<text x=\"{left + 32}\" y=\"{ly}\" font-size=\"14\">{WebUtility.HtmlEncode(series[s].Name)} ({series[s].Points.Count:N0})</text>\n");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>Writes <see cref="Render"/>'s output atomically.</summary>
    public static void Write(string path, string svg)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = $"{full}.tmp-{Environment.ProcessId}";
        File.WriteAllText(tmp, svg);
        File.Move(tmp, full, overwrite: true);
    }
}
