namespace Cdsr.Trainers.Evaluation;

/// <summary>
/// Ranking metrics of one target among scored candidates: HR@K, NDCG@K and MRR.
/// <para>
/// Ties are resolved pessimistically: the target ranks below every other candidate whose score is equal to
/// its own, so a model that scores everything the same gets the worst rank, not a lucky one. The 0-based rank is
/// therefore the number of other candidates with score &gt;= the target's score.
/// </para>
/// HR@K = 1 if rank &lt; K; NDCG@K = 1 / log2(rank + 2) if rank &lt; K (one relevant item, so IDCG = 1);
/// MRR = 1 / (rank + 1) with no cut-off.
/// </summary>
public static class RankingMetrics
{
    /// <summary>0-based pessimistic rank of <paramref name="scores"/>[<paramref name="targetIndex"/>] among all scores.</summary>
    public static int PessimisticRank(ReadOnlySpan<float> scores, int targetIndex)
    {
        if ((uint)targetIndex >= (uint)scores.Length)
            throw new ArgumentOutOfRangeException(nameof(targetIndex), $"target index {targetIndex} is outside the {scores.Length} candidate scores");
        var target = scores[targetIndex];
        if (float.IsNaN(target)) throw new ArgumentException($"the target's score is NaN (candidate {targetIndex})", nameof(scores));
        int rank = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (i == targetIndex) continue;
            var s = scores[i];
            if (float.IsNaN(s)) throw new ArgumentException($"candidate {i} has a NaN score", nameof(scores));
            if (s >= target) rank++;
        }
        return rank;
    }

    public static double HitRate(int rank, int k) => rank < k ? 1.0 : 0.0;

    public static double Ndcg(int rank, int k) => rank < k ? 1.0 / Math.Log2(rank + 2) : 0.0;

    public static double ReciprocalRank(int rank) => 1.0 / (rank + 1);
}

/// <summary>Sums HR@K, NDCG@K and MRR over evaluated instances; <see cref="Mean"/> gives the averages.</summary>
public sealed class MetricAccumulator
{
    private readonly int[] ks;
    private readonly double[] hits;
    private readonly double[] ndcgs;
    private double reciprocalRanks;

    public MetricAccumulator(IReadOnlyList<int> cutoffs)
    {
        if (cutoffs.Count == 0) throw new ArgumentException("at least one cut-off K is needed", nameof(cutoffs));
        foreach (var k in cutoffs)
            if (k <= 0) throw new ArgumentException($"cut-off K must be positive, got {k}", nameof(cutoffs));
        ks = cutoffs.ToArray();
        hits = new double[ks.Length];
        ndcgs = new double[ks.Length];
    }

    public long Count { get; private set; }

    public IReadOnlyList<int> Cutoffs => ks;

    public void Add(int rank)
    {
        if (rank < 0) throw new ArgumentOutOfRangeException(nameof(rank), rank, "rank must be >= 0");
        for (int i = 0; i < ks.Length; i++)
        {
            hits[i] += RankingMetrics.HitRate(rank, ks[i]);
            ndcgs[i] += RankingMetrics.Ndcg(rank, ks[i]);
        }
        reciprocalRanks += RankingMetrics.ReciprocalRank(rank);
        Count++;
    }

    public void Merge(MetricAccumulator other)
    {
        if (!ks.SequenceEqual(other.ks)) throw new ArgumentException("cannot merge accumulators with different cut-offs", nameof(other));
        for (int i = 0; i < ks.Length; i++)
        {
            hits[i] += other.hits[i];
            ndcgs[i] += other.ndcgs[i];
        }
        reciprocalRanks += other.reciprocalRanks;
        Count += other.Count;
    }

    /// <summary>Mean metrics keyed "HR@K", "NDCG@K" and "MRR" (NaN when nothing was added).</summary>
    public IReadOnlyDictionary<string, double> Mean()
    {
        var result = new Dictionary<string, double>();
        double n = Count;
        for (int i = 0; i < ks.Length; i++)
        {
            result[$"HR@{ks[i]}"] = n == 0 ? double.NaN : hits[i] / n;
            result[$"NDCG@{ks[i]}"] = n == 0 ? double.NaN : ndcgs[i] / n;
        }
        result["MRR"] = n == 0 ? double.NaN : reciprocalRanks / n;
        return result;
    }
}
