using System.Numerics.Tensors;

namespace Cdsr.Semantics.Numerics;

/// <summary>One neighbour: row index in the corpus and its cosine similarity.</summary>
public readonly record struct Neighbour(int Index, float Score);

/// <summary>
/// Exact cosine top-k of query rows against a corpus matrix (both row-major float32). Corpus norms are computed once;
/// dot products use <see cref="TensorPrimitives"/> (SIMD); queries run in parallel, each with a bounded min-heap.
/// Results are sorted by descending score, ties by ascending index, so they are deterministic.
/// </summary>
public static class CosineTopK
{
    public static Neighbour[][] Search(float[] queries, int queryRows, float[] corpus, int corpusRows, int dims, int k, int maxDegreeOfParallelism = -1)
    {
        if (queries.Length != (long)queryRows * dims) throw new ArgumentException($"queries [{queryRows}, {dims}] need {(long)queryRows * dims} values, got {queries.Length}");
        if (corpus.Length != (long)corpusRows * dims) throw new ArgumentException($"corpus [{corpusRows}, {dims}] needs {(long)corpusRows * dims} values, got {corpus.Length}");
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1");
        k = Math.Min(k, corpusRows);
        var norms = new float[corpusRows];
        for (int j = 0; j < corpusRows; j++) norms[j] = TensorPrimitives.Norm(corpus.AsSpan(j * dims, dims));
        var result = new Neighbour[queryRows][];
        Parallel.For(0, queryRows, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, i =>
        {
            var q = queries.AsSpan(i * dims, dims);
            float qn = TensorPrimitives.Norm(q);
            var heap = new PriorityQueue<int, (float, int)>(k + 1, Worst.Instance);
            for (int j = 0; j < corpusRows; j++)
            {
                float denom = qn * norms[j];
                float s = denom > 0 ? TensorPrimitives.Dot(q, corpus.AsSpan(j * dims, dims)) / denom : 0f;
                if (heap.Count < k) heap.Enqueue(j, (s, j));
                else
                {
                    heap.TryPeek(out _, out var worst);
                    if (Better((s, j), worst)) { heap.Dequeue(); heap.Enqueue(j, (s, j)); }
                }
            }
            var r = new Neighbour[heap.Count];
            for (int m = r.Length - 1; m >= 0; m--) { heap.TryDequeue(out int idx, out var p); r[m] = new Neighbour(idx, p.Item1); }
            result[i] = r;
        });
        return result;
    }

    private static bool Better((float S, int I) a, (float S, int I) b) => a.S > b.S || (a.S == b.S && a.I < b.I);

    /// <summary>Orders the heap so its root is the worst kept neighbour.</summary>
    private sealed class Worst : IComparer<(float, int)>
    {
        public static readonly Worst Instance = new();
        public int Compare((float, int) x, (float, int) y) => Better(x, y) ? 1 : Better(y, x) ? -1 : 0;
    }
}
