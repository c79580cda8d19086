namespace Cdsr.Data.Model;

/// <summary>The two domains of a cross-domain dataset. A is the first (e.g. Food, Cloth), B the second
/// (e.g. Kitchen, Sport). In the shared id space B's items follow A's (see <see cref="CdsrDataset.SharedId"/>).</summary>
public enum Domain : byte
{
    A = 0,
    B = 1,
}

/// <summary>Which part of the split an instance belongs to.</summary>
public enum SplitPart : byte
{
    Train = 0,
    Valid = 1,
    Test = 2,
}

/// <summary>What <see cref="Interaction.Timestamp"/> means for a dataset.</summary>
public enum TimeKind : byte
{
    /// <summary>Unix seconds; a user's interactions are sorted by it across both domains.</summary>
    UnixSeconds = 0,
    /// <summary>No clock: the timestamp is the position in the source sequence. Order across both domains is
    /// known (one mixed list in the source).</summary>
    Ordinal = 1,
    /// <summary>No clock and no order across domains: each domain's list is time-ordered, the timestamp is the
    /// position inside that domain's list, and the mixed view lists domain A's items before domain B's.</summary>
    PerDomainOrdinal = 2,
}

/// <summary>Which items are never drawn as sampled negatives for an evaluation instance.</summary>
public enum NegativeExclusion : byte
{
    /// <summary>Only the target item.</summary>
    Target = 0,
    /// <summary>Every item of the user's sequence (history and target).</summary>
    History = 1,
}

/// <summary>Which items sampled negatives are drawn from (before <see cref="NegativeExclusion"/> applies).</summary>
public enum CandidatePool : byte
{
    /// <summary>Every item of the target's domain.</summary>
    Domain = 0,
    /// <summary>The items of the target's domain that occur in the same split part's instances (their histories and
    /// targets): AMID's and CDSRNP's code draws a test row's negatives from the items of the test file. It leaves out
    /// items no user of that part touched, which a model ranks low easily, so it is a harder protocol.</summary>
    SplitItems = 1,
}
