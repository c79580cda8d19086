using Cdsr.Data.Model;

namespace Cdsr.Data.Evaluation;

/// <summary>Settings of the evaluation candidates.</summary>
/// <param name="Negatives">Negatives per instance drawn from the target's domain (100 or 999 in the papers);
/// 0 = full ranking (no sampling).</param>
/// <param name="Exclusion">Never draw the target only, or anything in the user's sequence.</param>
/// <param name="Seed">Seed of <see cref="SplitMix64"/>; instance k draws from its own stream Derive(Seed, k).</param>
/// <param name="Pool">Draw from the whole domain, or from the items of the instance's split part (AMID's code).</param>
public sealed record CandidateOptions(int Negatives = 999, NegativeExclusion Exclusion = NegativeExclusion.Target, ulong Seed = 42,
    CandidatePool Pool = CandidatePool.Domain);

/// <summary>Draws, for each valid/test instance, the target plus <see cref="CandidateOptions.Negatives"/> distinct
/// items of the target's domain (or of its split part's items, <see cref="CandidatePool.SplitItems"/>), uniformly
/// without replacement among the items not excluded.</summary>
public sealed class CandidateSampler
{
    private readonly CandidateOptions _options;

    public CandidateSampler(CandidateOptions options)
    {
        if (options.Negatives < 0) throw new ArgumentOutOfRangeException(nameof(options), $"negatives must be >= 0, got {options.Negatives}");
        _options = options;
    }

    public CandidateSets Build(CdsrDataset data)
    {
        var rows = new List<int>();
        var instances = data.Instances;
        for (int k = 0; k < instances.Length; k++) if (instances[k].Part != SplitPart.Train) rows.Add(k);
        int n = _options.Negatives;
        if (n == 0)
        {
            if (_options.Pool != CandidatePool.Domain)
                throw new CdsrDataException("full ranking ranks against the whole domain: a split-items negative pool needs sampled negatives (100 or 999)");
            return new CandidateSets(0, _options.Exclusion, _options.Seed, "full", [.. rows], []);
        }
        // The items negatives are drawn from, ascending: 1..|domain|, or the items of the instance's split part.
        var universes = new Dictionary<(SplitPart, Domain), (int[] Items, HashSet<int>? Set)>();
        (int[] Items, HashSet<int>? Set) Universe(SplitPart part, Domain domain)
        {
            if (universes.TryGetValue((part, domain), out var u)) return u;
            if (_options.Pool == CandidatePool.SplitItems)
            {
                var set = CandidateSets.PartItems(data, part, domain);
                u = ([.. set.Order()], set);
            }
            else u = (Enumerable.Range(1, data.Vocabulary(domain).Count).ToArray(), null);
            return universes[(part, domain)] = u;
        }

        var items = new int[rows.Count * (1 + n)];
        var taken = new HashSet<int>();
        for (int r = 0; r < rows.Count; r++)
        {
            var x = instances[rows[r]];
            var target = data.Target(x);
            var (universe, inUniverse) = Universe(x.Part, target.Domain);
            var excluded = CandidateSets.Excluded(data, x, _options.Exclusion);
            excluded.Add(target.Item);
            int available = universe.Length - (inUniverse is null ? excluded.Count : excluded.Count(inUniverse.Contains));
            if (available < n)
                throw new CdsrDataException($"instance {rows[r]} (user '{data.UserIds[x.User]}'): domain {data.Vocabulary(target.Domain).Name} has {available} items left " +
                    $"after exclusion{(_options.Pool == CandidatePool.SplitItems ? $" among the {x.Part} part's items" : "")}, fewer than {n} negatives");
            var row = items.AsSpan(r * (1 + n), 1 + n);
            row[0] = target.Item;
            var rng = new SplitMix64(SplitMix64.Derive(_options.Seed, (ulong)rows[r]));
            if ((long)n * 2 <= available)
            {
                // Sparse case: rejection sampling, expected < 2 draws per negative.
                taken.Clear();
                int j = 1;
                while (j <= n)
                {
                    int it = universe[rng.NextInt(universe.Length)];
                    if (excluded.Contains(it) || !taken.Add(it)) continue;
                    row[j++] = it;
                }
            }
            else
            {
                // Dense case: partial Fisher–Yates over the allowed items.
                var pool = new int[available];
                int p = 0;
                foreach (int it in universe) if (!excluded.Contains(it)) pool[p++] = it;
                for (int j = 0; j < n; j++)
                {
                    int s = j + rng.NextInt(available - j);
                    (pool[j], pool[s]) = (pool[s], pool[j]);
                    row[1 + j] = pool[j];
                }
            }
        }
        return new CandidateSets(n, _options.Exclusion, _options.Seed, "sampled", [.. rows], items, _options.Pool);
    }
}
