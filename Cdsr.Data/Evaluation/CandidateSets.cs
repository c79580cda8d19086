using Cdsr.Data.Model;

namespace Cdsr.Data.Evaluation;

/// <summary>
/// Evaluation candidates of a dataset's valid/test instances. Sampled mode: for each listed instance a row of
/// <c>1 + Negatives</c> item ids of the target's domain, the target first, then the negatives
/// (<c>Items[row * (1 + Negatives) ..]</c>). Full-ranking mode (<see cref="Negatives"/> = 0): no rows are stored; the
/// target is ranked against every item of its domain, minus the excluded ones (<see cref="Excluded"/>).
/// </summary>
public sealed class CandidateSets
{
    private readonly int[] _instances;
    private readonly int[] _items;

    /// <param name="instances">Instance index (into <see cref="CdsrDataset.Instances"/>) of each row.</param>
    /// <param name="items">Rows, flattened: [instances.Length * (1 + negatives)]; empty in full-ranking mode.</param>
    /// <param name="pool">Where the negatives were drawn from (<see cref="CandidatePool"/>).</param>
    public CandidateSets(int negatives, NegativeExclusion exclusion, ulong seed, string source, int[] instances, int[] items,
        CandidatePool pool = CandidatePool.Domain)
    {
        if (negatives == 0 && pool != CandidatePool.Domain)
            throw new CdsrDataException($"candidate sets: full ranking ranks against the whole domain, not the {pool} pool");
        if (negatives < 0) throw new ArgumentOutOfRangeException(nameof(negatives), $"negatives must be >= 0, got {negatives}");
        long expected = negatives == 0 ? 0 : (long)instances.Length * (1 + negatives);
        if (items.Length != expected)
            throw new CdsrDataException($"candidate sets: expected {expected} items ({instances.Length} rows x {1 + negatives}), got {items.Length}");
        Negatives = negatives;
        Exclusion = exclusion;
        Seed = seed;
        Source = source;
        Pool = pool;
        _instances = instances;
        _items = items;
    }

    /// <summary>Sampled negatives per instance; 0 = full ranking.</summary>
    public int Negatives { get; }
    public NegativeExclusion Exclusion { get; }
    /// <summary>The items negatives were drawn from: the whole domain, or the items of the instance's split part.</summary>
    public CandidatePool Pool { get; }
    /// <summary>Seed of the sampler (0 for imported sets).</summary>
    public ulong Seed { get; }
    /// <summary>"sampled" when drawn by <see cref="CandidateSampler"/>, "full" for full ranking, or the file they were imported from.</summary>
    public string Source { get; }
    public bool IsFullRanking => Negatives == 0;

    /// <summary>One line naming how the sets were drawn, e.g. "999 negatives, exclude history, pool SplitItems, seed 42".</summary>
    public string Describe() =>
        $"{(IsFullRanking ? "full ranking" : $"{Negatives} negatives")}, exclude {Exclusion.ToString().ToLowerInvariant()}, pool {Pool}, seed {Seed}";

    public int RowCount => _instances.Length;
    public int RowLength => 1 + Negatives;
    public ReadOnlySpan<int> InstanceIndices => _instances;
    public ReadOnlySpan<int> Items => _items;

    /// <summary>Candidates of row <paramref name="row"/>: the target, then the negatives.</summary>
    public ReadOnlySpan<int> Row(int row)
    {
        if (IsFullRanking) throw new InvalidOperationException("full-ranking candidate sets have no rows: rank against the whole target domain");
        return _items.AsSpan(row * RowLength, RowLength);
    }

    /// <summary>Items never counted as competitors of instance <paramref name="x"/>'s target in full ranking:
    /// the target's domain items of the user's whole sequence except the target (History), or none (Target).</summary>
    public static HashSet<int> Excluded(CdsrDataset data, in Instance x, NegativeExclusion exclusion)
    {
        var target = data.Target(x);
        var set = new HashSet<int>();
        if (exclusion == NegativeExclusion.History)
            foreach (var y in data.Sequence(x.User, target.Domain)) set.Add(y.Item);
        set.Remove(target.Item);
        return set;
    }

    /// <summary>The items of <paramref name="domain"/> that occur in the instances of <paramref name="part"/>, in their
    /// histories or as their targets (<see cref="CandidatePool.SplitItems"/>: AMID's test file's items).</summary>
    public static HashSet<int> PartItems(CdsrDataset data, SplitPart part, Domain domain)
    {
        var set = new HashSet<int>();
        foreach (var x in data.Instances)
        {
            if (x.Part != part) continue;
            var target = data.Target(x);
            if (target.Domain == domain) set.Add(target.Item);
            foreach (var y in data.History(x)) if (y.Domain == domain) set.Add(y.Item);
        }
        return set;
    }

    /// <summary>Checks rows against the dataset: valid/test instances only, target first, negatives from the
    /// target's domain, distinct, never the target, never a user item under History exclusion, and only items of the
    /// instance's part under the split-items pool.</summary>
    internal void Validate(CdsrDataset data)
    {
        var instances = data.Instances;
        var seenRows = new HashSet<int>();
        var parts = new Dictionary<(SplitPart, Domain), HashSet<int>>();
        for (int r = 0; r < _instances.Length; r++)
        {
            int k = _instances[r];
            if ((uint)k >= (uint)instances.Length) throw new CdsrDataException($"candidate row {r}: unknown instance {k}");
            if (!seenRows.Add(k)) throw new CdsrDataException($"candidate row {r}: instance {k} listed twice");
            var x = instances[k];
            if (x.Part == SplitPart.Train) throw new CdsrDataException($"candidate row {r}: instance {k} is a training instance");
            if (IsFullRanking) continue;
            var target = data.Target(x);
            var row = Row(r);
            if (row[0] != target.Item) throw new CdsrDataException($"candidate row {r} (instance {k}): first candidate {row[0]} is not the target {target.Item}");
            int n = data.Vocabulary(target.Domain).Count;
            var user = Exclusion == NegativeExclusion.History ? Excluded(data, x, NegativeExclusion.History) : null;
            var partItems = Pool == CandidatePool.SplitItems
                ? (parts.TryGetValue((x.Part, target.Domain), out var ps) ? ps : parts[(x.Part, target.Domain)] = PartItems(data, x.Part, target.Domain))
                : null;
            var distinct = new HashSet<int>();
            for (int j = 1; j < row.Length; j++)
            {
                int it = row[j];
                if (it < 1 || it > n) throw new CdsrDataException($"candidate row {r} (instance {k}): negative {it} outside 1..{n} of domain {data.Vocabulary(target.Domain).Name}");
                if (it == target.Item) throw new CdsrDataException($"candidate row {r} (instance {k}): the target {it} is among its negatives");
                if (!distinct.Add(it)) throw new CdsrDataException($"candidate row {r} (instance {k}): negative {it} repeated");
                if (user is not null && user.Contains(it)) throw new CdsrDataException($"candidate row {r} (instance {k}): negative {it} is in the user's history");
                if (partItems is not null && !partItems.Contains(it)) throw new CdsrDataException($"candidate row {r} (instance {k}): negative {it} does not occur in the {x.Part} part (split-items pool)");
            }
        }
    }
}
