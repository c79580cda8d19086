using Cdsr.Data.Model;
using Cdsr.Data.Raw;

namespace Cdsr.Data.Scenario;

/// <summary>Raw dump formats a scenario can be built from.</summary>
public enum RawFormat
{
    /// <summary>Amazon Review Data 2018: review and metadata JSON lines.</summary>
    Amazon2018,
    /// <summary>Amazon product data 2014: review JSON lines, metadata as Python dict literals.</summary>
    Amazon2014,
    /// <summary>Ratings-only CSV (<c>user,item,rating,timestamp</c>); metadata, if given, as 2018 JSON lines.</summary>
    Csv,
}

/// <summary>The files of a two-domain raw scenario (plain or gzip, detected by the readers).</summary>
public sealed record RawScenarioFiles(RawFormat Format, string ReviewsA, string ReviewsB, string? MetaA = null, string? MetaB = null);

/// <summary>Builds a scenario straight from raw files through the <see cref="Cdsr.Data.Raw"/> readers (strict: the
/// first bad line is an error naming file and line). Metadata lines repeating an ASIN keep the first entry and are
/// counted in the manifest.</summary>
public static class RawScenario
{
    public static string FormatName(RawFormat f) => f switch
    {
        RawFormat.Amazon2018 => "amazon2018",
        RawFormat.Amazon2014 => "amazon2014",
        RawFormat.Csv => "csv",
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, "unknown raw format"),
    };

    /// <summary>Parses "amazon2018", "amazon2014" or "csv".</summary>
    public static RawFormat ParseFormat(string name) => name switch
    {
        "amazon2018" => RawFormat.Amazon2018,
        "amazon2014" => RawFormat.Amazon2014,
        "csv" => RawFormat.Csv,
        _ => throw new CdsrDataException($"unknown raw format '{name}' (expected amazon2018, amazon2014 or csv)"),
    };

    public static ScenarioResult Build(ScenarioOptions options, RawScenarioFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        options.Validate();
        if ((files.MetaA is null) != (files.MetaB is null))
            throw new CdsrDataException("metadata: give both domains' metadata files or neither");
        string format = FormatName(files.Format);
        var inputs = new List<ScenarioInput>();
        foreach (var (role, path) in new[] { ("reviews-a", files.ReviewsA), ("reviews-b", files.ReviewsB), ("meta-a", files.MetaA), ("meta-b", files.MetaB) })
        {
            if (path is null) continue;
            if (!File.Exists(path)) throw new CdsrDataException($"{path}: {role} file not found");
            inputs.Add(ScenarioInput.Of(role, path, format));
        }

        int[] duplicateMeta = new int[2];
        var metaA = files.MetaA is null ? null : ReadMeta(files.Format, files.MetaA, ref duplicateMeta[0]);
        var metaB = files.MetaB is null ? null : ReadMeta(files.Format, files.MetaB, ref duplicateMeta[1]);
        var result = ScenarioBuilder.Build(options, Reviews(files.Format, files.ReviewsA), Reviews(files.Format, files.ReviewsB), metaA, metaB, inputs);
        duplicateMeta.CopyTo(result.Manifest.Counts.DuplicateMetadata, 0);
        return result;
    }

    private static IEnumerable<RawEvent> Reviews(RawFormat format, string path)
    {
        RawReader<RawReview> reader = format switch
        {
            RawFormat.Amazon2018 => new Amazon2018ReviewReader(path),
            RawFormat.Amazon2014 => new Amazon2014ReviewReader(path),
            _ => new RatingsCsvReader(path),
        };
        foreach (var r in reader.Read()) yield return new RawEvent(r.UserId, r.ItemId, r.Timestamp);
    }

    private static Dictionary<string, ItemInfo> ReadMeta(RawFormat format, string path, ref int duplicates)
    {
        RawReader<RawItemMeta> reader = format == RawFormat.Amazon2014 ? new Amazon2014MetaReader(path) : new Amazon2018MetaReader(path);
        var map = new Dictionary<string, ItemInfo>(StringComparer.Ordinal);
        foreach (var m in reader.Read())
        {
            var info = new ItemInfo(m.ItemId, m.Title, m.Brand, m.Categories.Count == 0 ? null : m.Categories, m.Description, m.ImageUrl);
            if (!map.TryAdd(m.ItemId, info)) duplicates++;
        }
        return map;
    }
}
