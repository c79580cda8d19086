namespace Cdsr.Data.Evaluation;

/// <summary>SplitMix64 (Steele, Lea, Flood 2014): a 64-bit generator whose output is fixed by its seed on every
/// platform and runtime, unlike System.Random. Used wherever a seeded draw must be reproducible from a file.</summary>
public struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, <paramref name="bound"/>), without modulo bias (Lemire's multiply-and-reject).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), $"bound must be positive, got {bound}");
        ulong n = (ulong)bound;
        UInt128 m = (UInt128)NextUInt64() * n;
        ulong low = (ulong)m;
        if (low < n)
        {
            ulong threshold = (0UL - n) % n;
            while (low < threshold)
            {
                m = (UInt128)NextUInt64() * n;
                low = (ulong)m;
            }
        }
        return (int)(m >> 64);
    }

    /// <summary>Uniform double in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A seed for stream <paramref name="stream"/> derived from <paramref name="seed"/>, so that each
    /// instance gets its own generator and a draw does not depend on the order instances are visited.</summary>
    public static ulong Derive(ulong seed, ulong stream)
    {
        var g = new SplitMix64(seed ^ (stream * 0xD1B54A32D192ED03UL));
        g.NextUInt64();
        return g.NextUInt64();
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
