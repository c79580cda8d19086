using System.CommandLine;
using Cdsr.Data.Model;
using Cdsr.Data.Storage;
using Cdsr.Trainers.Serialization;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Evaluation;
using Cdsr.Trainers.Models;
using Cdsr.Trainers.Training;

namespace Cdsr.Cli.Commands;

/// <summary><c>cdsr evaluate --run RUN [--split test|valid] [--negatives 999|100|full] [--ks 1,5,10] [--data DATASET] [--save NAME]</c>:
/// scores the run's best checkpoint and prints HR@K, NDCG@K and MRR overall and per target domain; --save keeps the result
/// in the run folder (evaluations/NAME.json) for 'cdsr runs compare --evaluation NAME'.</summary>
public static class EvaluateCommand
{
    public static Command Create(CliContext context)
    {
        var run = new Option<DirectoryInfo>("--run") { Description = "Run folder written by 'cdsr train'", Required = true };
        var split = new Option<string>("--split") { Description = "test or valid", DefaultValueFactory = _ => "test" };
        CliValidation.OneOf(split, "test", "valid");
        var negatives = new Option<string?>("--negatives") { Description = "999 or 100 (the persisted candidate rows; 100 = their first 100 negatives) or full; default: as stored" };
        CliValidation.OneOf(negatives, "999", "100", "full");
        var ks = new Option<string>("--ks") { Description = "Cut-offs K, comma-separated", DefaultValueFactory = _ => "1,5,10" };
        var data = new Option<DirectoryInfo?>("--data")
        {
            Description = "Dataset folder (default: the one the run was trained on). It must hold the same users, interactions and split; " +
                "its candidate sets may differ (e.g. imported with another --negative-pool or --seed), which is checked against the run's own dataset folder",
        };
        var cmd = new Command("evaluate", "Evaluate a run's best checkpoint on the valid or test split");
        var save = new Option<string?>("--save") { Description = "Also write the result to the run folder as evaluations/NAME.json ('cdsr runs compare --evaluation NAME' reads it)" };
        foreach (var o in new Option[] { run, split, negatives, ks, data, save }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var folder = new RunFolder(p.GetValue(run)!.FullName);
            var config = TrainCommand.Guard(folder.ReadConfig);
            var saveAs = p.GetValue(save);
            if (saveAs is not null) TrainCommand.Guard(() => folder.EvaluationPath(saveAs));
            var cutoffs = ParseKs(p.GetValue(ks)!);
            var given = p.GetValue(data)?.FullName;
            var dataset = TrainCommand.ReadDataset(given ?? config.DataPath);
            if (given is not null && DatasetStore.ContentHash(dataset) != config.DataHash)
            {
                // Same data, other candidates? Prove it against the run's own dataset, candidate sets left out.
                var trained = TrainCommand.ReadDataset(config.DataPath);
                TrainCommand.Guard(() => { Trainer.CheckDataset(config, trained); return 0; });
                if (DatasetStore.ContentHash(trained.WithCandidates(null)) != DatasetStore.ContentHash(dataset.WithCandidates(null)))
                    throw new CliException($"{given}: not the dataset the run was trained on ({config.DataPath}): they differ beyond their candidate sets");
                context.Out.WriteLine($"candidates of {given}: same data as the run's {config.DataPath}, other candidate sets" +
                    (dataset.Candidates is { } c ? $" ({c.Describe()})" : ""));
            }
            else TrainCommand.Guard(() => { Trainer.CheckDataset(config, dataset); return 0; });
            if (!File.Exists(folder.BestCheckpoint)) throw new CliException($"{folder.BestCheckpoint}: file not found (no validated checkpoint yet)");
            var sequences = SequenceData.Build(dataset, config.View, config.ModelOptions.MaxLength);
            var spec = ModelCatalog.Get(config.Model);
            using var model = TrainCommand.Guard(() => spec.Create(config.ModelOptions, sequences.ItemCount));
            TrainCommand.Guard(() => Checkpoint.Load(folder.BestCheckpoint, model, restore_rng: false));
            var options = new EvaluationOptions
            {
                Cutoffs = cutoffs,
                BatchSize = config.Trainer.EvalBatchSize,
                Negatives = p.GetValue(negatives) switch
                {
                    null => null,
                    "full" => 0,
                    var n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture),
                },
            };
            var part = p.GetValue(split) == "valid" ? SplitPart.Valid : SplitPart.Test;
            var result = Evaluator.Evaluate(model, sequences, part, options);
            context.Out.WriteLine($"{config.Model} ({config.View.Name()}) on {config.DataName}, best checkpoint");
            context.Out.Write(result.Format());
            if (saveAs is not null)
            {
                TrainCommand.Guard(() =>
                {
                    folder.WriteEvaluation(saveAs, new System.Text.Json.Nodes.JsonObject
                    {
                        ["data"] = given ?? config.DataPath,
                        ["content_hash"] = DatasetStore.ContentHash(dataset),
                        ["candidates"] = dataset.Candidates?.Describe(),
                        ["result"] = result.ToJson(),
                    });
                    return 0;
                });
                context.Out.WriteLine($"saved {folder.EvaluationPath(saveAs)}");
            }
            return 0;
        });
        return cmd;
    }

    internal static int[] ParseKs(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ks = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ks[i]) || ks[i] < 1)
                throw new CliException($"--ks: '{parts[i]}' is not a positive integer", 2);
        if (ks.Length == 0) throw new CliException("--ks: give at least one cut-off", 2);
        return ks;
    }
}
