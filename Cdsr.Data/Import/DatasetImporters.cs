using Cdsr.Data.Evaluation;
using Cdsr.Data.Model;

namespace Cdsr.Data.Import;

/// <summary>The importers by format name, and the one-call import that also builds the candidate sets.</summary>
public static class DatasetImporters
{
    public static IReadOnlyList<IDatasetImporter> All { get; } =
        [new C2dsrImporter(), new AmidImporter(), new AbxiImporter(), new LlmcdsrImporter()];

    public static IEnumerable<string> Formats => All.Select(i => i.Format);

    public static IDatasetImporter Get(string format) =>
        All.FirstOrDefault(i => string.Equals(i.Format, format, StringComparison.OrdinalIgnoreCase))
        ?? throw new CdsrDataException($"unknown format '{format}' (expected one of: {string.Join(", ", Formats)})");

    /// <summary>Imports <paramref name="directory"/> as <paramref name="format"/> and, unless switched off, draws the
    /// evaluation candidates with the options' (or the source protocol's) negatives and exclusion rule.</summary>
    public static CdsrDataset Import(string format, string directory, ImportOptions? options = null)
    {
        options ??= new ImportOptions();
        options.Validate();
        var importer = Get(format);
        if (!Directory.Exists(directory)) throw new CdsrDataException($"{directory}: input directory not found");
        var data = importer.Import(directory, options);
        if (!options.BuildCandidates) return data;
        var sampler = new CandidateSampler(new CandidateOptions(
            options.Negatives ?? data.Protocol.Negatives,
            options.Exclusion ?? data.Protocol.Exclusion,
            options.Seed,
            options.NegativePool));
        return data.WithCandidates(sampler.Build(data));
    }
}
