using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Cdsr.Onnx.Model;
using Cdsr.Onnx.Runtime;

namespace Cdsr.Tests.Onnx;

/// <summary>
/// Files written by the C# writer are read by consumers that share no code with it: ONNX Runtime's JavaScript
/// API (onnxruntime-node, assembled from the tarballs scripts/setup.sh pinned and cached) and the official
/// Python checker (Debian's python3-onnx). A missing tool makes the test Ignored with the reason, never silent.
/// </summary>
[NonParallelizable]
public class OnnxIndependentConsumerTests
{
    internal const string NodeSha = "6e3390d6b783e7be946fad629292799da28d0b42f84856e50d2c1b0383291e75";
    internal const string CommonSha = "7906c439e0d3e0f4048caa23b64cdfadc0f455c377f579ce1ab2a4b778f07d5f";

    private string _dir = "";

    [SetUp] public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"cdsr_onnx_consumer_{Guid.NewGuid():N}"));
    [TearDown] public void TearDown() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    internal static (int Code, string Out, string Err) Exec(string file, string args, string? cwd = null)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cwd ?? "" };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000)) { p.Kill(true); Assert.Fail($"{file} {args} timed out"); }
        return (p.ExitCode, stdout, stderr.Result);
    }

    internal static string? OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    /// <summary>Unpacks the pinned onnxruntime-node and onnxruntime-common tarballs (sha256-checked, from setup's cache)
    /// into <paramref name="dir"/>/node_modules, so a script in <paramref name="dir"/> can require('onnxruntime-node').</summary>
    internal static void InstallOnnxRuntimeNode(string dir)
    {
        string nodeTgz = CachedTarball("onnxruntime-node-1.30.0.tgz", NodeSha);
        string commonTgz = CachedTarball("onnxruntime-common-1.30.0.tgz", CommonSha);
        string ortNode = Path.Combine(dir, "node_modules", "onnxruntime-node"), common = Path.Combine(dir, "node_modules", "onnxruntime-common");
        Directory.CreateDirectory(ortNode);
        Directory.CreateDirectory(common);
        var t1 = Exec("tar", $"-xzf {nodeTgz} -C {ortNode} --strip-components=1 package/package.json package/dist package/bin/napi-v6/linux/x64");
        var t2 = Exec("tar", $"-xzf {commonTgz} -C {common} --strip-components=1");
        Assert.That((t1.Code, t2.Code), Is.EqualTo((0, 0)), t1.Err + t2.Err);
    }

    internal static string CachedTarball(string file, string sha)
    {
        string cache = Environment.GetEnvironmentVariable("CDSR_CACHE") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "cdsr");
        string path = Path.Combine(cache, file);
        if (!File.Exists(path)) Assert.Ignore($"independent consumer (node) skipped: {path} is missing; run scripts/setup.sh to fetch it");
        using var f = File.OpenRead(path);
        string got = Convert.ToHexStringLower(SHA256.HashData(f));
        Assert.That(got, Is.EqualTo(sha), $"{path}: sha256 differs from the pin in scripts/setup.sh");
        return path;
    }

    [Test]
    public void NodeOnnxRuntimeScoresTheWrittenModelLikeCSharp()
    {
        string? node = OnPath("node");
        if (node is null) Assert.Ignore("independent consumer (node) skipped: `node` is not on PATH");
        InstallOnnxRuntimeNode(_dir);

        const int batch = 3, n = 7, k = 3;
        string modelPath = Path.Combine(_dir, "softmax_topk.onnx");
        OnnxTestModels.SoftmaxTopK(k).Save(modelPath);
        float[] scores = OnnxTestModels.RandomFloats(batch * n, 21, scale: 2f);
        File.WriteAllText(Path.Combine(_dir, "input.json"), JsonSerializer.Serialize(new { scores, dims = new[] { batch, n } }));
        File.WriteAllText(Path.Combine(_dir, "score.js"), """
            const ort = require('onnxruntime-node');
            const fs = require('fs');
            (async () => {
              const input = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
              const s = await ort.InferenceSession.create(process.argv[2]);
              const r = await s.run({ scores: new ort.Tensor('float32', Float32Array.from(input.scores), input.dims) });
              console.log(JSON.stringify({
                inputs: s.inputNames, outputs: s.outputNames,
                probs: Array.from(r.probs.data), top_values: Array.from(r.top_values.data),
                top_indices: Array.from(r.top_indices.data, Number), top_dims: r.top_indices.dims }));
            })().catch(e => { console.error(e.message); process.exit(1); });
            """);
        var run = Exec(node!, $"score.js {modelPath} input.json", _dir);
        Assert.That(run.Code, Is.Zero, $"node failed: {run.Err}");
        using var js = JsonDocument.Parse(run.Out);
        var root = js.RootElement;
        Assert.That(root.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "scores" }));
        Assert.That(root.GetProperty("outputs").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "probs", "top_values", "top_indices" }));

        using var s = OnnxSession.FromFile(modelPath);
        var cs = s.Run([NamedTensor.Float("scores", scores, batch, n)]);
        float[] F(string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.That(OnnxTestModels.MaxAbsDiff(F("probs"), cs[0].Floats), Is.LessThanOrEqualTo(1e-6f));
        Assert.That(OnnxTestModels.MaxAbsDiff(F("top_values"), cs[1].Floats), Is.LessThanOrEqualTo(1e-6f));
        Assert.That(root.GetProperty("top_indices").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(cs[2].Int64s.ToArray()));
        Assert.That(root.GetProperty("top_dims").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(new long[] { batch, k }));
    }

    [Test]
    public void PythonOnnxCheckerAcceptsTheWrittenModels()
    {
        const string py = "/usr/bin/python3";
        if (!File.Exists(py)) Assert.Ignore("independent consumer (python onnx checker) skipped: /usr/bin/python3 is absent");
        var probe = Exec(py, "-c \"import onnx\"");
        if (probe.Code != 0)
            Assert.Ignore("independent consumer (python onnx checker) skipped: /usr/bin/python3 has no `onnx` module (apt-get install python3-onnx)");

        var models = new[] { OnnxTestModels.Mlp().Model, OnnxTestModels.EmbeddingMean().Model, OnnxTestModels.SoftmaxTopK(2) };
        foreach (var m in models)
        {
            string path = Path.Combine(_dir, m.GraphName + ".onnx");
            m.Save(path);
            var r = Exec(py, $"-c \"import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print(m.ir_version, m.opset_import[0].version, m.graph.input[0].type.tensor_type.shape.dim[0].dim_param)\" {path}");
            Assert.That(r.Code, Is.Zero, $"onnx.checker rejected {m.GraphName}: {r.Err}");
            Assert.That(r.Out.Trim(), Is.EqualTo("8 17 batch"));
        }
    }
}
