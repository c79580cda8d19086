using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cdsr.Data.Model;

namespace Cdsr.Data.Scenario;

/// <summary>A raw file a scenario was built from.</summary>
/// <param name="Role">reviews-a, reviews-b, meta-a or meta-b.</param>
/// <param name="Path">The path as given.</param>
/// <param name="Format">amazon2018, amazon2014 or csv.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file's bytes.</param>
public sealed record ScenarioInput(string Role, string Path, string Format, string Sha256)
{
    /// <summary>Describes a file on disk, hashing its bytes.</summary>
    public static ScenarioInput Of(string role, string path, string format)
    {
        using var f = File.OpenRead(path);
        return new ScenarioInput(role, path, format, Convert.ToHexStringLower(SHA256.HashData(f)));
    }
}

/// <summary>Counts of every step of <see cref="ScenarioBuilder"/>. Two-element arrays are [domain A, domain B].</summary>
public sealed class ScenarioCounts
{
    /// <summary>Review lines read.</summary>
    public int[] RawReviews { get; init; } = new int[2];
    /// <summary>Repeated (user, item, timestamp) reviews removed.</summary>
    public int[] Duplicates { get; init; } = new int[2];
    /// <summary>Reviews outside [TimeFrom, TimeTo).</summary>
    public int[] OutsideTimeWindow { get; init; } = new int[2];
    /// <summary>Filter rounds that removed something (k-core iteration).</summary>
    public int FilterRounds { get; set; }
    /// <summary>Reviews removed by the k-core, per-domain minimum and overlapped-only filters.</summary>
    public int[] RemovedByFilters { get; init; } = new int[2];
    /// <summary>Metadata lines repeating an ASIN already read (the first entry is kept).</summary>
    public int[] DuplicateMetadata { get; init; } = new int[2];
    /// <summary>Kept items with no metadata entry (only counted when metadata was given).</summary>
    public int[] ItemsWithoutMetadata { get; init; } = new int[2];
    /// <summary>Older interactions cut by MaxLength.</summary>
    public int TruncatedByMaxLength { get; set; }
    /// <summary>Users without any instance in the split (too short, or no target in any period).</summary>
    public int UsersDroppedBySplit { get; set; }
    /// <summary>Non-overlapped users with train/valid instances before K_u.</summary>
    public int KuEligibleUsers { get; set; }
    /// <summary>Of those, the users whose train/valid instances K_u kept.</summary>
    public int KuKeptUsers { get; set; }
    /// <summary>Users left with no instance by K_u (removed from the dataset).</summary>
    public int UsersRemovedByKu { get; set; }

    /// <summary>Users of the dataset.</summary>
    public int Users { get; set; }
    /// <summary>Users with interactions in both domains.</summary>
    public int OverlappedUsers { get; set; }
    /// <summary>Users with domain-A interactions only.</summary>
    public int OnlyAUsers { get; set; }
    /// <summary>Users with domain-B interactions only.</summary>
    public int OnlyBUsers { get; set; }
    /// <summary>Items per domain.</summary>
    public int[] Items { get; init; } = new int[2];
    /// <summary>Interactions per domain.</summary>
    public int[] Interactions { get; init; } = new int[2];
    /// <summary>Instances of train, valid, test.</summary>
    public int[] Instances { get; init; } = new int[3];
    /// <summary>Test instances whose target is in domain A, in domain B.</summary>
    public int[] TestTargets { get; init; } = new int[2];

    internal IEnumerable<string> Notes()
    {
        static string Pair(int[] x) => $"{x[0]} (A) + {x[1]} (B)";
        if (Duplicates.Sum() > 0) yield return $"de-duplication removed {Pair(Duplicates)} repeated (user, item, timestamp) reviews";
        if (OutsideTimeWindow.Sum() > 0) yield return $"time window removed {Pair(OutsideTimeWindow)} reviews";
        if (RemovedByFilters.Sum() > 0) yield return $"filters removed {Pair(RemovedByFilters)} reviews in {FilterRounds} round(s)";
        if (ItemsWithoutMetadata.Sum() > 0) yield return $"{Pair(ItemsWithoutMetadata)} items have no metadata";
        if (TruncatedByMaxLength > 0) yield return $"max length cut {TruncatedByMaxLength} older interactions";
        if (UsersDroppedBySplit > 0) yield return $"{UsersDroppedBySplit} users have no instance in the split";
        if (KuEligibleUsers > 0) yield return $"K_u kept train/valid instances of {KuKeptUsers} of {KuEligibleUsers} non-overlapped users; {UsersRemovedByKu} users removed";
    }

    internal void Finish(CdsrDataset d)
    {
        Users = d.UserCount;
        for (int u = 0; u < d.UserCount; u++)
        {
            var s = d.Sequence(u);
            bool a = false, b = false;
            foreach (var x in s) { if (x.Domain == Domain.A) a = true; else b = true; Interactions[(int)x.Domain]++; }
            if (a && b) OverlappedUsers++; else if (a) OnlyAUsers++; else OnlyBUsers++;
        }
        Items[0] = d.DomainA.Count;
        Items[1] = d.DomainB.Count;
        foreach (var x in d.Instances)
        {
            Instances[(int)x.Part]++;
            if (x.Part == SplitPart.Test) TestTargets[(int)d.Target(x).Domain]++;
        }
    }
}

/// <summary>
/// What a built scenario carries beside its data: the options it was built with, its inputs (with hashes), the
/// counts of every step, and the dataset's content hash (<see cref="Storage.DatasetStore.ContentHash"/>, the same
/// string the dataset folder's own manifest.json carries), so two builds can be compared by one string.
/// Persisted as indented JSON in <c>scenario.json</c> beside the dataset files, version <see cref="CurrentVersion"/>.
/// </summary>
public sealed record ScenarioManifest
{
    public const int CurrentVersion = 1;
    public const string Signature = "cdsr-scenario-manifest";
    public const string FileName = "scenario.json";

    public string Kind { get; init; } = Signature;
    public int Version { get; init; } = CurrentVersion;
    public string Name { get; init; } = "";
    public ScenarioOptions Options { get; init; } = new();
    public IReadOnlyList<ScenarioInput> Inputs { get; init; } = [];
    public ScenarioCounts Counts { get; init; } = new();
    /// <summary>SHA-256 of the dataset content (<see cref="Storage.DatasetStore.ContentHash"/>).</summary>
    public string ContentHash { get; init; } = "";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The options and inputs as a JSON object, for the dataset folder's own manifest ("config", provenance).</summary>
    public System.Text.Json.Nodes.JsonObject ConfigJson() => new()
    {
        ["builder"] = "scenario",
        ["options"] = JsonSerializer.SerializeToNode(Options, Json),
        ["inputs"] = JsonSerializer.SerializeToNode(Inputs, Json),
    };

    public void Write(string path)
    {
        // Temp file + rename: a failed write never leaves a truncated scenario.json beside a good dataset.
        var tmp = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            File.WriteAllText(tmp, JsonSerializer.Serialize(this, Json) + "\n");
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Reads <c>scenario.json</c> of a dataset folder and checks that its content hash is the loaded
    /// dataset's, so a manifest cannot describe other data than the folder holds.</summary>
    public static ScenarioManifest ReadFor(string datasetDirectory, CdsrDataset data)
    {
        string path = System.IO.Path.Combine(datasetDirectory, FileName);
        if (!File.Exists(path)) throw new CdsrDataException($"{path}: file not found (not a folder written by 'cdsr data build')");
        var m = Read(path);
        string actual = Storage.DatasetStore.ContentHash(data);
        if (m.ContentHash != actual)
            throw new CdsrDataException(path, 1, $"content hash {m.ContentHash} does not match the dataset's {actual}");
        return m;
    }

    public static ScenarioManifest Read(string path)
    {
        ScenarioManifest? m;
        try { m = JsonSerializer.Deserialize<ScenarioManifest>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new CdsrDataException(path, (e.LineNumber ?? 0) + 1, "invalid scenario manifest: " + e.Message, e); }
        if (m is null || m.Kind != Signature) throw new CdsrDataException(path, 1, $"not a scenario manifest (kind '{m?.Kind}', expected '{Signature}')");
        if (m.Version != CurrentVersion) throw new CdsrDataException(path, 1, $"scenario manifest version {m.Version}, this build reads version {CurrentVersion}");
        return m;
    }
}
