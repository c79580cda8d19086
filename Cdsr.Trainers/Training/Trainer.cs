using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Cdsr.Data.Model;
using Cdsr.Data.Storage;
using Cdsr.Trainers.Layers;
using Cdsr.Trainers.Serialization;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Evaluation;
using Cdsr.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Training;

/// <summary>How a call to <see cref="Trainer.Run"/> ended.</summary>
/// <param name="Completed">False when it stopped at the requested epoch before training finished (resume later).</param>
/// <param name="StopReason">"max epochs", "early stopping (...)" or "interrupted after epoch k".</param>
public sealed record TrainingOutcome(bool Completed, int Epoch, int BestEpoch, string StopReason, EvaluationResult? Valid, EvaluationResult? Test);

/// <summary>
/// Trains one <see cref="SequentialRecommender"/> into a <see cref="RunFolder"/>:
/// <list type="number">
/// <item>epochs of shuffled batches (<see cref="SequenceData.TrainBatches"/>, seeded per epoch), Adam/AdamW, gradient
/// norm clipping;</item>
/// <item>validation every <see cref="TrainerOptions.EvalEvery"/> epochs; the best <see cref="TrainerOptions.SelectMetric"/>
/// (overall) keeps its weights in best.safetensors; <see cref="TrainerOptions.Patience"/> validations without
/// improvement stop the run;</item>
/// <item>after every epoch an atomic checkpoint (weights, optimizer, libtorch RNG, epoch, best epoch/score, patience
/// counter) so <c>resume</c> continues to the same final metrics as an uninterrupted run;</item>
/// <item>at the end the best checkpoint alone is evaluated on the test split (never used for selection).</item>
/// </list>
/// </summary>
public sealed class Trainer
{
    private readonly RunConfig _config;
    private readonly CdsrDataset _dataset;
    private readonly ITrainingObserver _observer;

    public Trainer(RunConfig config, CdsrDataset dataset, ITrainingObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(dataset);
        config.Trainer.Validate();
        config.ModelOptions.Validate();
        TorchRuntime.Apply();
        _config = config;
        _dataset = dataset;
        _observer = observer ?? NullObserver.Instance;
    }

    /// <summary>A config for <paramref name="dataset"/> read from <paramref name="dataPath"/> (the hash is computed here).</summary>
    public static RunConfig Configure(string model, ISequentialModelOptions? modelOptions, TrainerOptions? trainer, SequenceView view,
        CdsrDataset dataset, string dataPath)
    {
        var spec = ModelCatalog.Get(model);
        return new RunConfig(spec.Name, modelOptions ?? spec.Defaults, trainer ?? new TrainerOptions(), view, Path.GetFullPath(dataPath),
            dataset.Name, DatasetStore.ContentHash(dataset));
    }

    /// <summary>Checks that <paramref name="dataset"/> is the one <paramref name="config"/> was trained on.</summary>
    public static void CheckDataset(RunConfig config, CdsrDataset dataset)
    {
        var hash = DatasetStore.ContentHash(dataset);
        if (hash != config.DataHash)
            throw new CdsrRunException($"dataset mismatch: the run was trained on {config.DataName} (content hash {config.DataHash[..12]}...), " +
                $"the dataset given is {dataset.Name} (content hash {hash[..12]}...)");
    }

    /// <summary>
    /// Trains into <paramref name="runDirectory"/> (a new folder, or with <paramref name="resume"/> the folder of an
    /// interrupted run, continued from its last checkpoint). <paramref name="stopAfterEpoch"/> ends the call after that
    /// epoch's checkpoint, as a kill would (used to test resuming).
    /// </summary>
    public TrainingOutcome Run(string runDirectory, bool resume = false, int? stopAfterEpoch = null)
    {
        var folder = new RunFolder(runDirectory);
        var opt = _config.Trainer;
        CheckDataset(_config, _dataset);
        if (resume)
        {
            var saved = folder.ReadConfig();
            if (saved.ToJson().ToJsonString() != _config.ToJson().ToJsonString())
                throw new CdsrRunException($"{folder.ConfigPath}: the run's configuration differs from the one given to resume it");
        }
        else folder.Create(_config);

        var data = SequenceData.Build(_dataset, _config.View, _config.ModelOptions.MaxLength);
        if (data.TrainSequences.Count == 0)
            throw new CdsrRunException($"dataset {_dataset.Name} has no training sequence of 2 or more items in view {_config.View.Name()}");
        _observer.Message($"{_config.Model} on {_dataset.Name} ({_config.View.Name()}): {data.TrainSequences.Count} training sequences" +
            (data.SkippedShort > 0 ? $", {data.SkippedShort} with fewer than 2 items skipped" : "") +
            (data.FilteredInstances > 0 ? $", {data.FilteredInstances} instances of the other domain left out" : ""));

        manual_seed(opt.Seed);
        var spec = ModelCatalog.Get(_config.Model);
        using var model = spec.Create(_config.ModelOptions, data.ItemCount);
        if (model is IEpisodicModel episodicModel)
        {
            episodicModel.Attach(data);
            _observer.Message($"{_config.Model} trains on {episodicModel.EpisodeCount} episodes per epoch (its own support/query sizes); batch_size {opt.BatchSize} is not used");
        }
        using var optimizer = CreateOptimizer(model, opt);
        var evalOptions = new EvaluationOptions { Cutoffs = opt.Cutoffs, BatchSize = opt.EvalBatchSize };
        bool hasValid = data.EvalExamples(SplitPart.Valid).Count > 0;
        if (!hasValid) _observer.Message("no validation instances: the last epoch is selected");

        var state = new TrainState();
        if (resume && File.Exists(folder.LastCheckpoint))
        {
            state = TrainState.FromMetadata(Checkpoint.Load(folder.LastCheckpoint, model, optimizer), folder.LastCheckpoint);
            _observer.Message($"resumed after epoch {state.Epoch}");
        }
        folder.TruncateMetrics(state.Epoch);

        var clock = Stopwatch.StartNew();
        double seconds = 0;
        int timed = 0;
        while (!state.Finished && state.Epoch < opt.Epochs)
        {
            int epoch = state.Epoch + 1;
            var epochClock = Stopwatch.StartNew();
            var (loss, samples) = TrainEpoch(model, optimizer, data, opt, epoch);
            double trainSeconds = epochClock.Elapsed.TotalSeconds;
            EvaluationResult? valid = null, traced = null;
            bool improved = false;
            if (epoch % opt.EvalEvery == 0 || epoch == opt.Epochs)
            {
                valid = Evaluator.Evaluate(model, data, SplitPart.Valid, evalOptions);
                double score = valid.Overall[opt.SelectMetric];
                improved = !hasValid || state.BestEpoch == 0 || score > state.BestScore;
                if (improved)
                {
                    state.BestEpoch = epoch;
                    state.BestScore = score;
                    state.BadEvals = 0;
                    Checkpoint.Save(folder.BestCheckpoint, model, include_rng: false,
                        metadata: new Dictionary<string, string> { ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture) });
                }
                else state.BadEvals++;
                if (opt.TraceTest) traced = Evaluator.Evaluate(model, data, SplitPart.Test, evalOptions);
            }
            state.Epoch = epoch;
            if (opt.Patience > 0 && state.BadEvals >= opt.Patience)
            {
                state.Finished = true;
                state.StopReason = $"early stopping ({opt.Patience} validations without a better {opt.SelectMetric})";
            }
            else if (epoch == opt.Epochs)
            {
                state.Finished = true;
                state.StopReason = "max epochs";
            }
            var record = new EpochRecord(epoch, loss, epochClock.Elapsed.TotalSeconds, samples / Math.Max(trainSeconds, 1e-9), valid, improved);
            var line = new JsonObject
            {
                ["epoch"] = epoch,
                ["loss"] = loss,
                ["seconds"] = record.Seconds,
                ["sequences_per_second"] = record.SequencesPerSecond,
            };
            if (model is IEpisodicModel episodic) line["episodes_per_second"] = episodic.EpisodeCount / Math.Max(trainSeconds, 1e-9);
            if (valid is not null)
            {
                line["valid"] = valid.ToJson();
                line["improved"] = improved;
            }
            if (traced is not null) line["test_trace"] = traced.ToJson();
            folder.AppendMetrics(line);
            Checkpoint.Save(folder.LastCheckpoint, model, optimizer, metadata: state.ToMetadata());
            seconds += record.Seconds;
            timed++;
            var eta = TimeSpan.FromSeconds(seconds / timed * (opt.Epochs - epoch));
            _observer.EpochCompleted(record, opt.Epochs, state.Finished ? TimeSpan.Zero : eta);
            if (!state.Finished && stopAfterEpoch == epoch)
                return new TrainingOutcome(false, epoch, state.BestEpoch, $"interrupted after epoch {epoch}", null, null);
        }

        // Test: the best checkpoint only.
        if (!File.Exists(folder.BestCheckpoint)) throw new CdsrRunException($"{folder.BestCheckpoint}: file not found (the run folder is incomplete)");
        Checkpoint.Load(folder.BestCheckpoint, model, restore_rng: false);
        var bestValid = Evaluator.Evaluate(model, data, SplitPart.Valid, evalOptions);
        var test = Evaluator.Evaluate(model, data, SplitPart.Test, evalOptions);
        var result = new JsonObject
        {
            ["model"] = _config.Model,
            ["view"] = _config.View.Name(),
            ["data"] = _config.DataName,
            ["seed"] = opt.Seed,
            ["epochs_run"] = state.Epoch,
            ["best_epoch"] = state.BestEpoch,
            ["stop_reason"] = state.StopReason,
            ["valid"] = bestValid.ToJson(),
            ["test"] = test.ToJson(),
        };
        if (opt.TraceTest) result["test_max_over_epochs"] = MaxOverEpochs(folder).ToJson();
        folder.WriteResult(result);
        folder.AppendMetrics(new JsonObject { ["event"] = "test", ["epoch"] = state.BestEpoch, ["test"] = test.ToJson() });
        _observer.Message($"best epoch {state.BestEpoch} ({state.StopReason}), {clock.Elapsed.TotalSeconds:0.0}s");
        return new TrainingOutcome(true, state.Epoch, state.BestEpoch, state.StopReason, bestValid, test);
    }

    /// <summary>One epoch of optimizer steps; returns the mean loss and the samples seen (sequences, or an episodic
    /// model's query samples).</summary>
    private (double Loss, int Samples) TrainEpoch(SequentialRecommender model, optim.Optimizer optimizer, SequenceData data, TrainerOptions opt, int epoch)
    {
        model.train();
        var episodic = model as IEpisodicModel;
        int batches = episodic?.EpisodeCount ?? data.BatchCount(opt.BatchSize);
        _observer.EpochStarted(epoch, opt.Epochs, batches);
        double total = 0;
        int b = 0;
        var clock = Stopwatch.StartNew();
        int seen = 0;
        ulong seed = unchecked((ulong)opt.Seed);
        // A unit of work: a next-item batch, or an episode of an episodic model (which supplies its own loss).
        var units = episodic is null
            ? data.TrainBatches(opt.BatchSize, seed, epoch, opt.TrainTargets == TrainTargets.Last).Select(x => ((IDisposable)x, x.Sequences, (Func<Tensor>)(() => model.Loss(x))))
            : episodic.Episodes(seed, epoch).Select(x => ((IDisposable)x, x.Samples, (Func<Tensor>)(() => episodic.EpisodeLoss(x))));
        foreach (var (batch, count, lossOf) in units)
        {
            using (batch)
            {
                double value = Step(model, optimizer, lossOf, opt.ClipGradNorm);
                if (double.IsNaN(value)) throw new CdsrRunException($"epoch {epoch} batch {b + 1}: the training loss is NaN (try a lower learning rate)");
                total += value;
                seen += count;
            }
            b++;
            _observer.BatchCompleted(epoch, b, batches, total / b, seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9));
        }
        return (total / Math.Max(b, 1), seen);
    }

    /// <summary>One optimizer step exactly as the trainer takes it: zero the gradients, compute <paramref name="loss"/>,
    /// backpropagate, clip the global gradient norm to <paramref name="clipGradNorm"/> (0 = no clipping) and step; every
    /// tensor made on the way is disposed. Returns the loss value. Benchmarks call it so they time the trainer's step.</summary>
    public static float Step(nn.Module model, optim.Optimizer optimizer, Func<Tensor> loss, double clipGradNorm)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var value = loss();
        value.backward();
        if (clipGradNorm > 0) nn.utils.clip_grad_norm_(model.parameters(), clipGradNorm);
        optimizer.step();
        return value.item<float>();
    }

    /// <summary>Each (domain, metric) maximised independently over the "test_trace" lines of metrics.jsonl, as AMID's and
    /// CDSRNP's code report test results (diagnostic; see <see cref="TrainerOptions.TraceTest"/>).</summary>
    private static EvaluationResult MaxOverEpochs(RunFolder folder)
    {
        EvaluationResult? max = null;
        foreach (var line in folder.ReadMetrics())
        {
            if (line["test_trace"] is not JsonObject o) continue;
            var r = EvaluationResult.FromJson(o);
            max = max is null ? r with { Mode = r.Mode + ", max over epochs" } : max with
            {
                Overall = Max(max.Overall, r.Overall),
                PerDomain = MaxEach(max.PerDomain, r.PerDomain)!,
                UserGroups = MaxEach(max.UserGroups, r.UserGroups),
            };
        }
        return max ?? throw new CdsrRunException($"{folder.MetricsPath}: trace_test is on but no test_trace line was logged");

        static IReadOnlyDictionary<string, MetricSet>? MaxEach(IReadOnlyDictionary<string, MetricSet>? a, IReadOnlyDictionary<string, MetricSet>? b) =>
            a?.ToDictionary(kv => kv.Key, kv => b is not null && b.TryGetValue(kv.Key, out var m) ? Max(kv.Value, m) : kv.Value);

        static MetricSet Max(MetricSet a, MetricSet b) =>
            a with { Values = a.Values.ToDictionary(kv => kv.Key, kv => b.Values.TryGetValue(kv.Key, out var v) ? Math.Max(kv.Value, v) : kv.Value) };
    }

    private static optim.Optimizer CreateOptimizer(SequentialRecommender model, TrainerOptions o) => o.Optimizer switch
    {
        OptimizerKind.AdamW => optim.AdamW(model.parameters(), o.LearningRate, weight_decay: o.WeightDecay),
        _ => optim.Adam(model.parameters(), o.LearningRate, weight_decay: o.WeightDecay),
    };

    /// <summary>Trainer state carried in the last checkpoint's metadata.</summary>
    private sealed class TrainState
    {
        public int Epoch;
        public int BestEpoch;
        public double BestScore = double.NegativeInfinity;
        public int BadEvals;
        public bool Finished;
        public string StopReason = "";

        public Dictionary<string, string> ToMetadata() => new()
        {
            ["trainer.epoch"] = Epoch.ToString(CultureInfo.InvariantCulture),
            ["trainer.best_epoch"] = BestEpoch.ToString(CultureInfo.InvariantCulture),
            ["trainer.best_score"] = RunFolder.Number(BestScore),
            ["trainer.bad_evals"] = BadEvals.ToString(CultureInfo.InvariantCulture),
            ["trainer.finished"] = Finished ? "true" : "false",
            ["trainer.stop_reason"] = StopReason,
        };

        public static TrainState FromMetadata(IReadOnlyDictionary<string, string> m, string path)
        {
            string Get(string k) => m.TryGetValue(k, out var v) ? v : throw new CdsrRunException($"{path}: checkpoint metadata lacks '{k}'");
            try
            {
                return new TrainState
                {
                    Epoch = int.Parse(Get("trainer.epoch"), CultureInfo.InvariantCulture),
                    BestEpoch = int.Parse(Get("trainer.best_epoch"), CultureInfo.InvariantCulture),
                    BestScore = double.Parse(Get("trainer.best_score"), CultureInfo.InvariantCulture),
                    BadEvals = int.Parse(Get("trainer.bad_evals"), CultureInfo.InvariantCulture),
                    Finished = Get("trainer.finished") == "true",
                    StopReason = Get("trainer.stop_reason"),
                };
            }
            catch (FormatException e)
            {
                throw new CdsrRunException($"{path}: invalid trainer metadata: {e.Message}");
            }
        }
    }
}
