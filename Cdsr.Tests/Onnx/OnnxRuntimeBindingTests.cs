using Cdsr.Onnx.Model;
using Cdsr.Onnx.Runtime;

namespace Cdsr.Tests.Onnx;

/// <summary>
/// Graphs from the writer run in ONNX Runtime through the OrtApi binding and are compared with C# reference
/// math. Each OrtApi function the binding uses is reached by at least one test here (a wrong table index
/// would crash or return garbage).
/// </summary>
public class OnnxRuntimeBindingTests
{
    private const float Tol = 1e-5f;

    [Test]
    public void LibraryVersionApiVersionAndProviders()
    {
        Assert.That(OnnxRuntime.LibraryVersion, Is.EqualTo("1.30.0"));
        Assert.That(OnnxRuntime.ApiVersion, Is.InRange(17u, 30u));
        Assert.That(OnnxRuntime.AvailableProviders, Does.Contain("CPUExecutionProvider"));
        TestContext.Out.WriteLine($"onnxruntime {OnnxRuntime.LibraryVersion}, OrtApi v{OnnxRuntime.ApiVersion}, " +
            $"providers [{string.Join(", ", OnnxRuntime.AvailableProviders)}], loaded from {OnnxRuntime.LibraryPath}");
    }

    [Test]
    public void SessionDescribesInputsOutputsWithDynamicAxes()
    {
        var (model, _) = OnnxTestModels.EmbeddingMean();
        using var s = OnnxSession.FromModel(model);
        Assert.That(s.Inputs, Has.Count.EqualTo(1));
        var i = s.Inputs[0];
        Assert.That(i.Name, Is.EqualTo("ids"));
        Assert.That(i.ElementType, Is.EqualTo(OnnxElementType.Int64));
        Assert.That(i.Dims, Is.EqualTo(new long[] { -1, -1 }));
        Assert.That(i.Symbols, Is.EqualTo(new[] { "batch", "seq" }));
        var o = s.Outputs.Single();
        Assert.That(o.Name, Is.EqualTo("mean"));
        Assert.That(o.ElementType, Is.EqualTo(OnnxElementType.Float32));
        Assert.That(o.Dims, Is.EqualTo(new long[] { -1, OnnxTestModels.Dim }));
        Assert.That(o.Symbols[0], Is.EqualTo("batch"));
    }

    [Test]
    public void ModelMetadataRoundTripsThroughOrt()
    {
        var g = new OnnxGraphBuilder("meta_graph");
        var x = g.Input("x", OnnxElementType.Float32, "batch");
        g.Output(g.Node("Relu", x), OnnxElementType.Float32, "batch");
        g.Metadata("cdsr.model", "SASRec").Metadata("cdsr.items", "12345").Metadata("note", "héllo ✓");
        using var s = OnnxSession.FromModel(g.Build());
        Assert.That(s.ProducerName, Is.EqualTo("cdsr"));
        Assert.That(s.GraphName, Is.EqualTo("meta_graph"));
        Assert.That(s.Metadata, Is.EquivalentTo(new Dictionary<string, string>
            { ["cdsr.model"] = "SASRec", ["cdsr.items"] = "12345", ["note"] = "héllo ✓" }));
        using var plain = OnnxSession.FromModel(OnnxTestModels.Mlp().Model);
        Assert.That(plain.Metadata, Is.Empty);
    }

    [Test]
    public void CpuProviderIsReportedWhenNoCudaLibrary()
    {
        var (model, _, _) = OnnxTestModels.Mlp();
        using var s = OnnxSession.FromModel(model);
        TestContext.Out.WriteLine(s.ProviderMessage);
        if (File.Exists(Path.Combine(Path.GetDirectoryName(OnnxRuntime.LibraryPath)!, "libonnxruntime_providers_cuda.so")))
            Assert.That(s.ProviderMessage, Does.Contain("CUDA").Or.Contain("CPU"));
        else
        {
            Assert.That(s.ExecutionProvider, Is.EqualTo("CPUExecutionProvider"));
            Assert.That(s.ProviderMessage, Does.Contain("running on CPU").And.Contain("libonnxruntime_providers_cuda.so not found"));
            var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromModel(model, new OnnxSessionOptions { Provider = OnnxExecutionProvider.Cuda }))!;
            Assert.That(ex.Message, Does.Contain("CUDA execution provider requested"));
        }
    }

    [TestCase(OnnxGraphOptimization.Disabled, 1, 1)]
    [TestCase(OnnxGraphOptimization.All, 2, 1)]
    public void MatMulAddReluMatchesReference(OnnxGraphOptimization level, int intra, int inter)
    {
        var (model, w, b) = OnnxTestModels.Mlp();
        using var s = OnnxSession.FromModel(model, new OnnxSessionOptions { Optimization = level, IntraOpThreads = intra, InterOpThreads = inter });
        foreach (int batch in new[] { 1, 7 })
        {
            float[] x = OnnxTestModels.RandomFloats(batch * OnnxTestModels.In, 10 + batch);
            var y = s.Run([NamedTensor.Float("x", x, batch, OnnxTestModels.In)]).Single();
            Assert.That(y.Name, Is.EqualTo("y"));
            Assert.That(y.Shape, Is.EqualTo(new long[] { batch, OnnxTestModels.Hidden }));
            float[] expected = OnnxTestModels.MlpReference(x, batch, w, b);
            Assert.That(expected.Count(v => v == 0), Is.LessThan(expected.Length), "some outputs are positive");
            Assert.That(OnnxTestModels.MaxAbsDiff(y.Floats, expected), Is.LessThanOrEqualTo(Tol));
        }
    }

    [Test]
    public void GatherEmbeddingReduceMeanMatchesReference()
    {
        var (model, table) = OnnxTestModels.EmbeddingMean();
        using var s = OnnxSession.FromModel(model);
        const int batch = 3, seq = 6, D = OnnxTestModels.Dim;
        var r = new Random(5);
        long[] ids = Enumerable.Range(0, batch * seq).Select(_ => (long)r.Next(OnnxTestModels.Vocab)).ToArray();
        var y = s.Run([NamedTensor.Int64("ids", ids, batch, seq)]).Single();
        Assert.That(y.Shape, Is.EqualTo(new long[] { batch, D }));
        var expected = new float[batch * D];
        for (int i = 0; i < batch; i++)
            for (int d = 0; d < D; d++)
            {
                double sum = 0;
                for (int t = 0; t < seq; t++) sum += table[ids[i * seq + t] * D + d];
                expected[i * D + d] = (float)(sum / seq);
            }
        Assert.That(OnnxTestModels.MaxAbsDiff(y.Floats, expected), Is.LessThanOrEqualTo(Tol));
    }

    [Test]
    public void SoftmaxAndTopKMatchReference()
    {
        const int batch = 4, n = 9, k = 3;
        using var s = OnnxSession.FromModel(OnnxTestModels.SoftmaxTopK(k));
        float[] scores = OnnxTestModels.RandomFloats(batch * n, 7, scale: 3f);
        var outs = s.Run([NamedTensor.Float("scores", scores, batch, n)]);
        Assert.That(outs.Select(o => o.Name), Is.EqualTo(new[] { "probs", "top_values", "top_indices" }));

        var probs = new float[batch * n];
        var topV = new float[batch * k];
        var topI = new long[batch * k];
        for (int i = 0; i < batch; i++)
        {
            var row = scores.AsSpan(i * n, n);
            float max = float.NegativeInfinity;
            foreach (var v in row) max = Math.Max(max, v);
            double z = 0;
            foreach (var v in row) z += Math.Exp(v - max);
            for (int j = 0; j < n; j++) probs[i * n + j] = (float)(Math.Exp(row[j] - max) / z);
            var order = Enumerable.Range(0, n).OrderByDescending(j => probs[i * n + j]).ThenBy(j => j).Take(k).ToArray();
            for (int t = 0; t < k; t++) { topI[i * k + t] = order[t]; topV[i * k + t] = probs[i * n + order[t]]; }
        }
        Assert.That(OnnxTestModels.MaxAbsDiff(outs[0].Floats, probs), Is.LessThanOrEqualTo(Tol));
        Assert.That(OnnxTestModels.MaxAbsDiff(outs[1].Floats, topV), Is.LessThanOrEqualTo(Tol));
        Assert.That(outs[2].Shape, Is.EqualTo(new long[] { batch, k }));
        Assert.That(outs[2].Int64s.ToArray(), Is.EqualTo(topI));
    }

    [Test]
    public void RequestedOutputSubsetAndFromFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cdsr_onnx_{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxTestModels.SoftmaxTopK(2).Save(path);
            using var s = OnnxSession.FromFile(path);
            var outs = s.Run([NamedTensor.Float("scores", new float[] { 1, 3, 2 }, 1, 3)], ["top_indices"]);
            Assert.That(outs.Single().Name, Is.EqualTo("top_indices"));
            Assert.That(outs[0].Int64s.ToArray(), Is.EqualTo(new long[] { 1, 2 }));
        }
        finally { File.Delete(path); }
    }
}

/// <summary>The OrtApi release functions that normal use only reaches at process exit, called directly.</summary>
[NonParallelizable]
public class OrtApiReleaseTests
{
    [Test]
    public void SessionOptionSettersReachTheirOwnTableEntries()
    {
        // An out-of-range level is rejected with a message only SetSessionGraphOptimizationLevel produces, which
        // proves index 23; the thread setters (24, 25) accept any int, so they are checked to succeed.
        using var o = new Cdsr.Onnx.Runtime.OrtHandle(Cdsr.Onnx.Runtime.Native.OrtApi.CreateSessionOptions(), Cdsr.Onnx.Runtime.OrtKind.SessionOptions);
        IntPtr h = o.DangerousGetHandle();
        var ex = Assert.Throws<OnnxRuntimeException>(() => Cdsr.Onnx.Runtime.Native.OrtApi.SetGraphOptimizationLevel(h, 7))!;
        TestContext.Out.WriteLine(ex.Message);
        Assert.That(ex.NativeMessage, Does.Contain("graph_optimization_level is not valid"));
        Assert.DoesNotThrow(() => Cdsr.Onnx.Runtime.Native.OrtApi.SetGraphOptimizationLevel(h, 99));
        Assert.DoesNotThrow(() => Cdsr.Onnx.Runtime.Native.OrtApi.SetIntraOpNumThreads(h, 3));
        Assert.DoesNotThrow(() => Cdsr.Onnx.Runtime.Native.OrtApi.SetInterOpNumThreads(h, 2));
    }

    [Test]
    public void IntraOpThreadsSizeTheSessionThreadPool()
    {
        // ORT gives each session an intra-op pool of n-1 OS threads (the caller is the n-th); the inter-op pool
        // exists only in parallel execution mode. So IntraOpThreads = 9 must add 8 threads to this process and
        // dispose must remove them: that pins index 24 (and not 25) to SetIntraOpNumThreads.
        static int Threads() => Directory.GetDirectories("/proc/self/task").Length;
        var model = OnnxTestModels.Mlp().Model;
        int before = Threads();
        var s = OnnxSession.FromModel(model, new OnnxSessionOptions { IntraOpThreads = 9, InterOpThreads = 1 });
        int during = Threads();
        s.Dispose();
        int after = Threads();
        TestContext.Out.WriteLine($"threads: before {before}, with session {during}, after dispose {after}");
        Assert.That(during - before, Is.InRange(8, 11), "at most a few unrelated runtime threads may appear meanwhile");
        Assert.That(during - after, Is.InRange(8, 11));
    }

    [Test]
    public void EnvAndMemoryInfoReleaseThroughTheirTableEntries()
    {
        _ = OnnxRuntime.ApiVersion;
        // ORT keeps one environment per process and reference-counts it: a second CreateEnv/ReleaseEnv pair
        // must leave the shared one working.
        var env = new Cdsr.Onnx.Runtime.OrtHandle(Cdsr.Onnx.Runtime.Native.OrtApi.CreateEnv(2, "release-test"), Cdsr.Onnx.Runtime.OrtKind.Env);
        var mem = new Cdsr.Onnx.Runtime.OrtHandle(Cdsr.Onnx.Runtime.Native.OrtApi.CreateCpuMemoryInfo(), Cdsr.Onnx.Runtime.OrtKind.MemoryInfo);
        long envLive = Cdsr.Onnx.Runtime.OrtHandle.LiveCount(Cdsr.Onnx.Runtime.OrtKind.Env);
        long memLive = Cdsr.Onnx.Runtime.OrtHandle.LiveCount(Cdsr.Onnx.Runtime.OrtKind.MemoryInfo);
        mem.Dispose();
        env.Dispose();
        Assert.That(Cdsr.Onnx.Runtime.OrtHandle.LiveCount(Cdsr.Onnx.Runtime.OrtKind.Env), Is.EqualTo(envLive - 1));
        Assert.That(Cdsr.Onnx.Runtime.OrtHandle.LiveCount(Cdsr.Onnx.Runtime.OrtKind.MemoryInfo), Is.EqualTo(memLive - 1));
        using var s = OnnxSession.FromModel(OnnxTestModels.Mlp().Model);
        var y = s.Run([NamedTensor.Float("x", new float[OnnxTestModels.In], 1, OnnxTestModels.In)]);
        Assert.That(y[0].Shape, Is.EqualTo(new long[] { 1, OnnxTestModels.Hidden }));
    }
}
