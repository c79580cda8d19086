using System.Text.Json;
using Cdsr.Onnx.Runtime;
using static Cdsr.Tests.Onnx.OnnxIndependentConsumerTests;

namespace Cdsr.Tests.Onnx;

/// <summary>
/// The exported SASRec file is read by consumers sharing no code with the exporter: onnxruntime-node (scores compared with
/// the C# session's and with libtorch's) and the official Python checker (full check). A missing tool makes the test
/// Ignored with the reason.
/// </summary>
[NonParallelizable]
public class ExportedModelConsumerTests
{
    private string _dir = "";

    [SetUp] public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"cdsr_export_consumer_{Guid.NewGuid():N}"));
    [TearDown] public void TearDown() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    private string ExportSasRec(out float[] torchScores, out long[] hist, out long[] cand, int users, int perRow)
    {
        using var model = ExportTestModels.Create("sasrec");
        string path = Path.Combine(_dir, "sasrec.onnx");
        File.WriteAllBytes(path, ExportTestModels.ExportBytes(model, "sasrec"));
        hist = ExportTestModels.Histories(users, ExportTestModels.Length, ExportTestModels.Items, seed: 31);
        cand = ExportTestModels.Candidates(users, perRow, ExportTestModels.Items, seed: 32);
        torchScores = ExportTestModels.TorchScores(model, hist, cand, users);
        return path;
    }

    [Test]
    public void NodeOnnxRuntimeScoresTheExportedSasRecLikeCSharpAndLibtorch()
    {
        string? node = OnPath("node");
        if (node is null) Assert.Ignore("independent consumer (node) skipped: `node` is not on PATH");
        InstallOnnxRuntimeNode(_dir);

        const int users = 64, perRow = 100;
        string modelPath = ExportSasRec(out var torchScores, out var hist, out var cand, users, perRow);
        File.WriteAllText(Path.Combine(_dir, "input.json"), JsonSerializer.Serialize(new { hist, cand, users, L = ExportTestModels.Length, perRow }));
        File.WriteAllText(Path.Combine(_dir, "score.js"), """
            const ort = require('onnxruntime-node');
            const fs = require('fs');
            (async () => {
              const x = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
              const s = await ort.InferenceSession.create(process.argv[2]);
              const r = await s.run({
                histories: new ort.Tensor('int64', BigInt64Array.from(x.hist.map(BigInt)), [x.users, x.L]),
                candidates: new ort.Tensor('int64', BigInt64Array.from(x.cand.map(BigInt)), [x.users, x.perRow]) });
              console.log(JSON.stringify({ inputs: s.inputNames, outputs: s.outputNames, dims: r.scores.dims, scores: Array.from(r.scores.data) }));
            })().catch(e => { console.error(e.message); process.exit(1); });
            """);
        var run = Exec(node!, $"score.js {modelPath} input.json", _dir);
        Assert.That(run.Code, Is.Zero, $"node failed: {run.Err}");
        using var js = JsonDocument.Parse(run.Out);
        var root = js.RootElement;
        Assert.That(root.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "histories", "candidates" }));
        Assert.That(root.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "scores" }));
        Assert.That(root.GetProperty("dims").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(new long[] { users, perRow }));
        var nodeScores = root.GetProperty("scores").EnumerateArray().Select(e => e.GetSingle()).ToArray();

        using var s = OnnxSession.FromFile(modelPath);
        var cs = s.Run([NamedTensor.Int64("histories", hist, users, ExportTestModels.Length), NamedTensor.Int64("candidates", cand, users, perRow)])[0];
        Assert.That(OnnxTestModels.MaxAbsDiff(nodeScores, cs.Floats), Is.LessThanOrEqualTo(1e-6f), "node vs C# ONNX Runtime");
        Assert.That(OnnxTestModels.MaxAbsDiff(nodeScores, torchScores), Is.LessThanOrEqualTo(1e-4f), "node vs libtorch");
    }

    [Test]
    public void PythonOnnxCheckerAcceptsTheExportedModels()
    {
        const string py = "/usr/bin/python3";
        if (!File.Exists(py)) Assert.Ignore("independent consumer (python onnx checker) skipped: /usr/bin/python3 is absent");
        if (Exec(py, "-c \"import onnx\"").Code != 0)
            Assert.Ignore("independent consumer (python onnx checker) skipped: /usr/bin/python3 has no `onnx` module (apt-get install python3-onnx)");
        foreach (var name in new[] { "sasrec", "gru4rec" })
        {
            using var model = ExportTestModels.Create(name);
            string path = Path.Combine(_dir, name + ".onnx");
            File.WriteAllBytes(path, ExportTestModels.ExportBytes(model, name));
            var r = Exec(py, "-c \"import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); " +
                             "d=lambda v: [x.dim_param or x.dim_value for x in v.type.tensor_type.shape.dim]; " +
                             "print(m.opset_import[0].version, d(m.graph.input[0]), d(m.graph.input[1]), d(m.graph.output[0]), " +
                             "{p.key: p.value for p in m.metadata_props}['cdsr.model'])\" " + path);
            Assert.That(r.Code, Is.Zero, $"onnx.checker rejected {name}: {r.Err}");
            Assert.That(r.Out.Trim(), Is.EqualTo($"17 ['batch', 20] ['batch', 'candidates'] ['batch', 'candidates'] {name}"));
        }
    }
}
