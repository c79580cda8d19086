using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Evaluation;
using Cdsr.Trainers.Models;
using Cdsr.Trainers.Training;

namespace Cdsr.Trainers.Runs;

/// <summary>The finished result of one run folder, as <c>cdsr runs compare</c> reads it.</summary>
/// <param name="TestMaxOverEpochs">Only for runs trained with trace_test: each test metric's maximum over epochs (diagnostic).</param>
/// <param name="Saved">The saved evaluation asked for by name when loading ('cdsr evaluate --save NAME'), if any.</param>
/// <param name="SavedSource">What <paramref name="Saved"/> was scored on: its dataset folder and candidate sets.</param>
public sealed record RunSummary(string Directory, RunConfig Config, long Seed, int BestEpoch, EvaluationResult Valid, EvaluationResult Test,
    EvaluationResult? TestMaxOverEpochs = null, EvaluationResult? Saved = null, string? SavedSource = null)
{
    /// <summary>Reads config.json and result.json of <paramref name="directory"/> (and evaluations/<paramref name="evaluation"/>.json
    /// when named); a missing or corrupt file is a <see cref="CdsrRunException"/> naming it.</summary>
    public static RunSummary Load(string directory, string? evaluation = null)
    {
        var folder = new RunFolder(directory);
        var config = folder.ReadConfig();
        var result = folder.ReadResult();
        EvaluationResult? saved = null;
        string? savedSource = null;
        if (evaluation is not null)
        {
            var path = folder.EvaluationPath(evaluation);
            try
            {
                var o = folder.ReadEvaluation(evaluation);
                saved = EvaluationResult.FromJson(o["result"] as JsonObject ?? throw new FormatException("missing object 'result'"));
                savedSource = $"{o["data"]?.GetValue<string>() ?? "?"} ({o["candidates"]?.GetValue<string>() ?? "no candidates"})";
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or KeyNotFoundException) { throw new CdsrRunException($"{path}: {e.Message}"); }
        }
        try
        {
            return new RunSummary(folder.Directory, config,
                result["seed"]?.GetValue<long>() ?? throw new FormatException("missing field 'seed'"),
                result["best_epoch"]?.GetValue<int>() ?? throw new FormatException("missing field 'best_epoch'"),
                EvaluationResult.FromJson(result["valid"] as JsonObject ?? throw new FormatException("missing object 'valid'")),
                EvaluationResult.FromJson(result["test"] as JsonObject ?? throw new FormatException("missing object 'test'")),
                result["test_max_over_epochs"] is JsonObject m ? EvaluationResult.FromJson(m) : null,
                saved, savedSource);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new CdsrRunException($"{folder.ResultPath}: {e.Message}");
        }
    }
}

/// <summary>Which metrics of a run a comparison shows.</summary>
public enum ComparedSplit
{
    /// <summary>The test split, scored once with the validation-selected checkpoint.</summary>
    Test = 0,
    /// <summary>The validation split of the selected checkpoint.</summary>
    Valid = 1,
    /// <summary>Diagnostic: each test metric's maximum over epochs (runs trained with trace_test), the figure AMID's and
    /// CDSRNP's code report; optimistic because the test split selects the epoch.</summary>
    TestMaxOverEpochs = 2,
    /// <summary>A saved evaluation of the selected checkpoint (<see cref="RunSummary.Saved"/>), e.g. on other candidates.</summary>
    Saved = 3,
}

/// <summary>One row of a comparison: the runs of one model, view and dataset, with mean and sample standard deviation
/// of each (domain, metric) cell over the runs.</summary>
public sealed record ComparisonRow(string Label, int Runs, IReadOnlyDictionary<(string Domain, string Metric), (double Mean, double Std, int N)> Cells);

/// <summary>
/// A paper-style table: rows = models (grouped by model, view, dataset content hash and settings: runs differing only
/// in seed share a row; a row whose settings differ from another row of its model names them, e.g. an ablation), columns = target domain x
/// metric of the test split, cells = mean ± sample standard deviation over the group's runs (seeds), in percent.
/// </summary>
public sealed class RunComparison
{
    private RunComparison(IReadOnlyList<string> domains, IReadOnlyList<string> metrics, IReadOnlyList<ComparisonRow> rows)
    {
        Domains = domains;
        Metrics = metrics;
        Rows = rows;
    }

    public IReadOnlyList<string> Domains { get; }
    public IReadOnlyList<string> Metrics { get; }
    public IReadOnlyList<ComparisonRow> Rows { get; }

    public static RunComparison Build(IReadOnlyList<RunSummary> runs, IReadOnlyList<string> metrics, bool useValid = false) =>
        Build(runs, metrics, useValid ? ComparedSplit.Valid : ComparedSplit.Test);

    /// <param name="userGroups">Also show each domain's single-domain and overlapped users as columns (CDSRNP's Table 4).</param>
    public static RunComparison Build(IReadOnlyList<RunSummary> runs, IReadOnlyList<string> metrics, ComparedSplit split, bool userGroups = false)
    {
        if (runs.Count == 0) throw new ArgumentException("no runs to compare");
        if (split == ComparedSplit.TestMaxOverEpochs && runs.FirstOrDefault(r => r.TestMaxOverEpochs is null) is { } missing)
            throw new CdsrRunException($"{missing.Directory}: the run was not trained with trace_test=true, so it has no test maximum over epochs");
        EvaluationResult Pick(RunSummary r) => split switch
        {
            ComparedSplit.Valid => r.Valid,
            ComparedSplit.TestMaxOverEpochs => r.TestMaxOverEpochs!,
            ComparedSplit.Saved => r.Saved ?? throw new CdsrRunException($"{r.Directory}: no saved evaluation was loaded"),
            _ => r.Test,
        };
        IReadOnlyDictionary<string, MetricSet> Cells(RunSummary r)
        {
            var e = Pick(r);
            if (!userGroups || e.UserGroups is null) return e.PerDomain;
            var all = new Dictionary<string, MetricSet>(e.PerDomain);
            foreach (var (k, v) in e.UserGroups) all[k] = v;
            return all;
        }
        if (userGroups && runs.FirstOrDefault(r => Pick(r).UserGroups is null) is { } old)
            throw new CdsrRunException($"{old.Directory}: the run's result has no user groups (it was written before they were reported)");
        var domains = new List<string>();
        foreach (var r in runs)
            foreach (var d in Cells(r).Keys)
                if (!domains.Contains(d)) domains.Add(d);
        bool manyData = runs.Select(r => r.Config.DataHash).Distinct().Count() > 1;
        var rows = new List<ComparisonRow>();
        var groups = runs.GroupBy(r => (r.Config.Model, r.Config.View, r.Config.DataHash, Settings: SettingsKey(r.Config))).ToList();
        foreach (var g in groups)
        {
            var first = g.First();
            var label = $"{first.Config.Model} ({first.Config.View.Name()})";
            var differing = DifferingSettings(first.Config, groups.Where(o => o.Key.Model == g.Key.Model).Select(o => o.First().Config));
            if (differing.Length > 0) label += " " + differing;
            if (manyData) label = $"{first.Config.DataName}/{first.Config.DataHash[..6]} {label}";
            var cells = new Dictionary<(string, string), (double, double, int)>();
            foreach (var d in domains)
                foreach (var m in metrics)
                {
                    var values = g.Select(r => Cells(r).TryGetValue(d, out var s) && s.Values.TryGetValue(m, out var v) ? v : double.NaN)
                        .Where(v => !double.IsNaN(v)).ToArray();
                    if (values.Length == 0) continue;
                    double mean = values.Average();
                    double std = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
                    cells[(d, m)] = (mean, std, values.Length);
                }
            rows.Add(new ComparisonRow(label, g.Count(), cells));
        }
        return new RunComparison(domains, metrics, rows);
    }

    /// <summary>Trainer options that only name or record a run, never change what it learns: left out of the grouping so that
    /// seeds of one configuration share a row.</summary>
    private static readonly HashSet<string> NonSettings = ["seed", "trace_test", "eval_batch_size"];

    /// <summary>Model and trainer options as "key=value" pairs (trainer keys prefixed "trainer."), seed and other
    /// non-settings left out.</summary>
    private static SortedDictionary<string, string> Settings(RunConfig c) => Settings(c.ModelOptions, c.Trainer);

    private static SortedDictionary<string, string> Settings(object modelOptions, TrainerOptions trainer)
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in OptionsJson.Write(modelOptions)) all[k] = v?.ToJsonString() ?? "null";
        foreach (var (k, v) in OptionsJson.Write(trainer))
            if (!NonSettings.Contains(k)) all["trainer." + k] = v?.ToJsonString() ?? "null";
        return all;
    }

    private static string SettingsKey(RunConfig c) => string.Join(";", Settings(c).Select(kv => $"{kv.Key}={kv.Value}"));

    /// <summary>The settings by which <paramref name="config"/>'s row differs from other rows of its model: those not equal
    /// across <paramref name="ofModel"/> (one config per row of the same model) and not at their default, so that ablation
    /// rows read "cdsrnp (mixed) embedding=shared_only" and the row of default settings keeps the bare name. Empty when
    /// the model has one row.</summary>
    private static string DifferingSettings(RunConfig config, IEnumerable<RunConfig> ofModel)
    {
        var all = ofModel.Select(Settings).ToList();
        if (all.Count < 2) return "";
        var mine = Settings(config);
        var defaults = Settings(Activator.CreateInstance(config.ModelOptions.GetType())!, new TrainerOptions());
        var parts = new List<string>();
        foreach (var (k, v) in mine)
        {
            bool varies = all.Any(o => !o.TryGetValue(k, out var x) || x != v);
            bool isDefault = defaults.TryGetValue(k, out var dv) && dv == v;
            if (varies && !isDefault) parts.Add($"{k}={v.Trim('"')}");
        }
        return string.Join(", ", parts);
    }

    /// <summary>Markdown table in percent with two decimals ("3.34 ± 0.18"; a single run shows its value alone); "-" where a group has no value.</summary>
    public string Format()
    {
        var inv = CultureInfo.InvariantCulture;
        var header = new List<string> { "model", "runs" };
        foreach (var d in Domains) foreach (var m in Metrics) header.Add($"{d} {m}");
        var lines = new List<List<string>> { header };
        foreach (var row in Rows)
        {
            var cells = new List<string> { row.Label, row.Runs.ToString(inv) };
            foreach (var d in Domains)
                foreach (var m in Metrics)
                    cells.Add(!row.Cells.TryGetValue((d, m), out var c) ? "-"
                        : c.N > 1 ? string.Create(inv, $"{c.Mean * 100:0.00} ± {c.Std * 100:0.00}")
                        : string.Create(inv, $"{c.Mean * 100:0.00}"));
            lines.Add(cells);
        }
        var widths = Enumerable.Range(0, header.Count).Select(i => lines.Max(l => l[i].Length)).ToArray();
        var sb = new StringBuilder();
        void Line(List<string> l) => sb.Append("| ").Append(string.Join(" | ", l.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])))).AppendLine(" |");
        Line(lines[0]);
        sb.Append('|').Append(string.Join('|', widths.Select(w => new string('-', w + 2)))).AppendLine("|");
        foreach (var l in lines.Skip(1)) Line(l);
        return sb.ToString();
    }
}
