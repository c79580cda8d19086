using Cdsr.Data.Model;

namespace Cdsr.Data.Import;

/// <summary>Options of an import. Null candidate settings mean "the dataset's own protocol".</summary>
public sealed record ImportOptions
{
    /// <summary>Sampled negatives per valid/test instance (100 or 999; 0 = full ranking); null = the source protocol's.</summary>
    public int? Negatives { get; init; }
    /// <summary>Which items are never negatives; null = the source protocol's.</summary>
    public NegativeExclusion? Exclusion { get; init; }
    /// <summary>Which items negatives are drawn from: the whole target domain (default) or the items of the instance's
    /// split part (AMID's code draws test negatives from the test file's items).</summary>
    public CandidatePool NegativePool { get; init; } = CandidatePool.Domain;
    /// <summary>Seed of the candidate sampler and of any split carving (AMID's validation rows).</summary>
    public ulong Seed { get; init; } = 42;
    /// <summary>Build candidate sets after the import.</summary>
    public bool BuildCandidates { get; init; } = true;
    /// <summary>AMID only: which training file, K_u = 25 or 75 (percent).</summary>
    public int AmidKu { get; init; } = 25;
    /// <summary>AMID only: share of training users carved out as the validation part (the release has none).</summary>
    public double AmidValidFraction { get; init; } = 0.1;

    internal void Validate()
    {
        if (Negatives is { } n && n is not (0 or 100 or 999)) throw new CdsrDataException($"--negatives must be 100 or 999 (or 0 for full ranking), got {n}");
        if (Negatives == 0 && NegativePool != CandidatePool.Domain) throw new CdsrDataException("--negative-pool split-items needs sampled negatives: full ranking (--negatives 0) ranks against the whole domain");
        if (AmidKu is not (25 or 75)) throw new CdsrDataException($"AMID K_u must be 25 or 75, got {AmidKu}");
        if (AmidValidFraction is < 0 or >= 1) throw new CdsrDataException($"AMID validation fraction must be in [0, 1), got {AmidValidFraction}");
    }
}

/// <summary>An importer of one benchmark release format into <see cref="CdsrDataset"/>.</summary>
public interface IDatasetImporter
{
    /// <summary>Format name used by <c>--format</c>.</summary>
    string Format { get; }
    /// <summary>One line: the source and its protocol.</summary>
    string Description { get; }
    /// <summary>Reads the release in <paramref name="directory"/>, honouring its split and protocol; no candidates.</summary>
    CdsrDataset Import(string directory, ImportOptions options);
}
