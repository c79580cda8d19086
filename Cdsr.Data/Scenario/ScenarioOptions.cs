using System.Text.Json.Serialization;

namespace Cdsr.Data.Scenario;

/// <summary>How a scenario's instances are split into train / valid / test.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SplitMode>))]
public enum SplitMode
{
    /// <summary>Per user: the last interaction is the test target, the second last the valid target, the third last
    /// the train target (history = the prefix before each). Users need at least 3 interactions.</summary>
    LeaveOneOut,
    /// <summary>Users are shuffled (seeded) into train / valid / test by <see cref="ScenarioOptions.TrainFraction"/> and
    /// <see cref="ScenarioOptions.ValidFraction"/>; each user gives one instance targeting their last interaction.
    /// Users need at least 2 interactions.</summary>
    UserDisjoint,
    /// <summary>Cut timestamps: per user, the first interaction at or after <see cref="ScenarioOptions.TestFrom"/> is the
    /// test target, the first in [<see cref="ScenarioOptions.ValidFrom"/>, TestFrom) the valid target, the last before
    /// ValidFrom the train target; each needs at least one earlier interaction.</summary>
    Time,
}

/// <summary>Which users a k-core threshold counts interactions over.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<KCoreScope>))]
public enum KCoreScope
{
    /// <summary>Each domain on its own: a user needs <see cref="ScenarioOptions.KCoreUser"/> interactions in a domain to
    /// keep that domain's part (the other domain is judged separately).</summary>
    PerDomain,
    /// <summary>Both domains together: a user needs KCoreUser interactions in total.</summary>
    Overall,
}

/// <summary>
/// Options of <see cref="ScenarioBuilder"/>: how raw reviews of two categories become a two-domain benchmark, as
/// the CDSR papers describe it (CDSRNP: users >= 10, items >= 5, 80/10/10 users, K_u; SemaCDR: items >= 10, users
/// >= 3 per domain, overlapped only, leave-one-out; IFCDSR: overlapped, >= 10 interactions, >= 3 per domain).
/// The pipeline, in order: de-duplicate, time window, iterated filters (k-core, per-domain minimum, overlapped-only)
/// until nothing changes, latest <see cref="MaxLength"/> interactions, split, K_u, candidates.
/// Every removal is counted in the manifest; nothing is dropped silently.
/// </summary>
public sealed record ScenarioOptions
{
    /// <summary>Dataset name recorded in the dataset and its manifest.</summary>
    public string Name { get; init; } = "scenario";

    /// <summary>Display name of domain A (e.g. "Cloth").</summary>
    public string DomainAName { get; init; } = "A";

    /// <summary>Display name of domain B (e.g. "Sport").</summary>
    public string DomainBName { get; init; } = "B";

    /// <summary>Drop repeated (user, item, timestamp) reviews of a domain, keeping the first.</summary>
    public bool Deduplicate { get; init; } = true;

    /// <summary>Keep interactions at or after this Unix time (seconds); null = no lower bound.</summary>
    public long? TimeFrom { get; init; }

    /// <summary>Keep interactions before this Unix time (seconds); null = no upper bound.</summary>
    public long? TimeTo { get; init; }

    /// <summary>Least interactions of a kept user (0 = off; CDSRNP uses 10). Counted as <see cref="KCoreScope"/> says.</summary>
    public int KCoreUser { get; init; }

    /// <summary>Least interactions of a kept item (0 = off; CDSRNP 5, SemaCDR 10). Items always count in their own domain.</summary>
    public int KCoreItem { get; init; }

    /// <summary>Whether <see cref="KCoreUser"/> counts per domain or over both domains.</summary>
    public KCoreScope KCoreScope { get; init; } = KCoreScope.Overall;

    /// <summary>A user's part in a domain with fewer interactions than this is removed (0 = off; SemaCDR and IFCDSR use 3).</summary>
    public int MinPerDomain { get; init; }

    /// <summary>Keep only users with interactions in both domains (after the other filters).</summary>
    public bool OverlappedOnly { get; init; }

    /// <summary>Non-overlap ratio K_u in [0, 1]: the share of non-overlapped (single-domain) users whose train and valid
    /// instances are kept; the test keeps every user (open-world setting). Null = keep all (same as 1).</summary>
    public double? NonOverlapRatio { get; init; }

    /// <summary>Keep each user's latest interactions up to this many (0 = no limit; ABXI keeps 50). Applied after filtering.</summary>
    public int MaxLength { get; init; }

    /// <summary>How instances are split.</summary>
    public SplitMode Split { get; init; } = SplitMode.LeaveOneOut;

    /// <summary>User-disjoint split: share of users in train.</summary>
    public double TrainFraction { get; init; } = 0.8;

    /// <summary>User-disjoint split: share of users in valid (test gets the rest).</summary>
    public double ValidFraction { get; init; } = 0.1;

    /// <summary>Time split: start of the valid period (Unix seconds).</summary>
    public long? ValidFrom { get; init; }

    /// <summary>Time split: start of the test period (Unix seconds).</summary>
    public long? TestFrom { get; init; }

    /// <summary>Sampled negatives per valid/test instance for the candidate sets and the protocol (0 = full ranking).</summary>
    public int Negatives { get; init; } = 999;

    /// <summary>Which items are never drawn as negatives.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<Model.NegativeExclusion>))]
    public Model.NegativeExclusion Exclusion { get; init; } = Model.NegativeExclusion.Target;

    /// <summary>Draw the candidate sets when building (needs at least <see cref="Negatives"/> items per domain).</summary>
    public bool BuildCandidates { get; init; } = true;

    /// <summary>Seed of every seeded step (user-disjoint shuffle, K_u selection, candidates).</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Checks the options; throws <see cref="CdsrDataException"/> naming the option and what was expected.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok) throw new CdsrDataException("scenario option " + message);
        }
        Check(!string.IsNullOrWhiteSpace(Name), "Name: expected a non-empty name");
        Check(!string.IsNullOrWhiteSpace(DomainAName) && !string.IsNullOrWhiteSpace(DomainBName) && DomainAName != DomainBName,
            $"DomainAName/DomainBName: expected two different non-empty names, got '{DomainAName}' and '{DomainBName}'");
        Check(KCoreUser >= 0, $"KCoreUser: expected >= 0, got {KCoreUser}");
        Check(KCoreItem >= 0, $"KCoreItem: expected >= 0, got {KCoreItem}");
        Check(MinPerDomain >= 0, $"MinPerDomain: expected >= 0, got {MinPerDomain}");
        Check(Negatives >= 0, $"Negatives: expected >= 0, got {Negatives}");
        Check(MaxLength >= 0, $"MaxLength: expected >= 0, got {MaxLength}");
        Check(NonOverlapRatio is null or (>= 0 and <= 1), $"NonOverlapRatio (K_u): expected 0..1, got {NonOverlapRatio}");
        Check(TimeFrom is null || TimeTo is null || TimeFrom < TimeTo, $"TimeFrom/TimeTo: expected TimeFrom < TimeTo, got {TimeFrom} and {TimeTo}");
        if (Split == SplitMode.UserDisjoint)
        {
            Check(TrainFraction is > 0 and < 1, $"TrainFraction: expected a value in (0, 1), got {TrainFraction}");
            Check(ValidFraction is >= 0 and < 1 && TrainFraction + ValidFraction < 1,
                $"ValidFraction: expected >= 0 with TrainFraction + ValidFraction < 1, got {ValidFraction} (train {TrainFraction})");
        }
        if (Split == SplitMode.Time)
        {
            Check(ValidFrom is not null && TestFrom is not null, "ValidFrom/TestFrom: the time split needs both cut timestamps");
            Check(ValidFrom <= TestFrom, $"ValidFrom/TestFrom: expected ValidFrom <= TestFrom, got {ValidFrom} and {TestFrom}");
        }
        if (MaxLength > 0) Check(MaxLength >= (Split == SplitMode.LeaveOneOut ? 3 : 2), $"MaxLength: expected 0 or at least the {(Split == SplitMode.LeaveOneOut ? 3 : 2)} interactions the {Split} split needs, got {MaxLength}");
    }
}
