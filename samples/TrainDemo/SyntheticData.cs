namespace TrainDemo;

/// <summary>
/// A seeded synthetic next-item task with structure a sequence model can learn and a popularity ranker cannot:
/// items lie on a hidden random cycle; each user's next item is the current item's successor on the cycle
/// (probability 0.55), the one after it (0.2), or a draw from a Zipf-like popularity distribution (0.25).
/// Every user has <see cref="Length"/> + 1 interactions: the first <see cref="Length"/> are training inputs, the
/// last one is the held-out test target (leave-one-out).
/// </summary>
internal sealed class SyntheticData
{
    public SyntheticData(int users, int items, int length, int seed)
    {
        Users = users;
        Items = items;
        Length = length;
        var rng = new Random(seed);
        var cycle = Enumerable.Range(1, items).OrderBy(_ => rng.Next()).ToArray();
        var successor = new int[items + 1];
        for (var i = 0; i < items; i++) successor[cycle[i]] = cycle[(i + 1) % items];
        // Popularity: weight 1 / rank^0.9 over a shuffled order of the items.
        var byPopularity = Enumerable.Range(1, items).OrderBy(_ => rng.Next()).ToArray();
        var cumulative = new double[items];
        double total = 0;
        for (var r = 0; r < items; r++) cumulative[r] = total += 1.0 / Math.Pow(r + 1, 0.9);
        int Popular()
        {
            var u = rng.NextDouble() * total;
            var r = Array.BinarySearch(cumulative, u);
            return byPopularity[Math.Min(r < 0 ? ~r : r, items - 1)];
        }

        Sequences = new int[users][];
        for (var u = 0; u < users; u++)
        {
            var s = new int[length + 1];
            s[0] = Popular();
            for (var t = 1; t <= length; t++)
            {
                var x = rng.NextDouble();
                s[t] = x < 0.55 ? successor[s[t - 1]] : x < 0.75 ? successor[successor[s[t - 1]]] : Popular();
            }
            Sequences[u] = s;
        }
    }

    public int Users { get; }
    public int Items { get; }
    public int Length { get; }

    /// <summary>Per user: <see cref="Length"/> + 1 item ids in 1..Items, oldest first.</summary>
    public int[][] Sequences { get; }

    /// <summary>Training inputs [U, L]: items 0..L-1.</summary>
    public long[] Inputs() => Sequences.SelectMany(s => s.Take(Length).Select(x => (long)x)).ToArray();

    /// <summary>Training targets [U, L]: the next item at every input position, except that the last position's
    /// target is the held-out test item and is masked with 0 (ignored by the loss).</summary>
    public long[] TrainTargets() => Sequences.SelectMany(s => s.Skip(1).Take(Length - 1).Select(x => (long)x).Append(0L)).ToArray();

    /// <summary>The held-out item of each user.</summary>
    public int[] TestTargets() => Sequences.Select(s => s[Length]).ToArray();
}
