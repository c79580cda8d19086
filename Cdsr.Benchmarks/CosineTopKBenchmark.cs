using BenchmarkDotNet.Attributes;
using Cdsr.Semantics.Numerics;

namespace Cdsr.Benchmarks;

/// <summary>
/// Exact cosine top-10 of 256 queries against an item matrix the size of LLMCDSR Food–Kitchen (36,298 items), at
/// GloVe's 100 dims and a hosted model's 1,536, through <see cref="CosineTopK"/> (TensorPrimitives dot products, one
/// bounded heap per query, queries in parallel). One operation = one query.
/// Run: <c>dotnet run -c Release --project Cdsr.Benchmarks -- --filter '*CosineTopK*'</c>
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class CosineTopKBenchmark
{
    public const int Queries = 256, Items = 36298;
    private float[] _queries = null!, _corpus = null!;

    [Params(100, 1536)]
    public int Dims { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var r = new Random(1);
        _corpus = new float[Items * Dims];
        for (int i = 0; i < _corpus.Length; i++) _corpus[i] = (float)(r.NextDouble() * 2 - 1);
        _queries = _corpus.AsSpan(0, Queries * Dims).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Queries, Description = "cosine top-10 per query")]
    public int TopTen() => CosineTopK.Search(_queries, Queries, _corpus, Items, Dims, 10)[Queries - 1][0].Index;
}
