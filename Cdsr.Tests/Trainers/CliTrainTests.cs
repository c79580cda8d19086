using Cdsr.Cli.Commands;
using Cdsr.Data.Storage;

namespace Cdsr.Tests.Trainers;

public class CliTrainTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("cdsr-cli-train-").FullName;

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    private static void AssertOneLineError((int Code, string Out, string Err) r, int code, string fragment)
    {
        Assert.That(r.Code, Is.EqualTo(code), r.Err);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), r.Err);
        Assert.That(lines[0], Does.StartWith("cdsr: error: ").And.Contain(fragment));
    }

    private string WriteDataset(string name, int users)
    {
        var dir = Path.Combine(_root, name);
        DatasetStore.Write(TinyDatasets.Planted(users: users), dir);
        return dir;
    }

    private static readonly string[] Tiny = ["--set", "hidden_size=16", "--set", "blocks=1", "--max-length", "8", "--batch-size", "32", "--quiet"];

    [Test]
    public void Train_evaluate_and_compare_end_to_end()
    {
        var data = WriteDataset("data", 40);
        var runs = new List<string>();
        foreach (var seed in new[] { "1", "2" })
        {
            var run = Path.Combine(_root, $"run{seed}");
            var r = Cli(["train", "--model", "sasrec", "--data", data, "--out", run, "--epochs", "1", "--seed", seed, .. Tiny]);
            Assert.That(r.Code, Is.EqualTo(0), r.Err);
            Assert.That(r.Out, Does.Contain("test (20 negatives)").And.Contain("Kitchen"));
            runs.Add(run);
        }
        var ev = Cli("evaluate", "--run", runs[0], "--negatives", "full", "--ks", "1,10");
        Assert.That(ev.Code, Is.EqualTo(0), ev.Err);
        Assert.That(ev.Out, Does.Contain("test (full)").And.Contain("NDCG@10").And.Contain("Food"));

        var cmp = Cli(["runs", "compare", .. runs]);
        Assert.That(cmp.Code, Is.EqualTo(0), cmp.Err);
        Assert.That(cmp.Out, Does.Contain("| sasrec (mixed) | 2").And.Contain("Food NDCG@10").And.Contain("Kitchen HR@10").And.Contain("±"));
    }

    [Test]
    public void Interrupted_cli_run_resumes()
    {
        var data = WriteDataset("data", 30);
        var run = Path.Combine(_root, "run");
        var r = Cli(["train", "--model", "gru4rec", "--data", data, "--out", run, "--epochs", "2", "--stop-after-epoch", "1", "--set", "embedding_size=8", "--set", "hidden_size=8", "--max-length", "8", "--quiet"]);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("interrupted after epoch 1"));
        r = Cli("train", "--out", run, "--resume", "--quiet");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("best epoch"));
        AssertOneLineError(Cli("train", "--out", run, "--resume", "--epochs", "3"), 2, "--resume continues the saved configuration");
    }

    [Test]
    public void Usage_and_data_errors_are_one_line()
    {
        var data = WriteDataset("data", 20);
        var run = Path.Combine(_root, "run");
        AssertOneLineError(Cli("train", "--model", "bert", "--data", data, "--out", run), 2, "bert");
        AssertOneLineError(Cli("train", "--data", data, "--out", run), 2, "--model is required");
        AssertOneLineError(Cli("train", "--model", "sasrec", "--data", Path.Combine(_root, "none"), "--out", run), 1, "dataset folder not found");
        AssertOneLineError(Cli("train", "--model", "sasrec", "--data", data, "--out", run, "--set", "colour=blue"), 2, "unknown option 'colour'");
        AssertOneLineError(Cli("train", "--model", "sasrec", "--data", data, "--out", run, "--set", "heads=3"), 2, "heads must divide hidden_size");
        AssertOneLineError(Cli("train", "--model", "sasrec", "--data", data, "--out", run, "--set", "blocks=two"), 2, "blocks=two");
        AssertOneLineError(Cli("train", "--model", "sasrec", "--data", data, "--out", run, "--set", "select_metric=NDCG@20"), 2, "select_metric 'NDCG@20' is not reported");
        AssertOneLineError(Cli("train", "--model", "sasrec", "--data", data, "--out", run, "--domain", "C"), 2, "--domain 'C' is not one of");
        AssertOneLineError(Cli("evaluate", "--run", run, "--negatives", "50"), 2, "--negatives '50' is not one of 999, 100, full");
        AssertOneLineError(Cli("evaluate", "--run", Path.Combine(_root, "missing")), 1, "run folder not found");
        AssertOneLineError(Cli("runs", "compare", Path.Combine(_root, "missing")), 1, "run folder not found");
    }

    [Test]
    public void Evaluate_scores_the_same_data_on_another_datasets_candidate_sets()
    {
        var data = WriteDataset("data", 20);
        var plain = TinyDatasets.Planted(users: 20);
        var resampled = Path.Combine(_root, "resampled");
        DatasetStore.Write(plain.WithCandidates(new Cdsr.Data.Evaluation.CandidateSampler(
            new Cdsr.Data.Evaluation.CandidateOptions(10, Cdsr.Data.Model.NegativeExclusion.History, 99, Cdsr.Data.Model.CandidatePool.SplitItems)).Build(plain)), resampled);
        var run = Path.Combine(_root, "run");
        Assert.That(Cli(["train", "--model", "sasrec", "--data", data, "--out", run, "--epochs", "1", .. Tiny]).Code, Is.EqualTo(0));

        var own = Cli("evaluate", "--run", run);
        var other = Cli("evaluate", "--run", run, "--data", resampled);
        Assert.That((own.Code, other.Code), Is.EqualTo((0, 0)), own.Err + other.Err);
        Assert.That(other.Out, Does.Contain("same data as the run's").And.Contain("10 negatives, exclude history, pool SplitItems, seed 99"));
        string Overall(string output) => output.Split('\n').First(l => l.TrimStart().StartsWith("overall"));
        Assert.That(Overall(other.Out), Is.Not.EqualTo(Overall(own.Out)), "other candidates, other ranks");
        Assert.That(own.Out, Does.Not.Contain("same data as"));

        // --save keeps it in the run folder; runs compare --evaluation tabulates it.
        var saved = Cli("evaluate", "--run", run, "--data", resampled, "--save", "resampled");
        Assert.That(saved.Code, Is.EqualTo(0), saved.Err);
        var file = Path.Combine(run, "evaluations", "resampled.json");
        Assert.That(saved.Out, Does.Contain("saved " + file));
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
        Assert.That((string?)json["data"], Is.EqualTo(resampled));
        double food = (double)json["result"]!["domains"]!["Food"]!["NDCG@10"]!;
        var cmp = Cli("runs", "compare", run, "--evaluation", "resampled", "--metrics", "NDCG@10");
        Assert.That(cmp.Code, Is.EqualTo(0), cmp.Err);
        Assert.That(cmp.Out, Does.StartWith("saved evaluation 'resampled' (%)").And.Contain(resampled).And.Contain("pool SplitItems"));
        Assert.That(cmp.Out, Does.Contain((food * 100).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " |"));
        AssertOneLineError(Cli("runs", "compare", run, "--evaluation", "nope"), 1, "no evaluation saved as 'nope'");
        File.WriteAllText(Path.Combine(run, "evaluations", "broken.json"), "{}");
        AssertOneLineError(Cli("runs", "compare", run, "--evaluation", "broken"), 1, "broken.json: missing object 'result'");
        AssertOneLineError(Cli("runs", "compare", run, "--evaluation", "resampled", "--split", "valid"), 2, "give one");
        AssertOneLineError(Cli("evaluate", "--run", run, "--save", "../up"), 1, "evaluation name '../up'");

        Directory.Delete(data, true);
        AssertOneLineError(Cli("evaluate", "--run", run, "--data", resampled), 1, "dataset folder not found");
    }

    [Test]
    public void Corrupt_run_folders_and_dataset_mismatch_are_one_line_errors()
    {
        var data = WriteDataset("data", 20);
        var other = WriteDataset("other", 21);
        var run = Path.Combine(_root, "run");
        Assert.That(Cli(["train", "--model", "sasrec", "--data", data, "--out", run, "--epochs", "1", .. Tiny]).Code, Is.EqualTo(0));

        AssertOneLineError(Cli("evaluate", "--run", run, "--data", other), 1, "differ beyond their candidate sets");
        AssertOneLineError(Cli(["train", "--model", "sasrec", "--data", data, "--out", run, .. Tiny]), 1, "already holds a run");

        File.WriteAllText(Path.Combine(run, "checkpoints", "best.safetensors"), "garbage");
        AssertOneLineError(Cli("evaluate", "--run", run), 1, "best.safetensors");

        File.Delete(Path.Combine(run, "result.json"));
        AssertOneLineError(Cli("runs", "compare", run), 1, "result.json: file not found");

        File.WriteAllText(Path.Combine(run, "config.json"), "{ \"format\": ");
        AssertOneLineError(Cli("evaluate", "--run", run), 1, "config.json");
        File.WriteAllText(Path.Combine(run, "config.json"), "{ \"format\": \"cdsr-run\", \"version\": 1, \"model\": \"nope\" }");
        AssertOneLineError(Cli("evaluate", "--run", run), 1, "unknown model 'nope'");
    }
}
