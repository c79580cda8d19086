using BenchmarkDotNet.Attributes;
using Cdsr.Onnx.Model;
using Cdsr.Onnx.Runtime;

namespace Cdsr.Benchmarks;

/// <summary>
/// The cost of one OnnxSession.Run (Microsoft.ML.OnnxRuntime's InferenceSession over OrtValues) on a recommender-shaped graph: item ids
/// [B, L] -> Gather from a [V, D] table -> mean over L -> scores against all V items (MatMul) -> TopK 10.
/// Throughput is B / mean time (users/s); B = 1 is single-user latency.
///   dotnet run -c Release --project Cdsr.Benchmarks -- --filter '*OnnxRunBenchmark*'
/// </summary>
[MemoryDiagnoser]
public class OnnxRunBenchmark
{
    private const int Vocab = 10_000, Dim = 64, Seq = 50, K = 10;

    [Params(1, 256)] public int Batch;

    private OnnxSession session = null!;
    private long[] ids = null!;

    [GlobalSetup]
    public void Setup()
    {
        var r = new Random(0);
        float[] table = Enumerable.Range(0, Vocab * Dim).Select(_ => (float)(r.NextDouble() - 0.5)).ToArray();
        var g = new OnnxGraphBuilder("bench_scorer");
        var x = g.Input("ids", OnnxElementType.Int64, "batch", "seq");
        var t = g.Initializer(OnnxTensor.FromFloats("items", table, Vocab, Dim));
        var h = g.Node("ReduceMean", [g.Node("Gather", [t, x], OnnxAttribute.Int("axis", 0))],
            OnnxAttribute.IntList("axes", 1), OnnxAttribute.Int("keepdims", 0));                     // [B, D]
        var scores = g.Node("Gemm", [h, t], OnnxAttribute.Int("transB", 1));                          // [B, V]
        g.AddNode("TopK", [scores, g.Constant("k", new long[] { K }, 1)], ["top_scores", "top_items"]);
        g.Output("top_scores", OnnxElementType.Float32, "batch", K);
        g.Output("top_items", OnnxElementType.Int64, "batch", K);
        session = OnnxSession.FromModel(g.Build());
        Console.Error.WriteLine(session.ProviderMessage);
        ids = Enumerable.Range(0, Batch * Seq).Select(_ => (long)r.Next(1, Vocab)).ToArray();
    }

    [GlobalCleanup] public void Cleanup() => session.Dispose();

    [Benchmark] public long Run() => session.Run([NamedTensor.Int64("ids", ids, Batch, Seq)])[1].Int64s[0];
}
