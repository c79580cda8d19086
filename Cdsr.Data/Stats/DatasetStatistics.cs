using Cdsr.Data.Model;

namespace Cdsr.Data.Stats;

/// <summary>One domain's row of the table papers print.</summary>
/// <param name="Users">Users with at least one interaction in the domain.</param>
/// <param name="Items">Vocabulary size.</param>
/// <param name="ItemsWithInteractions">Items that occur in some user's sequence.</param>
/// <param name="AverageSequenceLength">Mean per-domain sequence length over <paramref name="Users"/>.</param>
/// <param name="Density">Interactions / (Users x Items).</param>
public sealed record DomainStatistics(string Name, int Users, int Items, int ItemsWithInteractions, long Interactions,
    double AverageSequenceLength, double Density);

/// <summary>Counts over the instances of one or more split parts.</summary>
/// <param name="Interactions">Sum over instances of history + target.</param>
/// <param name="ItemsA">Distinct domain-A items in those histories and targets.</param>
/// <param name="BothDomains">Instances whose history + target holds both domains.</param>
/// <param name="OnlyA">Users whose instances (history + target) hold only domain A.</param>
public sealed record SplitStatistics(string Label, int Instances, int Users, int OnlyA, int OnlyB, int Overlapped,
    long Interactions, double MeanLength, int ItemsA, int ItemsB, int BothDomains, int TargetsA, int TargetsB);

/// <summary>The statistics table of a dataset: users, items, interactions, overlap, sequence lengths, density per
/// domain, the histogram of each user's dominant-domain share (10% bins) and counts per split part.</summary>
public sealed record DatasetStatistics(
    string Name, string Format, int Users, int OverlappedUsers, int OnlyA, int OnlyB, long Interactions,
    int MinLength, int MaxLength, double MeanLength, DomainStatistics A, DomainStatistics B,
    IReadOnlyList<int> DominantShareHistogram, IReadOnlyList<SplitStatistics> Splits)
{
    /// <summary>Computes every count from the dataset (one pass over the interactions, one over the instances).</summary>
    public static DatasetStatistics Compute(CdsrDataset data)
    {
        int users = data.UserCount, overlapped = 0, onlyA = 0, onlyB = 0, min = int.MaxValue, max = 0;
        var hist = new int[10];
        var usersIn = new int[2];
        var inter = new long[2];
        var seen = new[] { new bool[data.DomainA.Count + 1], new bool[data.DomainB.Count + 1] };
        for (int u = 0; u < users; u++)
        {
            var s = data.Sequence(u);
            int na = 0;
            foreach (ref readonly var x in s)
            {
                if (x.Domain == Domain.A) na++;
                seen[(int)x.Domain][x.Item] = true;
            }
            int nb = s.Length - na;
            inter[0] += na;
            inter[1] += nb;
            if (na > 0) usersIn[0]++;
            if (nb > 0) usersIn[1]++;
            if (na > 0 && nb > 0) overlapped++; else if (na > 0) onlyA++; else onlyB++;
            min = Math.Min(min, s.Length);
            max = Math.Max(max, s.Length);
            double share = (double)Math.Max(na, nb) / s.Length;
            hist[Math.Min(9, (int)Math.Floor(share * 10 + 1e-9))]++;
        }
        DomainStatistics Dom(Domain d)
        {
            int i = (int)d;
            var v = data.Vocabulary(d);
            int used = 0;
            for (int k = 1; k < seen[i].Length; k++) if (seen[i][k]) used++;
            double density = usersIn[i] == 0 || v.Count == 0 ? 0 : inter[i] / ((double)usersIn[i] * v.Count);
            return new DomainStatistics(v.Name, usersIn[i], v.Count, used, inter[i], usersIn[i] == 0 ? 0 : (double)inter[i] / usersIn[i], density);
        }
        var splits = new List<SplitStatistics>();
        bool hasTrain = false, hasValid = false;
        foreach (var part in new[] { SplitPart.Train, SplitPart.Valid, SplitPart.Test })
        {
            var st = ForParts(data, part.ToString().ToLowerInvariant(), part);
            if (st.Instances == 0) continue;
            splits.Add(st);
            hasTrain |= part == SplitPart.Train;
            hasValid |= part == SplitPart.Valid;
        }
        if (hasTrain && hasValid) splits.Add(ForParts(data, "train+valid", SplitPart.Train, SplitPart.Valid));
        return new DatasetStatistics(data.Name, data.SourceFormat, users, overlapped, onlyA, onlyB, data.InteractionCount,
            users == 0 ? 0 : min, max, users == 0 ? 0 : (double)data.InteractionCount / users, Dom(Domain.A), Dom(Domain.B), hist, splits);
    }

    /// <summary>Counts over the instances whose part is one of <paramref name="parts"/>.</summary>
    public static SplitStatistics ForParts(CdsrDataset data, string label, params SplitPart[] parts)
    {
        int instances = 0, both = 0, tA = 0, tB = 0;
        long interactions = 0;
        var userDomains = new Dictionary<int, int>(); // user -> bit mask of domains seen
        var itemsA = new HashSet<int>();
        var itemsB = new HashSet<int>();
        foreach (ref readonly var x in data.Instances)
        {
            if (Array.IndexOf(parts, x.Part) < 0) continue;
            instances++;
            var target = data.Target(x);
            var h = data.History(x);
            int mask = target.Domain == Domain.A ? 1 : 2;
            (target.Domain == Domain.A ? itemsA : itemsB).Add(target.Item);
            if (target.Domain == Domain.A) tA++; else tB++;
            foreach (var y in h)
            {
                mask |= y.Domain == Domain.A ? 1 : 2;
                (y.Domain == Domain.A ? itemsA : itemsB).Add(y.Item);
            }
            if (mask == 3) both++;
            interactions += h.Count + 1;
            userDomains[x.User] = userDomains.GetValueOrDefault(x.User) | mask;
        }
        int oa = 0, ob = 0, ov = 0;
        foreach (var m in userDomains.Values) { if (m == 3) ov++; else if (m == 1) oa++; else ob++; }
        return new SplitStatistics(label, instances, userDomains.Count, oa, ob, ov, interactions,
            instances == 0 ? 0 : (double)interactions / instances, itemsA.Count, itemsB.Count, both, tA, tB);
    }
}
