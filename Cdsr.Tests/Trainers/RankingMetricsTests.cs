using Cdsr.Trainers.Evaluation;

namespace Cdsr.Tests.Trainers;

public class RankingMetricsTests
{
    [Test]
    public void RankCountsCandidatesScoredAtLeastAsHighAsTheTarget()
    {
        // target 0.5 at index 2; 0.9 and 0.7 beat it, 0.1 does not.
        Assert.That(RankingMetrics.PessimisticRank(new float[] { 0.9f, 0.1f, 0.5f, 0.7f }, 2), Is.EqualTo(2));
        Assert.That(RankingMetrics.PessimisticRank(new float[] { 3f, 1f, 2f }, 0), Is.EqualTo(0));
    }

    [Test]
    public void TiesRankTheTargetBelowEveryEqualScore()
    {
        // All equal: the target is last among 1000 candidates.
        var scores = Enumerable.Repeat(1f, 1000).ToArray();
        Assert.That(RankingMetrics.PessimisticRank(scores, 0), Is.EqualTo(999));
        Assert.That(RankingMetrics.PessimisticRank(new float[] { 0.5f, 0.5f, 0.4f }, 1), Is.EqualTo(1));
    }

    [Test]
    public void MetricsMatchHandComputedValues()
    {
        var acc = new MetricAccumulator(new[] { 1, 5, 10 });
        acc.Add(0); // HR@1=1, NDCG=1, RR=1
        acc.Add(3); // HR@5=1, NDCG@5=1/log2(5)=0.430677, RR=0.25
        acc.Add(12); // nothing within 10, RR=1/13
        var m = acc.Mean();
        Assert.That(m["HR@1"], Is.EqualTo(1.0 / 3).Within(1e-12));
        Assert.That(m["HR@5"], Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(m["HR@10"], Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(m["NDCG@1"], Is.EqualTo(1.0 / 3).Within(1e-12));
        Assert.That(m["NDCG@5"], Is.EqualTo((1 + 0.43067655807339306) / 3).Within(1e-12));
        Assert.That(m["NDCG@10"], Is.EqualTo((1 + 0.43067655807339306) / 3).Within(1e-12));
        Assert.That(m["MRR"], Is.EqualTo((1 + 0.25 + 1.0 / 13) / 3).Within(1e-12));
    }

    [Test]
    public void MergeEqualsAddingEverythingToOne()
    {
        var a = new MetricAccumulator(new[] { 10 });
        var b = new MetricAccumulator(new[] { 10 });
        var all = new MetricAccumulator(new[] { 10 });
        foreach (var r in new[] { 0, 4, 9 }) { a.Add(r); all.Add(r); }
        foreach (var r in new[] { 10, 2 }) { b.Add(r); all.Add(r); }
        a.Merge(b);
        Assert.That(a.Mean(), Is.EqualTo(all.Mean()));
        Assert.That(a.Count, Is.EqualTo(5));
    }

    [Test]
    public void InvalidInputsAreRejectedWithMessages()
    {
        var nan = Assert.Throws<ArgumentException>(() => RankingMetrics.PessimisticRank(new[] { 1f, float.NaN }, 0));
        Assert.That(nan!.Message, Does.Contain("candidate 1 has a NaN score"));
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => RankingMetrics.PessimisticRank(new[] { 1f }, 3));
        Assert.That(range!.Message, Does.Contain("target index 3 is outside the 1 candidate scores"));
        var k = Assert.Throws<ArgumentException>(() => new MetricAccumulator(new[] { 0 }));
        Assert.That(k!.Message, Does.Contain("cut-off K must be positive, got 0"));
        Assert.That(double.IsNaN(new MetricAccumulator(new[] { 1 }).Mean()["MRR"]), Is.True);
    }
}
