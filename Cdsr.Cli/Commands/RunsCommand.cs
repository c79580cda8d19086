using System.CommandLine;
using Cdsr.Trainers.Runs;

namespace Cdsr.Cli.Commands;

/// <summary><c>cdsr runs compare RUN... [--metrics NDCG@10,HR@10] [--split test|valid|test-max] [--evaluation NAME] [--user-groups]</c>: a paper-style table, rows =
/// models (runs of one model, view and dataset grouped), columns = target domain x metric, mean ± std over runs (%).</summary>
public static class RunsCommand
{
    public static Command Create(CliContext context)
    {
        var runs = new Argument<DirectoryInfo[]>("runs") { Description = "Run folders written by 'cdsr train'", Arity = ArgumentArity.OneOrMore };
        var metrics = new Option<string>("--metrics") { Description = "Metrics to show, comma-separated", DefaultValueFactory = _ => "NDCG@10,HR@10" };
        var split = new Option<string>("--split")
        {
            Description = "test or valid (the validation-selected checkpoint's metrics), or test-max (diagnostic: each test metric's " +
                "maximum over epochs, as AMID's and CDSRNP's code report; needs runs trained with --set trace_test=true)",
            DefaultValueFactory = _ => "test",
        };
        CliValidation.OneOf(split, "test", "valid", "test-max");
        var evaluation = new Option<string?>("--evaluation") { Description = "Compare each run's evaluation saved by 'cdsr evaluate --save NAME' instead of --split" };
        var groups = new Option<bool>("--user-groups") { Description = "Also show each domain's single-domain and overlapped users (CDSRNP's Table 4)" };
        var compare = new Command("compare", "Compare finished runs: mean ± std per model over seeds");
        compare.Arguments.Add(runs);
        compare.Options.Add(metrics);
        compare.Options.Add(split);
        compare.Options.Add(evaluation);
        compare.Options.Add(groups);
        compare.SetAction(p =>
        {
            var saved = p.GetValue(evaluation);
            if (saved is not null && p.GetResult(split) is { Implicit: false })
                throw new CliException("--evaluation and --split: give one (a saved evaluation names its own split)", 2);
            var summaries = p.GetValue(runs)!.Select(d => TrainCommand.Guard(() => RunSummary.Load(d.FullName, saved))).ToList();
            var names = p.GetValue(metrics)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length == 0) throw new CliException("--metrics: give at least one metric", 2);
            var known = summaries.SelectMany(s => s.Test.Overall.Values.Keys).ToHashSet();
            foreach (var m in names)
                if (!known.Contains(m)) throw new CliException($"--metrics: '{m}' was not computed by these runs (have {string.Join(", ", known)})", 2);
            var which = saved is not null ? ComparedSplit.Saved
                : p.GetValue(split) switch { "valid" => ComparedSplit.Valid, "test-max" => ComparedSplit.TestMaxOverEpochs, _ => ComparedSplit.Test };
            var table = TrainCommand.Guard(() => RunComparison.Build(summaries, names, which, p.GetValue(groups)));
            context.Out.WriteLine(which switch
            {
                ComparedSplit.TestMaxOverEpochs => "test metrics (%), each metric's maximum over epochs (diagnostic: the test split picks the epoch, never use it to select), mean ± sample std over runs",
                ComparedSplit.Saved => $"saved evaluation '{saved}' (%), mean ± sample std over runs; scored on: " +
                    string.Join("; ", summaries.Select(s => $"{s.Saved!.Split} of {s.SavedSource}").Distinct()),
                _ => $"{p.GetValue(split)} metrics (%), mean ± sample std over runs",
            });
            context.Out.Write(table.Format());
            return 0;
        });
        var cmd = new Command("runs", "Inspect and compare training runs");
        cmd.Subcommands.Add(compare);
        return cmd;
    }
}
