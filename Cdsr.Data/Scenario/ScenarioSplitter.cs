using Cdsr.Data.Evaluation;
using Cdsr.Data.Model;

namespace Cdsr.Data.Scenario;

/// <summary>The three split modes and the non-overlap ratio K_u over built sequences. Instances carry the index of
/// the sequence as their user; <see cref="ScenarioBuilder"/> renumbers them when it drops users without instances.</summary>
internal static class ScenarioSplitter
{
    private const ulong SplitStream = 1, KuStream = 2;

    public static List<Instance>[] Split(ScenarioOptions o, List<(string Id, Interaction[] Seq)> sequences, ScenarioCounts counts)
    {
        var result = new List<Instance>[sequences.Count];
        for (int k = 0; k < result.Length; k++) result[k] = [];
        switch (o.Split)
        {
            case SplitMode.LeaveOneOut:
                for (int k = 0; k < sequences.Count; k++)
                {
                    int n = sequences[k].Seq.Length;
                    if (n < 3) { counts.UsersDroppedBySplit++; continue; }
                    result[k].Add(new Instance(k, n - 3, n - 3, SplitPart.Train));
                    result[k].Add(new Instance(k, n - 2, n - 2, SplitPart.Valid));
                    result[k].Add(new Instance(k, n - 1, n - 1, SplitPart.Test));
                }
                break;

            case SplitMode.UserDisjoint:
            {
                var eligible = new List<int>();
                for (int k = 0; k < sequences.Count; k++)
                    if (sequences[k].Seq.Length >= 2) eligible.Add(k); else counts.UsersDroppedBySplit++;
                var order = eligible.ToArray();
                new SplitMix64(SplitMix64.Derive(o.Seed, SplitStream)).Shuffle(order.AsSpan());
                int train = (int)Math.Round(o.TrainFraction * order.Length, MidpointRounding.AwayFromZero);
                int valid = Math.Min(order.Length - train, (int)Math.Round(o.ValidFraction * order.Length, MidpointRounding.AwayFromZero));
                for (int r = 0; r < order.Length; r++)
                {
                    int k = order[r], n = sequences[k].Seq.Length;
                    var part = r < train ? SplitPart.Train : r < train + valid ? SplitPart.Valid : SplitPart.Test;
                    result[k].Add(new Instance(k, n - 1, n - 1, part));
                }
                break;
            }

            case SplitMode.Time:
            {
                long validFrom = o.ValidFrom!.Value, testFrom = o.TestFrom!.Value;
                for (int k = 0; k < sequences.Count; k++)
                {
                    var s = sequences[k].Seq;
                    int trainAt = -1, validAt = -1, testAt = -1;
                    for (int i = 1; i < s.Length; i++)
                    {
                        long t = s[i].Timestamp;
                        if (t < validFrom) trainAt = i;
                        else if (t < testFrom) { if (validAt < 0) validAt = i; }
                        else if (testAt < 0) testAt = i;
                    }
                    if (trainAt >= 0) result[k].Add(new Instance(k, trainAt, trainAt, SplitPart.Train));
                    if (validAt >= 0) result[k].Add(new Instance(k, validAt, validAt, SplitPart.Valid));
                    if (testAt >= 0) result[k].Add(new Instance(k, testAt, testAt, SplitPart.Test));
                    if (result[k].Count == 0) counts.UsersDroppedBySplit++;
                }
                break;
            }

            default:
                throw new CdsrDataException($"scenario option Split: unknown mode {o.Split}");
        }
        return result;
    }

    /// <summary>Open-world K_u: of the non-overlapped users that have train or valid instances, a seeded
    /// round(K_u * n) keep them; the others lose their train and valid instances (their test instances stay).</summary>
    public static void ApplyNonOverlapRatio(ScenarioOptions o, List<(string Id, Interaction[] Seq)> sequences, List<Instance>[] instances, ScenarioCounts counts)
    {
        if (o.NonOverlapRatio is not { } ku) return;
        var eligible = new List<int>();
        for (int k = 0; k < sequences.Count; k++)
            if (!IsOverlapped(sequences[k].Seq) && instances[k].Exists(x => x.Part != SplitPart.Test)) eligible.Add(k);
        var order = eligible.ToArray();
        new SplitMix64(SplitMix64.Derive(o.Seed, KuStream)).Shuffle(order.AsSpan());
        int keep = (int)Math.Round(ku * order.Length, MidpointRounding.AwayFromZero);
        counts.KuEligibleUsers = order.Length;
        counts.KuKeptUsers = keep;
        for (int r = keep; r < order.Length; r++)
        {
            var list = instances[order[r]];
            list.RemoveAll(x => x.Part != SplitPart.Test);
            if (list.Count == 0) counts.UsersRemovedByKu++;
        }
    }

    public static bool IsOverlapped(ReadOnlySpan<Interaction> s)
    {
        bool a = false, b = false;
        foreach (var x in s) { if (x.Domain == Domain.A) a = true; else b = true; }
        return a && b;
    }
}
