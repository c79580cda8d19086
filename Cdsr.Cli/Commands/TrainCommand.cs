using System.CommandLine;
using System.Globalization;
using Cdsr.Data.Storage;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Models;
using Cdsr.Trainers.Training;

namespace Cdsr.Cli.Commands;

/// <summary>
/// <c>cdsr train --model sasrec|gru4rec --data DATASET --out RUN [--domain A|B|mixed] [--epochs N] [--batch-size N]
/// [--lr X] [--seed N] [--patience N] [--eval-every N] [--max-length N] [--set key=value]... [--resume]</c>.
/// Named options and <c>--set</c> keys (snake_case names of the model's or the trainer's options record) override the
/// defaults; an unknown key is an error. <c>--resume</c> continues the run in --out from its last checkpoint with the
/// configuration saved there.
/// </summary>
public static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string?>("--model") { Description = $"Model: {string.Join("|", ModelCatalog.Names)}" };
        CliValidation.OneOf(model, [.. ModelCatalog.Names]);
        var data = new Option<DirectoryInfo?>("--data") { Description = "Dataset folder written by 'cdsr data import' (with --resume: defaults to the run's)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Run folder to create (or to resume)", Required = true };
        var domain = new Option<string>("--domain") { Description = "Sequence the model sees: A, B (one domain, its targets only) or mixed", DefaultValueFactory = _ => "mixed" };
        CliValidation.OneOf(domain, "A", "B", "mixed", "a", "b");
        var epochs = new Option<int?>("--epochs") { Description = "Maximum epochs (default 200)" };
        var batch = new Option<int?>("--batch-size") { Description = "Sequences per batch (default 128)" };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default 1e-3)" };
        var seed = new Option<long?>("--seed") { Description = "Seed (default 42)" };
        var patience = new Option<int?>("--patience") { Description = "Validations without improvement before stopping (default 10; 0 = never)" };
        var evalEvery = new Option<int?>("--eval-every") { Description = "Validate every N epochs (default 1)" };
        var maxLength = new Option<int?>("--max-length") { Description = "Most recent interactions the model reads (default 50)" };
        var set = new Option<string[]>("--set") { Description = "Override any model or trainer option: --set hidden_size=64 --set dropout=0.2", AllowMultipleArgumentsPerToken = false };
        var resume = new Option<bool>("--resume") { Description = "Continue the interrupted run in --out" };
        var stopAfter = new Option<int?>("--stop-after-epoch") { Description = "End after this epoch's checkpoint, as an interruption would (resume later)", Hidden = true };
        var quiet = new Option<bool>("--quiet") { Description = "No progress output, only the final metrics" };

        var cmd = new Command("train", "Train a sequential recommender on a dataset into a run folder, then test its best checkpoint");
        foreach (var o in new Option[] { model, data, output, domain, epochs, batch, lr, seed, patience, evalEvery, maxLength, set, resume, stopAfter, quiet })
            cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var runDir = p.GetValue(output)!.FullName;
            var folder = new RunFolder(runDir);
            RunConfig config;
            Cdsr.Data.Model.CdsrDataset dataset;
            if (p.GetValue(resume))
            {
                if (p.GetValue(model) is not null || p.GetValue(epochs) is not null || p.GetValue(batch) is not null || p.GetValue(lr) is not null ||
                    p.GetValue(seed) is not null || p.GetValue(patience) is not null || p.GetValue(evalEvery) is not null ||
                    p.GetValue(maxLength) is not null || (p.GetValue(set)?.Length ?? 0) > 0)
                    throw new CliException("--resume continues the saved configuration: give only --out (and optionally --data)", 2);
                config = Guard(folder.ReadConfig);
                var dataPath = p.GetValue(data)?.FullName ?? config.DataPath;
                dataset = ReadDataset(dataPath);
            }
            else
            {
                var modelName = p.GetValue(model) ?? throw new CliException("--model is required (sasrec|gru4rec)", 2);
                var dataDir = p.GetValue(data) ?? throw new CliException("--data is required", 2);
                var spec = ModelCatalog.Get(modelName);
                var overrides = ParseSets(p.GetValue(set) ?? []);
                void Put(string key, object? value)
                {
                    if (value is null) return;
                    overrides[key] = Convert.ToString(value, CultureInfo.InvariantCulture)!;
                }
                Put("epochs", p.GetValue(epochs));
                Put("batch_size", p.GetValue(batch));
                Put("learning_rate", p.GetValue(lr));
                Put("seed", p.GetValue(seed));
                Put("patience", p.GetValue(patience));
                Put("eval_every", p.GetValue(evalEvery));
                Put("max_length", p.GetValue(maxLength));
                var (modelOptions, rest) = Guard(() => OptionsJson.Apply(spec.Defaults, overrides, $"{spec.Name} options"));
                var (trainerOptions, unknown) = Guard(() => OptionsJson.Apply(new TrainerOptions(), rest, "trainer options"));
                if (unknown.Count > 0)
                    throw new CliException($"unknown option '{unknown.Keys.First()}' for {spec.Name} or the trainer " +
                        $"(model: {string.Join(", ", OptionsJson.Write(spec.Defaults).Select(kv => kv.Key))}; " +
                        $"trainer: {string.Join(", ", OptionsJson.Write(new TrainerOptions()).Select(kv => kv.Key))})", 2);
                Guard(() => { modelOptions.Validate(); trainerOptions.Validate(); return 0; });
                dataset = ReadDataset(dataDir.FullName);
                config = Trainer.Configure(spec.Name, modelOptions, trainerOptions, SequenceViews.Parse(p.GetValue(domain)!), dataset, dataDir.FullName);
            }

            var outcome = TrainProgress.Run(context, p.GetValue(quiet), config.Trainer.SelectMetric,
                observer => Guard(() => new Trainer(config, dataset, observer).Run(runDir, p.GetValue(resume), p.GetValue(stopAfter))));
            if (!outcome.Completed)
            {
                context.Out.WriteLine($"{outcome.StopReason}; continue with: cdsr train --out {runDir} --resume");
                return 0;
            }
            context.Out.WriteLine($"best epoch {outcome.BestEpoch} of {outcome.Epoch} ({outcome.StopReason})");
            context.Out.Write(outcome.Valid!.Format());
            context.Out.Write(outcome.Test!.Format());
            context.Out.WriteLine($"run: {runDir}");
            return 0;
        });
        return cmd;
    }

    internal static Dictionary<string, string> ParseSets(IEnumerable<string> sets)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in sets)
        {
            int eq = s.IndexOf('=');
            if (eq <= 0 || eq == s.Length - 1) throw new CliException($"--set '{s}': expected key=value", 2);
            result[s[..eq].Trim()] = s[(eq + 1)..].Trim();
        }
        return result;
    }

    internal static Cdsr.Data.Model.CdsrDataset ReadDataset(string path)
    {
        if (!Directory.Exists(path)) throw new CliException($"{path}: dataset folder not found");
        return DatasetStore.Read(path);
    }

    /// <summary>Turns option and run-folder errors into one-line CLI errors.</summary>
    internal static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message.ReplaceLineEndings(" "), 2);
        }
        catch (CdsrRunException e)
        {
            throw new CliException(e.Message.ReplaceLineEndings(" "));
        }
        catch (Cdsr.Trainers.Serialization.SafeTensorsFormatException e)
        {
            throw new CliException(e.Message.ReplaceLineEndings(" "));
        }
    }
}

/// <summary>Option checks whose errors stay on one line (System.CommandLine's own list the choices one per line).</summary>
internal static class CliValidation
{
    public static void OneOf<T>(Option<T> option, params string[] values) =>
        option.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<T>()?.ToString();
            if (v is not null && !values.Contains(v)) r.AddError($"{option.Name} '{v}' is not one of {string.Join(", ", values)}");
        });
}
