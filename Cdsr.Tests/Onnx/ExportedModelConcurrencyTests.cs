using Cdsr.Onnx.Recommenders;
using Cdsr.Onnx.Runtime;

namespace Cdsr.Tests.Onnx;

/// <summary>8 threads x 10,000 Run calls on one session of an exported SASRec give the single-threaded scores bit for bit;
/// so do 8 x 10,000 OnnxRecommender.Score calls, which have ORT write into pre-allocated outputs (RunInto).</summary>
[NonParallelizable]
public class ExportedModelConcurrencyTests
{
    [Test]
    public void EightThreadsTimesTenThousandRunsMatchSingleThreaded()
    {
        const int items = 50, length = 6, threads = 8, callsPerThread = 10_000, batch = 2, perRow = 4;
        using var model = ExportTestModels.Create("sasrec", items, length, hidden: 8);
        using var s = OnnxSession.FromBytes(ExportTestModels.ExportBytes(model, "sasrec"), new OnnxSessionOptions { IntraOpThreads = 1 });
        var requests = Enumerable.Range(0, 32).Select(k => (
            Hist: ExportTestModels.Histories(batch, length, items, seed: 100 + k),
            Cand: ExportTestModels.Candidates(batch, perRow, items, seed: 200 + k))).ToArray();
        NamedTensor[] Inputs(int k) => [
            NamedTensor.Int64("histories", requests[k].Hist, batch, length),
            NamedTensor.Int64("candidates", requests[k].Cand, batch, perRow)];
        float[][] expected = Enumerable.Range(0, requests.Length).Select(k => s.Run(Inputs(k))[0].Floats.ToArray()).ToArray();
        Assert.That(OnnxTestModels.MaxAbsDiff(expected[0], ExportTestModels.TorchScores(model, requests[0].Hist, requests[0].Cand, batch)),
            Is.LessThanOrEqualTo(1e-4f), "the single-threaded reference itself matches libtorch");

        var (calls, mismatches, failure) = Concurrently(threads, callsPerThread, (t, c) =>
        {
            int k = (t * 7 + c) % requests.Length;
            return s.Run(Inputs(k))[0].Floats.SequenceEqual(expected[k]);
        });
        Assert.That(failure, Is.Null, failure?.ToString());
        Assert.That(calls, Is.EqualTo(threads * callsPerThread));
        Assert.That(mismatches, Is.Zero, $"{threads}x{callsPerThread} concurrent runs must equal the single-threaded results bit for bit");
    }

    [Test]
    public void EightThreadsTimesTenThousandScoresIntoPreallocatedOutputsMatchSingleThreaded()
    {
        // The graph-builder recommender of ScoreDeviceTests: no libtorch needed, same OnnxRecommender path as an export.
        const int threads = 8, callsPerThread = 10_000, batch = 2, perRow = 4, length = 4, items = 9;
        string path = Path.Combine(Path.GetTempPath(), $"cdsr_toy_{Guid.NewGuid():N}.onnx");
        try
        {
            ScoreDeviceTests.ToyRecommender().Save(path);
            using var r = OnnxRecommender.Load(path, new OnnxSessionOptions { IntraOpThreads = 1 });
            var requests = Enumerable.Range(0, 32).Select(k =>
            {
                var rng = new Random(300 + k);
                return (Hist: Enumerable.Range(0, batch * length).Select(_ => (long)rng.Next(0, items + 1)).ToArray(),
                        Cand: Enumerable.Range(0, batch * perRow).Select(_ => (long)rng.Next(1, items + 1)).ToArray());
            }).ToArray();
            float[][] expected = requests.Select(q => r.Score(q.Hist, q.Cand, batch, perRow)).ToArray();
            var (calls, mismatches, failure) = Concurrently(threads, callsPerThread, (t, c) =>
            {
                int k = (t * 7 + c) % requests.Length;
                return r.Score(requests[k].Hist, requests[k].Cand, batch, perRow).AsSpan().SequenceEqual(expected[k]);
            });
            Assert.That(failure, Is.Null, failure?.ToString());
            Assert.That(calls, Is.EqualTo(threads * callsPerThread));
            Assert.That(mismatches, Is.Zero, $"{threads}x{callsPerThread} concurrent scores must equal the single-threaded ones bit for bit");
        }
        finally { File.Delete(path); }
    }

    /// <summary>Runs <paramref name="matches"/>(thread, call) on <paramref name="threads"/> threads at once,
    /// <paramref name="callsPerThread"/> times each; counts the calls made and the ones that did not match.</summary>
    private static (int Calls, int Mismatches, Exception? Failure) Concurrently(int threads, int callsPerThread, Func<int, int, bool> matches)
    {
        int mismatches = 0, calls = 0;
        Exception? failure = null;
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                for (int c = 0; c < callsPerThread; c++)
                {
                    if (!matches(t, c)) Interlocked.Increment(ref mismatches);
                    Interlocked.Increment(ref calls);
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        })).ToArray();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        return (calls, mismatches, failure);
    }
}
