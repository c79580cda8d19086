using Cdsr.Onnx.Model;
using Cdsr.Onnx.Runtime;

namespace Cdsr.Tests.Onnx;

/// <summary>
/// Graphs from the writer run in ONNX Runtime (the Microsoft.ML.OnnxRuntime package, through OnnxSession) and are
/// compared with C# reference math; session description, metadata, provider choice and output selection are checked
/// against what the graph declares.
/// </summary>
public class OnnxRuntimeBindingTests
{
    private const float Tol = 1e-5f;

    [Test]
    public void LibraryVersionAndProviders()
    {
        Assert.That(OnnxRuntime.LibraryVersion, Is.EqualTo("1.32.0"), "the version Directory.Packages.props pins");
        Assert.That(OnnxRuntime.AvailableProviders, Does.Contain("CPUExecutionProvider"));
        Assert.That(OnnxRuntime.PackageName, Does.StartWith("Microsoft.ML.OnnxRuntime"));
        TestContext.Out.WriteLine($"{OnnxRuntime.PackageName} {OnnxRuntime.LibraryVersion}, providers [{string.Join(", ", OnnxRuntime.AvailableProviders)}]");
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
    public void ProviderChoiceSaysWhyCudaIsNotUsed()
    {
        var (model, _, _) = OnnxTestModels.Mlp();
        using (var cpu = OnnxSession.FromModel(model, new OnnxSessionOptions { Provider = OnnxExecutionProvider.Cpu }))
        {
            Assert.That(cpu.ExecutionProvider, Is.EqualTo("CPUExecutionProvider"));
            Assert.That(cpu.ProviderMessage, Is.EqualTo("onnxruntime: running on CPU (requested)"));
        }
        using var s = OnnxSession.FromModel(model);
        TestContext.Out.WriteLine(s.ProviderMessage);
        if (!OnnxRuntime.AvailableProviders.Contains("CUDAExecutionProvider"))
        {
            // The default build: the CPU package has no CUDA provider at all, and the message names the switch.
            Assert.That(s.ExecutionProvider, Is.EqualTo("CPUExecutionProvider"));
            Assert.That(s.ProviderMessage, Is.EqualTo("onnxruntime: running on CPU (Microsoft.ML.OnnxRuntime 1.32.0 has no CUDA " +
                "execution provider; build with -p:CdsrCuda=true to use Microsoft.ML.OnnxRuntime.Gpu)"));
            var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromModel(model, new OnnxSessionOptions { Provider = OnnxExecutionProvider.Cuda }))!;
            Assert.That(ex.Message, Is.EqualTo("onnxruntime SessionOptionsAppendExecutionProvider_CUDA failed (binding): CUDA execution provider " +
                "requested but Microsoft.ML.OnnxRuntime 1.32.0 has no CUDA execution provider; build with -p:CdsrCuda=true to use Microsoft.ML.OnnxRuntime.Gpu"));
        }
        else if (s.ExecutionProvider == "CPUExecutionProvider")
        {
            // A -p:CdsrCuda=true build where CUDA cannot be enabled (no GPU, or no CUDA 12 / cuDNN 9 libraries): CPU, with ORT's reason.
            Assert.That(s.ProviderMessage, Does.StartWith("onnxruntime: running on CPU (the CUDA execution provider could not be enabled: "));
            var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromModel(model, new OnnxSessionOptions { Provider = OnnxExecutionProvider.Cuda }))!;
            Assert.That(ex.Message, Does.Contain("CUDA").And.Not.Contain("\n"));
        }
        else
        {
            Assert.That(s.ExecutionProvider, Is.EqualTo("CUDAExecutionProvider"));
            Assert.That(s.ProviderMessage, Does.StartWith("onnxruntime: running on CUDA device 0"));
            var y = s.Run([NamedTensor.Float("x", new float[OnnxTestModels.In], 1, OnnxTestModels.In)]).Single();
            Assert.That(y.Shape, Is.EqualTo(new long[] { 1, OnnxTestModels.Hidden }));
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

    [Test]
    public void RunIntoWritesThePreallocatedBufferInPlace()
    {
        var (model, w, b) = OnnxTestModels.Mlp();
        using var s = OnnxSession.FromModel(model);
        const int batch = 6;
        float[] x = OnnxTestModels.RandomFloats(batch * OnnxTestModels.In, 3);
        var buffer = new float[2 + batch * OnnxTestModels.Hidden + 2];
        Array.Fill(buffer, -7f);
        s.RunInto([NamedTensor.Float("x", x, batch, OnnxTestModels.In)], "y", buffer.AsMemory(2, batch * OnnxTestModels.Hidden), batch, OnnxTestModels.Hidden);
        Assert.That(OnnxTestModels.MaxAbsDiff(buffer.AsSpan(2, batch * OnnxTestModels.Hidden), OnnxTestModels.MlpReference(x, batch, w, b)), Is.LessThanOrEqualTo(Tol));
        Assert.That(new[] { buffer[0], buffer[1], buffer[^2], buffer[^1] }, Is.All.EqualTo(-7f), "nothing is written outside the slice");
        Assert.That(buffer.AsSpan(2, batch * OnnxTestModels.Hidden).ToArray(),
            Is.EqualTo(s.Run([NamedTensor.Float("x", x, batch, OnnxTestModels.In)])[0].Floats.ToArray()), "the same scores as Run, bit for bit");
    }
}

/// <summary>Session options reach ORT: a thread count sizes its pool; invalid values are refused before ORT sees them.</summary>
[NonParallelizable]
public class OnnxSessionOptionsTests
{
    [Test]
    public void IntraOpThreadsSizeTheSessionThreadPool()
    {
        // ORT gives each session an intra-op pool of n-1 OS threads (the caller is the n-th); the inter-op pool
        // exists only in parallel execution mode. So IntraOpThreads = 9 must add 8 threads to this process and
        // dispose must remove them.
        static int Threads() => Directory.GetDirectories("/proc/self/task").Length;
        var model = OnnxTestModels.Mlp().Model;
        using (OnnxSession.FromModel(model)) { } // the package's environment and its global threads exist before counting
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
    public void InvalidOptionsAreRefusedWithTheirName()
    {
        var model = OnnxTestModels.Mlp().Model;
        var level = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxSession.FromModel(model, new OnnxSessionOptions { Optimization = (OnnxGraphOptimization)7 }))!;
        Assert.That(level.Message, Does.StartWith("unknown optimization level").And.Contain("Optimization"));
        var intra = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxSession.FromModel(model, new OnnxSessionOptions { IntraOpThreads = -1 }))!;
        Assert.That(intra.Message, Does.StartWith("must be >= 0 (0 = ORT default)").And.Contain("IntraOpThreads"));
        var inter = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxSession.FromModel(model, new OnnxSessionOptions { InterOpThreads = -2 }))!;
        Assert.That(inter.ParamName, Is.EqualTo("InterOpThreads"));
        var device = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxSession.FromModel(model, new OnnxSessionOptions { CudaDeviceId = -1 }))!;
        Assert.That(device.ParamName, Is.EqualTo("CudaDeviceId"));
    }

    [TestCase(OnnxGraphOptimization.Disabled)]
    [TestCase(OnnxGraphOptimization.Basic)]
    [TestCase(OnnxGraphOptimization.Extended)]
    [TestCase(OnnxGraphOptimization.All)]
    public void EveryOptimizationLevelIsAcceptedByOrt(OnnxGraphOptimization level)
    {
        using var s = OnnxSession.FromModel(OnnxTestModels.Mlp().Model, new OnnxSessionOptions { Optimization = level });
        Assert.That(s.Run([NamedTensor.Float("x", new float[OnnxTestModels.In], 1, OnnxTestModels.In)])[0].Shape, Is.EqualTo(new long[] { 1, OnnxTestModels.Hidden }));
    }
}
