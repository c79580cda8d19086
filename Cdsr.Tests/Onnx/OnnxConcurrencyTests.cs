using Cdsr.Onnx.Runtime;

namespace Cdsr.Tests.Onnx;

/// <summary>One session shared by several threads; native handles all released afterwards.</summary>
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
    public void HandleCountsReturnToBaseline()
    {
        var (model, _, _) = OnnxTestModels.Mlp();
        _ = OnnxRuntime.ApiVersion;
        long before = OnnxRuntime.LiveHandles;
        using (var s = OnnxSession.FromModel(model))
        {
            Assert.That(OnnxRuntime.LiveHandles, Is.EqualTo(before + 1), "one session (its options are released after creation)");
            for (int i = 0; i < 20; i++) s.Run([NamedTensor.Float("x", new float[2 * OnnxTestModels.In], 2, OnnxTestModels.In)]);
            Assert.Throws<OnnxRuntimeException>(() => s.Run([NamedTensor.Float("x", new float[8], 2, 4)]));
            Assert.That(OnnxRuntime.LiveHandles, Is.EqualTo(before + 1), "input/output values are released after each run, failed runs too");
        }
        Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromBytes(new byte[] { 1, 2, 3 }));
        Assert.That(OnnxRuntime.LiveHandles, Is.EqualTo(before), "everything released");
    }
}
