using Cdsr.Onnx.Runtime;

namespace Cdsr.Tests.Onnx;

/// <summary>One session shared by several threads, disposed while they run; runs and failed runs leave no memory behind.</summary>
[NonParallelizable]
public class OnnxConcurrencyTests
{
    [Test]
    public void ConcurrentRunsMatchSingleThreaded()
    {
        var (model, table) = OnnxTestModels.EmbeddingMean();
        using var s = OnnxSession.FromModel(model, new OnnxSessionOptions { IntraOpThreads = 1 });
        const int threads = 4, callsPerThread = 200, batch = 8, seq = 5;
        var inputs = Enumerable.Range(0, 16).Select(k =>
        {
            var r = new Random(100 + k);
            return Enumerable.Range(0, batch * seq).Select(_ => (long)r.Next(OnnxTestModels.Vocab)).ToArray();
        }).ToArray();
        float[][] expected = inputs.Select(ids => s.Run([NamedTensor.Int64("ids", ids, batch, seq)])[0].Floats.ToArray()).ToArray();

        int mismatches = 0;
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            for (int c = 0; c < callsPerThread; c++)
            {
                int k = (t * 7 + c) % inputs.Length;
                var y = s.Run([NamedTensor.Int64("ids", inputs[k], batch, seq)])[0].Floats;
                if (!y.SequenceEqual(expected[k])) Interlocked.Increment(ref mismatches);
            }
        })).ToArray();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        Assert.That(mismatches, Is.Zero, $"{threads}x{callsPerThread} concurrent runs must equal the single-threaded results bit for bit");
    }

    [Test]
    public void DisposeWhileOtherThreadsRunIsSafe()
    {
        // Each Run holds a reference on the session: Dispose frees the native session only after the last Run in flight,
        // and a Run that starts after Dispose gets ObjectDisposedException; never a crash or a garbage result.
        var (model, w, b) = OnnxTestModels.Mlp();
        float[] x = OnnxTestModels.RandomFloats(4 * OnnxTestModels.In, 9);
        float[] expected = OnnxTestModels.MlpReference(x, 4, w, b);
        for (int round = 0; round < 5; round++)
        {
            var s = OnnxSession.FromModel(model, new OnnxSessionOptions { IntraOpThreads = 1 });
            int ok = 0, disposed = 0, wrong = 0;
            Exception? other = null;
            using var started = new CountdownEvent(4);
            var workers = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
            {
                started.Signal();
                while (true)
                {
                    try
                    {
                        var y = s.Run([NamedTensor.Float("x", x, 4, OnnxTestModels.In)])[0];
                        if (OnnxTestModels.MaxAbsDiff(y.Floats, expected) > 1e-5f) Interlocked.Increment(ref wrong);
                        Interlocked.Increment(ref ok);
                    }
                    catch (ObjectDisposedException) { Interlocked.Increment(ref disposed); return; }
                    catch (Exception e) { other = e; return; }
                }
            })).ToArray();
            foreach (var t in workers) t.Start();
            started.Wait();
            Thread.Sleep(20);
            s.Dispose();
            foreach (var t in workers) t.Join();
            Assert.That(other, Is.Null, other?.ToString());
            Assert.That(wrong, Is.Zero);
            Assert.That(disposed, Is.EqualTo(4), "every worker ends on ObjectDisposedException");
            Assert.That(ok, Is.Positive);
        }
    }

    /// <summary>Resident set size of this process, from /proc/self/status (VmRSS, in kB).</summary>
    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
        throw new InvalidOperationException("/proc/self/status has no VmRSS line");
    }

    [Test]
    public void TwentyThousandRunsAndFailedRunsKeepResidentMemoryFlat()
    {
        // Every input and output OrtValue is disposed after each call, failed calls too: a leaked 12 KB output per
        // run alone would add over 100 MiB here.
        if (!File.Exists("/proc/self/status")) Assert.Ignore("needs Linux /proc");
        const int batch = 1024, runs = 20_000, warmUp = 2_000;
        var (model, _, _) = OnnxTestModels.Mlp();
        using var s = OnnxSession.FromModel(model, new OnnxSessionOptions { IntraOpThreads = 1 });
        var x = new float[batch * OnnxTestModels.In];
        var scores = new float[batch * OnnxTestModels.Hidden];
        var bad = NamedTensor.Float("x", new float[batch * 4], batch, 4);
        long rssWarm = 0;
        for (int i = 1; i <= runs; i++)
        {
            switch (i % 4)
            {
                case 0: s.Run([NamedTensor.Float("x", x, batch, OnnxTestModels.In)]); break;
                case 1: s.RunInto([NamedTensor.Float("x", x, batch, OnnxTestModels.In)], "y", scores, batch, OnnxTestModels.Hidden); break;
                case 2: Assert.Throws<OnnxRuntimeException>(() => s.Run([bad])); break;
                default: Assert.Throws<OnnxRuntimeException>(() => s.RunInto([NamedTensor.Float("x", x, batch, OnnxTestModels.In)], "y", scores, batch / 2, 2 * OnnxTestModels.Hidden)); break;
            }
            if (i == warmUp)
            {
                GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
                rssWarm = ResidentBytes();
            }
        }
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        long growth = ResidentBytes() - rssWarm;
        TestContext.Out.WriteLine($"VmRSS growth over {runs - warmUp} runs after warm-up: {growth / 1048576.0:F2} MiB");
        Assert.That(growth, Is.LessThan(20L * 1024 * 1024), $"resident memory grew by {growth / 1048576.0:F1} MiB");
    }
}
