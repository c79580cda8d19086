using System.Text.Json.Nodes;
using Cdsr.Data.Model;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Evaluation;
using Cdsr.Trainers.Models;
using Cdsr.Trainers.Training;

namespace Cdsr.Tests.Trainers;

public class TrainerTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("cdsr-trainer-").FullName;

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private static readonly SasRecOptions SmallSasRec = new() { HiddenSize = 32, Blocks = 1, Heads = 2, Dropout = 0.2, MaxLength = 8 };

    private static TrainerOptions Small(int epochs = 4, long seed = 5) => new()
    {
        Epochs = epochs, BatchSize = 32, LearningRate = 5e-3, EvalEvery = 1, Patience = 0, Seed = seed, Cutoffs = [1, 5, 10],
    };

    private string Run(CdsrDataset data, string name, TrainerOptions trainer, ISequentialModelOptions? model = null, string modelName = "sasrec",
        SequenceView view = SequenceView.Mixed)
    {
        var dir = Path.Combine(_root, name);
        var config = Trainer.Configure(modelName, model ?? SmallSasRec, trainer, view, data, Path.Combine(_root, "data"));
        new Trainer(config, data).Run(dir);
        return dir;
    }

    private static JsonObject Result(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "result.json")))!.AsObject();

    private static List<double> Losses(string dir) =>
        File.ReadLines(Path.Combine(dir, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(o => o["loss"] is not null).Select(o => o["loss"]!.GetValue<double>()).ToList();

    [Test]
    public void Same_seed_gives_identical_metrics_and_another_seed_does_not()
    {
        var data = TinyDatasets.Planted(users: 120);
        var a = Run(data, "a", Small(epochs: 2));
        var b = Run(data, "b", Small(epochs: 2));
        var c = Run(data, "c", Small(epochs: 2, seed: 6));
        Assert.That(Result(b)["test"]!.ToJsonString(), Is.EqualTo(Result(a)["test"]!.ToJsonString()));
        Assert.That(Result(b)["valid"]!.ToJsonString(), Is.EqualTo(Result(a)["valid"]!.ToJsonString()));
        Assert.That(Losses(b), Is.EqualTo(Losses(a)));
        Assert.That(Losses(c), Is.Not.EqualTo(Losses(a)), "the seed must change initialisation, shuffling and dropout");
    }

    [Test]
    public void Resumed_run_ends_with_the_metrics_of_an_uninterrupted_one()
    {
        var data = TinyDatasets.Planted(users: 120);
        var full = Run(data, "full", Small(epochs: 4));

        var dir = Path.Combine(_root, "resumed");
        var config = Trainer.Configure("sasrec", SmallSasRec, Small(epochs: 4), SequenceView.Mixed, data, Path.Combine(_root, "data"));
        var first = new Trainer(config, data).Run(dir, stopAfterEpoch: 2);
        Assert.That(first.Completed, Is.False);
        Assert.That(File.Exists(Path.Combine(dir, "result.json")), Is.False, "an interrupted run has no test result");
        Assert.That(Losses(dir), Has.Count.EqualTo(2));
        // A fresh process would rebuild everything from the folder: new trainer, new model, RNG restored from the checkpoint.
        TorchSharp.torch.manual_seed(12345);
        var second = new Trainer(config, data).Run(dir, resume: true);
        Assert.That(second.Completed, Is.True);
        Assert.That(Losses(dir), Is.EqualTo(Losses(full)), "per-epoch losses after resuming");
        Assert.That(Result(dir)["test"]!.ToJsonString(), Is.EqualTo(Result(full)["test"]!.ToJsonString()));
        Assert.That(Result(dir)["best_epoch"]!.GetValue<int>(), Is.EqualTo(Result(full)["best_epoch"]!.GetValue<int>()));
    }

    [Test]
    public void Tracing_the_test_split_changes_nothing_and_reports_each_metrics_maximum_over_epochs()
    {
        var data = TinyDatasets.Planted(users: 120);
        var plain = Run(data, "plain", Small(epochs: 4));
        var traced = Run(data, "traced", Small(epochs: 4) with { TraceTest = true });
        // The diagnostic evaluates without gradients or random draws: training, selection and the test figure are unchanged.
        Assert.That(Losses(traced), Is.EqualTo(Losses(plain)));
        Assert.That(Result(traced)["best_epoch"]!.GetValue<int>(), Is.EqualTo(Result(plain)["best_epoch"]!.GetValue<int>()));
        Assert.That(Result(traced)["test"]!.ToJsonString(), Is.EqualTo(Result(plain)["test"]!.ToJsonString()));
        Assert.That(Result(plain)["test_max_over_epochs"], Is.Null);

        var traces = File.ReadLines(Path.Combine(traced, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(o => o["test_trace"] is not null).Select(o => EvaluationResult.FromJson(o["test_trace"]!.AsObject())).ToList();
        Assert.That(traces, Has.Count.EqualTo(4));
        var max = EvaluationResult.FromJson(Result(traced)["test_max_over_epochs"]!.AsObject());
        foreach (var metric in new[] { "HR@1", "HR@10", "NDCG@10", "MRR" })
        {
            Assert.That(max.Overall[metric], Is.EqualTo(traces.Max(t => t.Overall[metric])), metric);
            foreach (var domain in max.PerDomain.Keys)
                Assert.That(max.PerDomain[domain][metric], Is.EqualTo(traces.Max(t => t.PerDomain[domain][metric])), $"{domain} {metric}");
        }
        // The selected checkpoint's test score is one of the traced epochs' scores, so it never exceeds the maximum.
        var test = EvaluationResult.FromJson(Result(traced)["test"]!.AsObject());
        Assert.That(test.Overall["NDCG@10"], Is.LessThanOrEqualTo(max.Overall["NDCG@10"]));
        Assert.That(traces.Select(t => t.Overall["NDCG@10"]), Does.Contain(test.Overall["NDCG@10"]));
    }

    [Test]
    public void Sasrec_learns_a_planted_successor_task_far_better_than_popularity()
    {
        // Food items follow a fixed cycle: on the Food sequence the next item is a function of the last one.
        var data = TinyDatasets.Planted();
        var dir = Run(data, "sasrec", Small(epochs: 10) with { BatchSize = 16, LearningRate = 1e-2 }, view: SequenceView.A);
        var test = EvaluationResult.FromJson(Result(dir)["test"]!.AsObject());
        var pop = Popularity(data, SequenceView.A);
        TestContext.Out.WriteLine($"SASRec (Food) test NDCG@10 {test.Overall["NDCG@10"]:0.0000} HR@1 {test.Overall["HR@1"]:0.0000}; popularity NDCG@10 {pop["NDCG@10"]:0.0000} HR@1 {pop["HR@1"]:0.0000}");
        Assert.That(test.PerDomain.Keys, Is.EqualTo(new[] { "Food" }));
        Assert.That(test.Overall["NDCG@10"], Is.GreaterThan(pop["NDCG@10"] + 0.3));
        Assert.That(test.Overall["HR@1"], Is.GreaterThan(0.5), "the successor is deterministic: most targets should rank first");
    }

    [Test]
    public void Gru4rec_learns_the_planted_task_on_the_mixed_sequence()
    {
        var data = TinyDatasets.Planted();
        var options = new Gru4RecOptions { EmbeddingSize = 32, HiddenSize = 32, Dropout = 0.1, MaxLength = 8 };
        var dir = Run(data, "gru", Small(epochs: 10) with { BatchSize = 16, LearningRate = 1e-2 }, options, "gru4rec");
        var test = EvaluationResult.FromJson(Result(dir)["test"]!.AsObject());
        var pop = Popularity(data, SequenceView.Mixed);
        TestContext.Out.WriteLine($"GRU4Rec (mixed) test NDCG@10 {test.Overall["NDCG@10"]:0.0000}; popularity {pop["NDCG@10"]:0.0000}");
        Assert.That(test.PerDomain.Keys, Is.EquivalentTo(new[] { "Food", "Kitchen" }));
        Assert.That(test.PerDomain["Food"]["NDCG@10"], Is.GreaterThan(pop["NDCG@10"] + 0.2));
        Assert.That(test.PerDomain["Kitchen"]["NDCG@10"], Is.GreaterThan(pop["NDCG@10"] + 0.2));
    }

    [Test]
    public void Gru4rec_cross_entropy_over_all_items_lowers_its_loss()
    {
        var data = TinyDatasets.Planted(users: 80);
        var options = new Gru4RecOptions { EmbeddingSize = 16, HiddenSize = 16, MaxLength = 8, Loss = Gru4RecLoss.CrossEntropy };
        var dir = Run(data, "gru-ce", Small(epochs: 3) with { LearningRate = 1e-2 }, options, "gru4rec");
        var losses = Losses(dir);
        // Softmax over 56 rows (55 items + padding) starts near ln 56 = 4.03.
        Assert.That(losses[0], Is.InRange(3.0, 5.0));
        Assert.That(losses[2], Is.LessThan(losses[0]));
    }

    [Test]
    public void Early_stopping_keeps_the_best_epoch_and_writes_the_run_folder()
    {
        var data = TinyDatasets.Planted(users: 60);
        // A learning rate of 0 never improves: the first validation stays best and patience 2 stops after epoch 3.
        var dir = Run(data, "stop", Small(epochs: 10) with { Patience = 2, LearningRate = 1e-12 });
        var result = Result(dir);
        Assert.That(result["best_epoch"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(result["epochs_run"]!.GetValue<int>(), Is.EqualTo(3));
        Assert.That(result["stop_reason"]!.GetValue<string>(), Does.StartWith("early stopping"));
        foreach (var f in new[] { "config.json", "metrics.jsonl", "result.json", "checkpoints/last.safetensors", "checkpoints/best.safetensors" })
            Assert.That(File.Exists(Path.Combine(dir, f)), Is.True, f);
        var config = new RunFolder(dir).ReadConfig();
        Assert.That(config.DataHash, Is.EqualTo(Cdsr.Data.Storage.DatasetStore.ContentHash(data)));
        Assert.That(((SasRecOptions)config.ModelOptions).HiddenSize, Is.EqualTo(32));
        Assert.That(File.ReadLines(Path.Combine(dir, "metrics.jsonl")).Last(), Does.Contain("\"event\":\"test\""));
    }

    [Test]
    public void A_run_folder_is_not_overwritten_and_a_different_dataset_is_refused()
    {
        var data = TinyDatasets.Planted(users: 30);
        var dir = Run(data, "once", Small(epochs: 1));
        var config = new RunFolder(dir).ReadConfig();
        var e = Assert.Throws<CdsrRunException>(() => new Trainer(config, data).Run(dir));
        Assert.That(e!.Message, Does.Contain("already holds a run"));
        var other = TinyDatasets.Planted(users: 31);
        e = Assert.Throws<CdsrRunException>(() => new Trainer(config, other).Run(dir, resume: true));
        Assert.That(e!.Message, Does.StartWith("dataset mismatch"));
    }

    /// <summary>Test metrics of scoring each candidate by its count in the training sequences.</summary>
    private static IReadOnlyDictionary<string, double> Popularity(CdsrDataset dataset, SequenceView view)
    {
        var data = SequenceData.Build(dataset, view, 8);
        var counts = new float[data.ItemCount + 1];
        foreach (var s in data.TrainSequences) foreach (var i in s) counts[i]++;
        using var model = new FixedScoreModel(counts, 8);
        return Evaluator.Evaluate(model, data, SplitPart.Test, new EvaluationOptions { Cutoffs = [1, 5, 10] }).Overall.Values;
    }
}
