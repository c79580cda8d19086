using Cdsr.Data.Evaluation;
using Cdsr.Data.Model;

namespace Cdsr.Data.Scenario;

/// <summary>One raw review: who, which item (ASIN), when (Unix seconds).</summary>
public readonly record struct RawEvent(string User, string Item, long Time);

/// <summary>A built scenario: the dataset and its manifest (options, counts of every step, content hash).</summary>
public sealed record ScenarioResult(CdsrDataset Dataset, ScenarioManifest Manifest);

/// <summary>
/// Builds a two-domain benchmark from the raw reviews of two categories (plus optional item metadata), following
/// <see cref="ScenarioOptions"/>. Deterministic: items get dense ids in ordinal order of their ASIN per domain, users
/// are ordered by id, a user's interactions by (time, domain, item), and every seeded step uses
/// <see cref="SplitMix64"/> streams derived from <see cref="ScenarioOptions.Seed"/>.
/// </summary>
public static class ScenarioBuilder
{
    private struct Event
    {
        public int User, Item;
        public long Time;
        public byte Domain;
        public bool Alive;
    }

    /// <summary>Builds the scenario. <paramref name="metaA"/>/<paramref name="metaB"/> map ASIN to side information;
    /// items without an entry keep only their ASIN (counted in the manifest).</summary>
    public static ScenarioResult Build(ScenarioOptions options, IEnumerable<RawEvent> reviewsA, IEnumerable<RawEvent> reviewsB,
        IReadOnlyDictionary<string, ItemInfo>? metaA = null, IReadOnlyDictionary<string, ItemInfo>? metaB = null,
        IReadOnlyList<ScenarioInput>? inputs = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var counts = new ScenarioCounts();
        var userIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var userNames = new List<string>();
        var itemIndex = new[] { new Dictionary<string, int>(StringComparer.Ordinal), new Dictionary<string, int>(StringComparer.Ordinal) };
        var itemNames = new[] { new List<string>(), new List<string>() };
        var events = new List<Event>();

        // 1. Read, intern, de-duplicate, time window.
        var seen = new HashSet<(int, int, long, byte)>();
        for (byte d = 0; d < 2; d++)
        {
            foreach (var r in d == 0 ? reviewsA : reviewsB)
            {
                counts.RawReviews[d]++;
                if (!userIndex.TryGetValue(r.User, out int u)) { u = userNames.Count; userIndex.Add(r.User, u); userNames.Add(r.User); }
                if (!itemIndex[d].TryGetValue(r.Item, out int i)) { i = itemNames[d].Count; itemIndex[d].Add(r.Item, i); itemNames[d].Add(r.Item); }
                if (options.Deduplicate && !seen.Add((u, i, r.Time, d))) { counts.Duplicates[d]++; continue; }
                if (r.Time < (options.TimeFrom ?? long.MinValue) || r.Time >= (options.TimeTo ?? long.MaxValue)) { counts.OutsideTimeWindow[d]++; continue; }
                events.Add(new Event { User = u, Item = i, Time = r.Time, Domain = d, Alive = true });
            }
        }

        // 2. Iterated filters until a round removes nothing.
        var ev = events.ToArray();
        counts.FilterRounds = Filter(options, ev, userNames.Count, itemNames, counts);

        // 3. Vocabularies: surviving items in ordinal ASIN order.
        var dense = new int[2][];
        var vocab = new DomainVocabulary[2];
        for (int d = 0; d < 2; d++)
        {
            var alive = new bool[itemNames[d].Count];
            foreach (var e in ev) if (e.Alive && e.Domain == d) alive[e.Item] = true;
            var kept = Enumerable.Range(0, alive.Length).Where(i => alive[i]).OrderBy(i => itemNames[d][i], StringComparer.Ordinal).ToArray();
            dense[d] = new int[alive.Length];
            var infos = new ItemInfo[kept.Length];
            var meta = d == 0 ? metaA : metaB;
            for (int k = 0; k < kept.Length; k++)
            {
                string asin = itemNames[d][kept[k]];
                dense[d][kept[k]] = k + 1;
                if (meta is not null && meta.TryGetValue(asin, out var info)) infos[k] = info with { OriginalId = asin };
                else { infos[k] = new ItemInfo(asin); if (meta is not null) counts.ItemsWithoutMetadata[d]++; }
            }
            vocab[d] = new DomainVocabulary(d == 0 ? options.DomainAName : options.DomainBName, infos);
        }

        // 4. Sequences: ordered by (time, domain, item), the latest MaxLength kept.
        var byUser = new List<Interaction>[userNames.Count];
        foreach (var e in ev)
            if (e.Alive) (byUser[e.User] ??= []).Add(new Interaction(e.Time, dense[e.Domain][e.Item], (Domain)e.Domain));
        var users = Enumerable.Range(0, userNames.Count).Where(u => byUser[u] is not null)
            .OrderBy(u => userNames[u], StringComparer.Ordinal).ToList();
        var sequences = new List<(string Id, Interaction[] Seq)>(users.Count);
        foreach (int u in users)
        {
            var s = byUser[u];
            s.Sort((x, y) => x.Timestamp != y.Timestamp ? x.Timestamp.CompareTo(y.Timestamp) : x.Domain != y.Domain ? x.Domain.CompareTo(y.Domain) : x.Item.CompareTo(y.Item));
            if (options.MaxLength > 0 && s.Count > options.MaxLength)
            {
                counts.TruncatedByMaxLength += s.Count - options.MaxLength;
                s.RemoveRange(0, s.Count - options.MaxLength);
            }
            sequences.Add((userNames[u], s.ToArray()));
        }

        // 5. Split, then K_u.
        var instances = ScenarioSplitter.Split(options, sequences, counts);
        ScenarioSplitter.ApplyNonOverlapRatio(options, sequences, instances, counts);

        // 6. Assemble: users with at least one instance.
        var builder = new DatasetBuilder(options.Name, "scenario", TimeKind.UnixSeconds)
        {
            DomainA = vocab[0],
            DomainB = vocab[1],
            Protocol = new EvaluationProtocol(options.Negatives, options.Exclusion,
                $"scenario {options.Split}: {(options.Negatives == 0 ? "full ranking" : $"{options.Negatives} sampled negatives")} of the target domain, excluding {(options.Exclusion == NegativeExclusion.Target ? "the target" : "the user's items")}"),
        };
        for (int k = 0; k < sequences.Count; k++)
        {
            if (instances[k].Count == 0) continue;
            var (id, seq) = sequences[k];
            int u = builder.AddUser(id, seq);
            foreach (var x in instances[k]) builder.AddInstance(x with { User = u });
        }
        foreach (var note in counts.Notes()) builder.AddNote(note);
        var dataset = builder.Build();
        if (options.BuildCandidates)
            dataset = dataset.WithCandidates(new CandidateSampler(new CandidateOptions(options.Negatives, options.Exclusion, options.Seed)).Build(dataset));

        counts.Finish(dataset);
        var manifest = new ScenarioManifest
        {
            Name = options.Name,
            Options = options,
            Inputs = inputs ?? [],
            Counts = counts,
            ContentHash = Storage.DatasetStore.ContentHash(dataset),
        };
        return new ScenarioResult(dataset, manifest);
    }

    /// <summary>Removes events until the k-core, per-domain minimum and overlapped-only rules all hold; returns the
    /// number of rounds that removed something. Each round counts on the survivors of the previous one.</summary>
    private static int Filter(ScenarioOptions o, Event[] ev, int userCount, List<string>[] items, ScenarioCounts counts)
    {
        bool any = o.KCoreUser > 0 || o.KCoreItem > 0 || o.MinPerDomain > 0 || o.OverlappedOnly;
        if (!any) return 0;
        var userDomain = new int[userCount * 2];
        var itemCount = new[] { new int[items[0].Count], new int[items[1].Count] };
        int rounds = 0;
        while (true)
        {
            Array.Clear(userDomain);
            Array.Clear(itemCount[0]);
            Array.Clear(itemCount[1]);
            foreach (var e in ev)
            {
                if (!e.Alive) continue;
                userDomain[e.User * 2 + e.Domain]++;
                itemCount[e.Domain][e.Item]++;
            }
            int removed = 0;
            for (int k = 0; k < ev.Length; k++)
            {
                ref var e = ref ev[k];
                if (!e.Alive) continue;
                int inDomain = userDomain[e.User * 2 + e.Domain];
                int total = userDomain[e.User * 2] + userDomain[e.User * 2 + 1];
                bool drop =
                    (o.KCoreItem > 0 && itemCount[e.Domain][e.Item] < o.KCoreItem) ||
                    (o.KCoreUser > 0 && (o.KCoreScope == KCoreScope.PerDomain ? inDomain : total) < o.KCoreUser) ||
                    (o.MinPerDomain > 0 && inDomain < o.MinPerDomain) ||
                    (o.OverlappedOnly && (userDomain[e.User * 2] == 0 || userDomain[e.User * 2 + 1] == 0));
                if (drop)
                {
                    e.Alive = false;
                    counts.RemovedByFilters[e.Domain]++;
                    removed++;
                }
            }
            if (removed == 0) return rounds;
            rounds++;
        }
    }
}
