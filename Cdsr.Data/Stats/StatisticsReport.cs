using System.Globalization;
using System.Text;

namespace Cdsr.Data.Stats;

/// <summary>Plain-text rendering of <see cref="DatasetStatistics"/> (aligned columns, invariant culture).</summary>
public static class StatisticsReport
{
    public static string Format(DatasetStatistics s, IReadOnlyList<string>? notes = null)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(ci, $"dataset {s.Name} (format {s.Format})");
        sb.AppendLine(ci, $"users {s.Users:N0}: overlapped {s.OverlappedUsers:N0}, {s.A.Name}-only {s.OnlyA:N0}, {s.B.Name}-only {s.OnlyB:N0}");
        sb.AppendLine(ci, $"interactions {s.Interactions:N0}; sequence length min {s.MinLength}, max {s.MaxLength}, mean {s.MeanLength:F2}");
        sb.AppendLine();
        Table(sb, ["domain", "users", "items", "items used", "interactions", "avg length", "density"],
            [Row(s.A), Row(s.B)]);
        sb.AppendLine();
        sb.AppendLine("users by share of their dominant domain:");
        var hist = new List<string[]>();
        for (int b = 5; b < 10; b++)
            hist.Add([$"{b * 10}-{b * 10 + 10}%", s.DominantShareHistogram[b].ToString("N0", ci),
                s.Users == 0 ? "0.0%" : (100.0 * s.DominantShareHistogram[b] / s.Users).ToString("F1", ci) + "%"]);
        Table(sb, ["share", "users", "of all"], hist);
        if (s.Splits.Count > 0)
        {
            sb.AppendLine();
            Table(sb, ["split", "instances", "users", $"{s.A.Name}-only", $"{s.B.Name}-only", "overlapped", "interactions", "mean length",
                    $"{s.A.Name} items", $"{s.B.Name} items", "both domains", $"target {s.A.Name}", $"target {s.B.Name}"],
                s.Splits.Select(p => new[] { p.Label, N(p.Instances), N(p.Users), N(p.OnlyA), N(p.OnlyB), N(p.Overlapped), N(p.Interactions),
                    p.MeanLength.ToString("F2", ci), N(p.ItemsA), N(p.ItemsB), N(p.BothDomains), N(p.TargetsA), N(p.TargetsB) }).ToList());
        }
        if (notes is { Count: > 0 })
        {
            sb.AppendLine();
            foreach (var n in notes) sb.AppendLine("note: " + n);
        }
        return sb.ToString();

        string[] Row(DomainStatistics d) => [d.Name, N(d.Users), N(d.Items), N(d.ItemsWithInteractions), N(d.Interactions),
            d.AverageSequenceLength.ToString("F2", ci), d.Density.ToString("0.000000", ci)];
        static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
    }

    private static void Table(StringBuilder sb, string[] header, IReadOnlyList<string[]> rows)
    {
        var w = header.Select(h => h.Length).ToArray();
        foreach (var r in rows) for (int i = 0; i < w.Length; i++) w[i] = Math.Max(w[i], r[i].Length);
        void Line(string[] cells) =>
            sb.AppendLine(string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(w[i]) : c.PadLeft(w[i]))).TrimEnd());
        Line(header);
        sb.AppendLine(string.Join("  ", w.Select(x => new string('-', x))));
        foreach (var r in rows) Line(r);
    }
}
