using System.Diagnostics;
using System.Text.Json.Nodes;
using Cdsr.Cli.Commands;
using Cdsr.Data.Storage;
using Cdsr.Tests.Trainers;
using Cdsr.Trainers.Models;
using Cdsr.Trainers.Serialization;
using Cdsr.Trainers.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Tests.Onnx;

/// <summary><c>cdsr export</c> and <c>cdsr score</c> end to end: train a tiny run, export it, score JSON lines (from a
/// file and through a shell-style stdin/stdout pipe) and compare with the run's checkpoint scored by libtorch.</summary>
[NonParallelizable]
public class ExportScoreCliTests
{
    private static string _root = "";
    private static readonly Dictionary<string, string> Runs = new();

    [OneTimeSetUp]
    public void TrainRuns()
    {
        _root = Directory.CreateTempSubdirectory("cdsr-cli-export-").FullName;
        var data = Path.Combine(_root, "data");
        DatasetStore.Write(TinyDatasets.Planted(users: 40), data);
        foreach (var model in new[] { "sasrec", "gru4rec", "cdsrnp" })
        {
            var run = Path.Combine(_root, model);
            string[] sets = model switch
            {
                "sasrec" => ["--set", "hidden_size=16"],
                "gru4rec" => ["--set", "embedding_size=16", "--set", "hidden_size=16"],
                _ => ["--set", "hidden_size=16", "--set", "domain_length=4", "--set", "support_size=6", "--set", "query_positives=4"],
            };
            var r = Cli(["train", "--model", model, "--data", data, "--out", run, "--epochs", "1", "--max-length", "8", "--batch-size", "32", "--quiet", .. sets]);
            Assert.That(r.Code, Is.Zero, r.Err);
            Runs[model] = run;
        }
    }

    [OneTimeTearDown] public void TearDown() { try { Directory.Delete(_root, true); } catch (IOException) { } }

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    private static void AssertOneLineError((int Code, string Out, string Err) r, int code, string fragment)
    {
        Assert.That(r.Code, Is.EqualTo(code), r.Err);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("cdsr score: ")).ToArray();
        Assert.That(lines, Has.Length.EqualTo(1), r.Err);
        Assert.That(lines[0], Does.StartWith("cdsr: error: ").And.Contain(fragment));
    }

    private string Export(string model)
    {
        var path = Path.Combine(_root, $"{model}.onnx");
        var r = Cli("export", "--run", Runs[model], "--out", path);
        Assert.That(r.Code, Is.Zero, r.Err);
        Assert.That(r.Out, Does.Contain($"{model} (planted, 55 items, L = 8) -> {path}"));
        return path;
    }

    /// <summary>The run's best checkpoint scored by libtorch: [C] scores of one history.</summary>
    private static float[] TorchScores(string model, long[] history, long[] candidates)
    {
        var folder = new RunFolder(Runs[model]);
        var config = folder.ReadConfig();
        using var m = ModelCatalog.Get(config.Model).Create(config.ModelOptions, 55);
        Checkpoint.Load(folder.BestCheckpoint, m, restore_rng: false);
        m.eval();
        var padded = new long[8];
        var keep = history.Length > 8 ? history[^8..] : history;
        keep.CopyTo(padded, 8 - keep.Length);
        return ExportTestModels.TorchScores(m, padded, candidates, 1);
    }

    [TestCase("sasrec")]
    [TestCase("gru4rec")]
    [TestCase("cdsrnp")]
    public void ExportThenScoreMatchesTheCheckpoint(string model)
    {
        var onnx = Export(model);
        var input = Path.Combine(_root, $"{model}-requests.jsonl");
        long[] h1 = [3, 4, 5], h2 = [30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40], c1 = [6, 7, 8, 40, 41], c2 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        File.WriteAllLines(input, [
            $"{{\"user\":\"u1\",\"history\":[{string.Join(",", h1)}],\"candidates\":[{string.Join(",", c1)}]}}",
            "",
            $"{{\"user\":7,\"history\":[{string.Join(",", h2)}],\"candidates\":[{string.Join(",", c2)}]}}",
            $"{{\"history\":[],\"candidates\":[{string.Join(",", c1)}]}}",
        ]);
        var r = Cli("score", "--model", onnx, "--input", input, "--top", "3");
        Assert.That(r.Code, Is.Zero, r.Err);
        Assert.That(r.Err, Does.Contain($"cdsr score: {model}, 55 items, L = 8; onnxruntime: running on "));
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0]["user"]!.GetValue<string>(), Is.EqualTo("u1"));
        Assert.That(lines[1]["user"]!.GetValue<int>(), Is.EqualTo(7));
        Assert.That(lines[2].ContainsKey("user"), Is.False);
        foreach (var (line, hist, cand) in new[] { (lines[0], h1, c1), (lines[1], h2, c2), (lines[2], Array.Empty<long>(), c1) })
        {
            var expected = TorchScores(model, hist, cand);
            var best = Enumerable.Range(0, cand.Length).OrderByDescending(i => expected[i]).ThenBy(i => cand[i]).Take(3).ToArray();
            var top = line["top"]!.AsArray();
            Assert.That(top.Select(t => t!["item"]!.GetValue<long>()), Is.EqualTo(best.Select(i => cand[i])));
            for (int k = 0; k < 3; k++) Assert.That(top[k]!["score"]!.GetValue<float>(), Is.EqualTo(expected[best[k]]).Within(1e-4));
        }
    }

    [Test]
    public void SharedCandidatesAndAFileOutput()
    {
        var onnx = Export("sasrec");
        var input = Path.Combine(_root, "shared.jsonl");
        File.WriteAllLines(input, ["{\"user\":\"a\",\"history\":[1,2,3]}", "{\"user\":\"b\",\"history\":[9],\"candidates\":[4,5]}"]);
        var cands = Path.Combine(_root, "cands.json");
        File.WriteAllText(cands, "[10, 11, 12, 13]");
        var output = Path.Combine(_root, "answers.jsonl");
        var r = Cli("score", "--model", onnx, "--input", input, "--candidates", cands, "--top", "10", "--out", output);
        Assert.That(r.Code, Is.Zero, r.Err);
        var lines = File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.That(lines[0]!["top"]!.AsArray().Select(t => t!["item"]!.GetValue<long>()).Order(), Is.EqualTo(new long[] { 10, 11, 12, 13 }));
        Assert.That(lines[1]!["top"]!.AsArray().Select(t => t!["item"]!.GetValue<long>()).Order(), Is.EqualTo(new long[] { 4, 5 }), "a line's own candidates win");
        var all = Cli("score", "--model", onnx, "--input", input, "--candidates", "all", "--top", "55");
        Assert.That(all.Code, Is.Zero, all.Err);
        var first = JsonNode.Parse(all.Out.Split('\n')[0])!["top"]!.AsArray();
        Assert.That(first.Select(t => t!["item"]!.GetValue<long>()).Order(), Is.EqualTo(Enumerable.Range(1, 55).Select(i => (long)i)));
        var scores = first.Select(t => t!["score"]!.GetValue<float>()).ToArray();
        Assert.That(scores, Is.Ordered.Descending);
    }

    [Test]
    public void ExternalItemIdsAreAcceptedAndReturned()
    {
        var onnx = Export("sasrec");
        var input = Path.Combine(_root, "external.jsonl");
        File.WriteAllLines(input, ["{\"user\":\"x\",\"history\":[\"Food-3\",4,\"Kitchen-2\"],\"candidates\":[\"Kitchen-1\",\"Food-9\",12]}"]);
        var r = Cli("score", "--model", onnx, "--input", input, "--top", "3");
        Assert.That(r.Code, Is.Zero, r.Err);
        var top = JsonNode.Parse(r.Out.Trim())!["top"]!.AsArray();
        var byItem = top.ToDictionary(t => t!["item"]!.GetValue<long>(), t => t!["id"]!.GetValue<string>());
        Assert.That(byItem, Is.EquivalentTo(new Dictionary<long, string> { [31] = "Kitchen-1", [9] = "Food-9", [12] = "Food-12" }));
        var expected = TorchScores("sasrec", [3, 4, 32], [31, 9, 12]);
        Assert.That(top.Select(t => t!["score"]!.GetValue<float>()), Is.EqualTo(expected.OrderDescending()).Within(1e-4));

        File.WriteAllLines(input, ["{\"history\":[\"Food-99\"],\"candidates\":[1]}"]);
        AssertOneLineError(Cli("score", "--model", onnx, "--input", input), 1,
            "line 1: history[0]: unknown item \"Food-99\" (not in this sasrec model's vocabulary of 55 items)");
    }

    [Test]
    public void ErrorsAreOneLineAndNameTheLineFieldAndId()
    {
        var onnx = Export("gru4rec");
        var input = Path.Combine(_root, "bad.jsonl");
        File.WriteAllLines(input, ["{\"user\":\"a\",\"history\":[1,2],\"candidates\":[3]}", "{\"user\":\"b\",\"history\":[1,56],\"candidates\":[3]}"]);
        var r = Cli("score", "--model", onnx, "--input", input);
        AssertOneLineError(r, 1, $"{input}: line 2: history: unknown item id 56 (this gru4rec model knows items 1..55)");

        var corrupt = Path.Combine(_root, "corrupt.onnx");
        File.WriteAllBytes(corrupt, File.ReadAllBytes(onnx)[..200]);
        AssertOneLineError(Cli("score", "--model", corrupt, "--input", input), 1, $"{corrupt}: cannot load the model: ");
        AssertOneLineError(Cli("score", "--model", onnx, "--input", Path.Combine(_root, "missing.jsonl")), 1, "missing.jsonl: file not found");
        AssertOneLineError(Cli("score", "--model", onnx, "--input", input, "--top", "0"), 2, "--top: must be >= 1, got 0");
        AssertOneLineError(Cli("score", "--model", onnx, "--input", input, "--candidates", "nope.json"), 2, "--candidates: nope.json: file not found");
        AssertOneLineError(Cli("export", "--run", Path.Combine(_root, "norun"), "--out", Path.Combine(_root, "x.onnx")), 1, "norun: run folder not found");
        AssertOneLineError(Cli("score", "--model", onnx, "--input", input, "--threads", "-1"), 2, "--threads: must be >= 0, got -1");
        var empty = Path.Combine(_root, "empty.json");
        File.WriteAllText(empty, "[]");
        AssertOneLineError(Cli("score", "--model", onnx, "--input", input, "--candidates", empty), 1, $"--candidates: {empty}: the list is empty");
        File.WriteAllText(empty, "{\"a\": 1}");
        AssertOneLineError(Cli("score", "--model", onnx, "--input", input, "--candidates", empty), 1, $"--candidates: {empty}: expected one JSON array of integer item ids");
        File.WriteAllText(empty, "[1, 99]");
        AssertOneLineError(Cli("score", "--model", onnx, "--input", input, "--candidates", empty), 1, "--candidates: candidates: unknown item id 99");
    }

    [Test]
    public void ScoreWorksInAShellPipe()
    {
        var onnx = Export("sasrec");
        var cli = Path.Combine(AppContext.BaseDirectory, "cdsr.dll");
        Assert.That(File.Exists(cli), cli);
        var psi = new ProcessStartInfo("bash", ["-c", $"printf '%s\\n' '{{\"user\":\"p\",\"history\":[5,6,7],\"candidates\":[1,2,3]}}' | dotnet {cli} score --model {onnx} --input - --top 2 | cat"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        Assert.That(p.WaitForExit(120_000), "the pipe finished");
        Assert.That(p.ExitCode, Is.Zero, err.Result);
        var answer = JsonNode.Parse(output.Trim())!;
        Assert.That(answer["user"]!.GetValue<string>(), Is.EqualTo("p"));
        var expected = TorchScores("sasrec", [5, 6, 7], [1, 2, 3]);
        var best = Enumerable.Range(0, 3).OrderByDescending(i => expected[i]).Take(2).Select(i => (long)(i + 1));
        Assert.That(answer["top"]!.AsArray().Select(t => t!["item"]!.GetValue<long>()), Is.EqualTo(best));
    }
}
