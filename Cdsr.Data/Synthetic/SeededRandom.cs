using Cdsr.Data.Evaluation;

namespace Cdsr.Data.Synthetic;

/// <summary>The draws the generator needs (Bernoulli, ranges, weighted choice, list shuffle) on top of the project's
/// <see cref="SplitMix64"/>, whose output is fixed by its seed on every runtime (System.Random's is not).</summary>
internal sealed class SeededRandom
{
    private SplitMix64 _g;

    private SeededRandom(ulong seed) => _g = new SplitMix64(seed);

    /// <summary>An independent stream for one part of the generator, so extra draws in one part do not shift another.</summary>
    public static SeededRandom Stream(ulong seed, ulong stream) => new(SplitMix64.Derive(seed, stream));

    public double NextDouble() => _g.NextDouble();

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    public int NextInt(int maxExclusive) => _g.NextInt(maxExclusive);

    /// <summary>Uniform integer in [<paramref name="minInclusive"/>, <paramref name="maxInclusive"/>].</summary>
    public int NextInt(int minInclusive, int maxInclusive) => minInclusive + _g.NextInt(maxInclusive - minInclusive + 1);

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Bernoulli(double p) => _g.NextDouble() < p;

    /// <summary>Index drawn proportionally to the weights whose prefix sums are <paramref name="cumulative"/>.</summary>
    public int Sample(ReadOnlySpan<double> cumulative)
    {
        double u = _g.NextDouble() * cumulative[^1];
        int lo = 0, hi = cumulative.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (cumulative[mid] > u) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    public void Shuffle<T>(T[] items) => _g.Shuffle(items.AsSpan());

    public void Shuffle<T>(List<T> items) => _g.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(items));
}
