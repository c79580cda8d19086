using Cdsr.Cli.Commands;
using Cdsr.Onnx.Model;
using Cdsr.Onnx.Recommenders;
using Cdsr.Onnx.Runtime;

namespace Cdsr.Tests.Onnx;

/// <summary>
/// <c>cdsr score --device</c> on a recommender file built with the graph builder (no libtorch needed): cpu scores like
/// the reference math, cuda either runs on CUDA or stops with one line saying why not, and an unknown device is a usage
/// error. The toy scorer: h = mean_t E[history_t], score(c) = mean_d E[c]_d * h_d.
/// </summary>
[NonParallelizable]
public class ScoreDeviceTests
{
    private const int Items = 9, Length = 4, Dim = 3;
    private static readonly float[] E = OnnxTestModels.RandomFloats((Items + 1) * Dim, 41);
    private string _dir = "", _model = "", _requests = "";

    /// <summary>A file OnnxRecommender accepts: its metadata, inputs histories [batch, L] and candidates [batch, C], output scores.</summary>
    internal static OnnxModel ToyRecommender()
    {
        var g = new OnnxGraphBuilder("toy_recommender");
        var hist = g.Input(RecommenderOnnx.HistoriesInput, OnnxElementType.Int64, "batch", Length);
        var cand = g.Input(RecommenderOnnx.CandidatesInput, OnnxElementType.Int64, "batch", "candidates");
        var e = g.Initializer(OnnxTensor.FromFloats("E", E, Items + 1, Dim));
        var h = g.Node("ReduceMean", [g.Node("Gather", [e, hist], OnnxAttribute.Int("axis", 0))],
            OnnxAttribute.IntList("axes", 1), OnnxAttribute.Int("keepdims", 1));                                       // [B, 1, D]
        var c = g.Node("Gather", [e, cand], OnnxAttribute.Int("axis", 0));                                           // [B, C, D]
        g.AddNode("ReduceMean", [g.Node("Mul", c, h)], [RecommenderOnnx.ScoresOutput],
            [OnnxAttribute.IntList("axes", 2), OnnxAttribute.Int("keepdims", 0)]);                                    // [B, C]
        g.Output(RecommenderOnnx.ScoresOutput, OnnxElementType.Float32, "batch", "candidates");
        g.Metadata("cdsr.format", RecommenderOnnx.Format).Metadata("cdsr.version", RecommenderOnnx.Version.ToString())
            .Metadata("cdsr.model", "toy").Metadata("cdsr.item_count", Items.ToString()).Metadata("cdsr.max_length", Length.ToString());
        return g.Build();
    }

    private static float Reference(long[] paddedHistory, long candidate)
    {
        double s = 0;
        for (int d = 0; d < Dim; d++)
        {
            double h = 0;
            foreach (var t in paddedHistory) h += E[t * Dim + d];
            s += E[candidate * Dim + d] * (h / Length);
        }
        return (float)(s / Dim);
    }

    [OneTimeSetUp]
    public void Write()
    {
        _dir = Directory.CreateTempSubdirectory("cdsr-score-device-").FullName;
        ToyRecommender().Save(_model = Path.Combine(_dir, "toy.onnx"));
        File.WriteAllText(_requests = Path.Combine(_dir, "requests.jsonl"),
            "{\"user\":\"a\",\"history\":[1,2,3],\"candidates\":[4,5,6]}\n{\"user\":\"b\",\"history\":[9,8,7,6,5],\"candidates\":[1,2,3]}\n");
    }

    [OneTimeTearDown] public void TearDown() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    [Test]
    public void CpuScoresLikeTheReference()
    {
        var r = Cli("score", "--model", _model, "--input", _requests, "--top", "3", "--device", "cpu");
        Assert.That(r.Code, Is.Zero, r.Err);
        Assert.That(r.Err, Does.Contain("cdsr score: toy, 9 items, L = 4; onnxruntime: running on CPU (requested)"));
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2));
        (long[] Padded, long[] Candidates)[] rows = [([0, 1, 2, 3], [4, 5, 6]), ([8, 7, 6, 5], [1, 2, 3])];
        for (int i = 0; i < rows.Length; i++)
        {
            var top = System.Text.Json.Nodes.JsonNode.Parse(lines[i])!["top"]!.AsArray();
            var expected = rows[i].Candidates.Select(c => (Item: c, Score: Reference(rows[i].Padded, c)))
                .OrderByDescending(x => x.Score).ThenBy(x => x.Item).ToArray();
            Assert.That(top.Select(t => (long)t!["item"]!), Is.EqualTo(expected.Select(x => x.Item)));
            Assert.That(top.Select(t => (float)t!["score"]!), Is.EqualTo(expected.Select(x => x.Score)).Within(1e-6f));
        }
        Assert.That(Cli("score", "--model", _model, "--input", _requests, "--top", "3").Out, Is.EqualTo(r.Out), "cpu is the default");
    }

    [Test]
    public void CudaRunsOnCudaOrSaysWhyNot()
    {
        var r = Cli("score", "--model", _model, "--input", _requests, "--device", "cuda");
        TestContext.Out.WriteLine(r.Err);
        if (r.Code == 0)
        {
            Assert.That(r.Err, Does.Contain("onnxruntime: running on CUDA device 0"));
            return;
        }
        Assert.That(r.Code, Is.EqualTo(1));
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), "one line, no stack trace");
        Assert.That(r.Out, Is.Empty, "nothing scored on the CPU instead");
        if (!OnnxRuntime.AvailableProviders.Contains("CUDAExecutionProvider"))
            Assert.That(lines[0], Is.EqualTo($"cdsr: error: {_model}: CUDA execution provider requested but Microsoft.ML.OnnxRuntime 1.32.0 " +
                "has no CUDA execution provider; build with -p:CdsrCuda=true to use Microsoft.ML.OnnxRuntime.Gpu"));
        else
            Assert.That(lines[0], Does.StartWith($"cdsr: error: {_model}: ").And.Contain("CUDA"));
    }

    [Test]
    public void AnUnknownDeviceIsAUsageError()
    {
        var r = Cli("score", "--model", _model, "--input", _requests, "--device", "gpu");
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err, Does.StartWith("cdsr: error: ").And.Contain("gpu").And.Contain("cpu").And.Contain("cuda"));
    }

    [Test]
    public void OnnxRecommenderScoresIntoItsResultLikeRun()
    {
        // Score goes through RunInto (ORT writes the result array); the same call through Run must agree bit for bit.
        using var r = OnnxRecommender.Load(_model);
        long[] hist = [0, 1, 2, 3, 8, 7, 6, 5], cand = [4, 5, 6, 1, 2, 3];
        var scores = r.Score(hist, cand, 2, 3);
        var viaRun = r.Session.Run([NamedTensor.Int64("histories", hist, 2, Length), NamedTensor.Int64("candidates", cand, 2, 3)])[0];
        Assert.That(scores, Is.EqualTo(viaRun.Floats.ToArray()));
        Assert.That(scores[0], Is.EqualTo(Reference([0, 1, 2, 3], 4)).Within(1e-6f));
    }
}
