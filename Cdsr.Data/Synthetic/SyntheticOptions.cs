namespace Cdsr.Data.Synthetic;

/// <summary>
/// Options of <see cref="SyntheticGenerator"/>: a two-domain Amazon-2018-shaped raw dump with planted structure.
/// Every default lives here. The planted model: each item belongs to one latent topic; each user has one taste
/// (a distribution over topics) shared by both domains; a sequence walks topics with some stickiness (a first-order
/// Markov dependence) and, with some probability, follows an item's fixed "successor" item.
/// </summary>
public sealed record SyntheticOptions
{
    /// <summary>Seed of the SplitMix64 streams; the same options produce the same bytes.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Number of users (before any single-domain split).</summary>
    public int Users { get; init; } = 2000;

    /// <summary>Items of domain A.</summary>
    public int ItemsA { get; init; } = 1200;

    /// <summary>Items of domain B.</summary>
    public int ItemsB { get; init; } = 1200;

    /// <summary>Latent topics shared by both domains (1–64).</summary>
    public int Topics { get; init; } = 8;

    /// <summary>Name of domain A; names its files (<c>{DomainA}.json</c>, <c>meta_{DomainA}.json</c>) and its category root.</summary>
    public string DomainA { get; init; } = "Clothing_Shoes_and_Jewelry";

    /// <summary>Name of domain B.</summary>
    public string DomainB { get; init; } = "Sports_and_Outdoors";

    /// <summary>Share of users active in one domain only (half of them in A, half in B).</summary>
    public double SingleDomainShare { get; init; } = 0.3;

    /// <summary>Shortest total sequence of a user (both domains together).</summary>
    public int MinLength { get; init; } = 5;

    /// <summary>Longest total sequence of a user.</summary>
    public int MaxLength { get; init; } = 30;

    /// <summary>Least interactions an overlapped user has in each domain.</summary>
    public int MinPerDomain { get; init; } = 1;

    /// <summary>An overlapped user's share of domain-A interactions is drawn uniformly from
    /// [<see cref="MinDomainAShare"/>, <see cref="MaxDomainAShare"/>].</summary>
    public double MinDomainAShare { get; init; } = 0.3;

    /// <summary>Upper end of an overlapped user's share of domain-A interactions.</summary>
    public double MaxDomainAShare { get; init; } = 0.9;

    /// <summary>Mass of a user's taste on their two favourite topics (3/4 first, 1/4 second); the rest is uniform.</summary>
    public double TasteFocus { get; init; } = 0.6;

    /// <summary>Probability that the next interaction stays on the previous interaction's topic.</summary>
    public double TopicStickiness { get; init; } = 0.6;

    /// <summary>Probability that the next interaction is the planted successor (in the chosen domain) of the previous item.</summary>
    public double SuccessorProbability { get; init; } = 0.15;

    /// <summary>Zipf exponent of item popularity inside a topic (0 = uniform).</summary>
    public double PopularitySkew { get; init; } = 0.8;

    /// <summary>Probability that an item's metadata category names a wrong topic (label noise).</summary>
    public double CategoryNoise { get; init; } = 0.05;

    /// <summary>Unix time (seconds, UTC midnight) before a user's first interaction.</summary>
    public long StartUnixTime { get; init; } = 1_388_534_400; // 2014-01-01

    /// <summary>Largest gap, in days, between two consecutive interactions of a user (the least is 1 day).</summary>
    public int MaxGapDays { get; init; } = 20;

    /// <summary>Write <c>.json.gz</c> files instead of plain <c>.json</c>.</summary>
    public bool Compress { get; init; }

    /// <summary>Checks every option; throws <see cref="ArgumentException"/> naming the option, the bound and the value.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, string expected, object value)
        {
            if (!ok) throw new ArgumentException($"synthetic option {name}: expected {expected}, got {value}");
        }
        Check(Users >= 1, nameof(Users), ">= 1", Users);
        Check(Topics is >= 1 and <= 64, nameof(Topics), "1..64", Topics);
        Check(ItemsA >= Topics, nameof(ItemsA), $">= Topics ({Topics})", ItemsA);
        Check(ItemsB >= Topics, nameof(ItemsB), $">= Topics ({Topics})", ItemsB);
        Check(MinPerDomain >= 1, nameof(MinPerDomain), ">= 1", MinPerDomain);
        Check(MinLength >= 2 * MinPerDomain, nameof(MinLength), $">= 2 * MinPerDomain ({2 * MinPerDomain})", MinLength);
        Check(MaxLength >= MinLength, nameof(MaxLength), $">= MinLength ({MinLength})", MaxLength);
        Check(MaxLength <= Math.Min(ItemsA, ItemsB), nameof(MaxLength), $"<= the smaller item count ({Math.Min(ItemsA, ItemsB)})", MaxLength);
        Check(SingleDomainShare is >= 0 and <= 1, nameof(SingleDomainShare), "0..1", SingleDomainShare);
        Check(MinDomainAShare is >= 0 and <= 1, nameof(MinDomainAShare), "0..1", MinDomainAShare);
        Check(MaxDomainAShare >= MinDomainAShare && MaxDomainAShare <= 1, nameof(MaxDomainAShare), $"{MinDomainAShare}..1", MaxDomainAShare);
        Check(TasteFocus is >= 0 and <= 1, nameof(TasteFocus), "0..1", TasteFocus);
        Check(TopicStickiness is >= 0 and <= 1, nameof(TopicStickiness), "0..1", TopicStickiness);
        Check(SuccessorProbability is >= 0 and <= 1, nameof(SuccessorProbability), "0..1", SuccessorProbability);
        Check(PopularitySkew >= 0, nameof(PopularitySkew), ">= 0", PopularitySkew);
        Check(CategoryNoise is >= 0 and <= 1, nameof(CategoryNoise), "0..1", CategoryNoise);
        Check(MaxGapDays >= 1, nameof(MaxGapDays), ">= 1", MaxGapDays);
        Check(StartUnixTime >= 0, nameof(StartUnixTime), ">= 0", StartUnixTime);
        Check(IsFileName(DomainA), nameof(DomainA), "a non-empty name of letters, digits, '_' or '-'", DomainA);
        Check(IsFileName(DomainB), nameof(DomainB), "a non-empty name of letters, digits, '_' or '-'", DomainB);
        Check(DomainA != DomainB, nameof(DomainB), $"a name different from DomainA ({DomainA})", DomainB);
    }

    private static bool IsFileName(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
