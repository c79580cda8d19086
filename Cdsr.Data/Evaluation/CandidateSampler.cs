using Cdsr.Data.Model;

namespace Cdsr.Data.Evaluation;

/// <summary>Settings of the evaluation candidates.</summary>
/// <param name="Negatives">Negatives per instance drawn from the target's domain (100 or 999 in the papers);
/// 0 = full ranking (no sampling).</param>
/// <param name="Exclusion">Never draw the target only, or anything in the user's sequence.</param>
/// <param name="Seed">Seed of <see cref="SplitMix64"/>; instance k draws from its own stream Derive(Seed, k).</param>
public sealed record CandidateOptions(int Negatives = 999, NegativeExclusion Exclusion = NegativeExclusion.Target, ulong Seed = 42);

/// <summary>Draws, for each valid/test instance, the target plus <see cref="CandidateOptions.Negatives"/> distinct
/// items of the target's domain, uniformly without replacement among the items not excluded.</summary>
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
        if (n == 0) return new CandidateSets(0, _options.Exclusion, _options.Seed, "full", [.. rows], []);

        var items = new int[rows.Count * (1 + n)];
        var taken = new HashSet<int>();
        for (int r = 0; r < rows.Count; r++)
        {
            var x = instances[rows[r]];
            var target = data.Target(x);
            int domainSize = data.Vocabulary(target.Domain).Count;
            var excluded = CandidateSets.Excluded(data, x, _options.Exclusion);
            excluded.Add(target.Item);
            int available = domainSize - excluded.Count;
            if (available < n)
                throw new CdsrDataException($"instance {rows[r]} (user '{data.UserIds[x.User]}'): domain {data.Vocabulary(target.Domain).Name} has {available} items left after exclusion, fewer than {n} negatives");
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
                    int it = 1 + rng.NextInt(domainSize);
                    if (excluded.Contains(it) || !taken.Add(it)) continue;
                    row[j++] = it;
                }
            }
            else
            {
                // Dense case: partial Fisher–Yates over the allowed items.
                var pool = new int[available];
                int p = 0;
                for (int it = 1; it <= domainSize; it++) if (!excluded.Contains(it)) pool[p++] = it;
                for (int j = 0; j < n; j++)
                {
                    int s = j + rng.NextInt(available - j);
                    (pool[j], pool[s]) = (pool[s], pool[j]);
                    row[1 + j] = pool[j];
                }
            }
        }
        return new CandidateSets(n, _options.Exclusion, _options.Seed, "sampled", [.. rows], items);
    }
}
