using System.CommandLine;
using Cdsr.Data.Import;
using Cdsr.Data.Model;

namespace Cdsr.Cli.Commands;

/// <summary>The options that name an import source and its candidate settings, shared by <c>data import</c> and
/// <c>data stats</c>.</summary>
internal sealed class ImportSourceOptions
{
    public Option<string> Format { get; } = new("--format") { Description = $"Release format: {string.Join("|", DatasetImporters.Formats)}" };
    public Option<DirectoryInfo> Input { get; } = new("--input") { Description = "Folder of the release files" };
    public Option<int?> Negatives { get; } = new("--negatives") { Description = "Sampled negatives per valid/test instance: 100 or 999 (0 = full ranking); default: the release's protocol" };
    public Option<string?> Exclude { get; } = new("--exclude") { Description = "Never sample as negatives: history (the user's items) or target (only the target); default: the release's protocol" };
    public Option<string> NegativePool { get; } = new("--negative-pool")
    {
        Description = "Draw negatives from: domain (every item of the target's domain) or split-items (the items of the instance's valid/test part, as AMID's code draws them from the test file)",
        DefaultValueFactory = _ => "domain",
    };
    public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of the candidate sampler and of AMID's validation carving", DefaultValueFactory = _ => 42UL };
    public Option<int> Ku { get; } = new("--ku") { Description = "AMID only: training file K_u, 25 or 75", DefaultValueFactory = _ => 25 };

    public ImportSourceOptions(bool required)
    {
        Format.Required = required;
        Input.Required = required;
        Format.AcceptOnlyFromAmong([.. DatasetImporters.Formats]);
        Exclude.AcceptOnlyFromAmong("history", "target");
        NegativePool.AcceptOnlyFromAmong("domain", "split-items");
        Negatives.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } n && n is not (0 or 100 or 999))
                r.AddError($"--negatives must be 100 or 999 (or 0 for full ranking), got {n}");
        });
        Ku.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is var k && k is not (25 or 75)) r.AddError($"--ku must be 25 or 75, got {k}");
        });
    }

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Format, Input, Negatives, Exclude, NegativePool, Seed, Ku }) command.Options.Add(o);
    }

    public ImportOptions Options(ParseResult p, bool candidates = true) => new()
    {
        Negatives = p.GetValue(Negatives),
        Exclusion = p.GetValue(Exclude) switch
        {
            "history" => NegativeExclusion.History,
            "target" => NegativeExclusion.Target,
            _ => null,
        },
        NegativePool = p.GetValue(NegativePool) == "split-items" ? CandidatePool.SplitItems : CandidatePool.Domain,
        Seed = p.GetValue(Seed),
        AmidKu = p.GetValue(Ku),
        BuildCandidates = candidates,
    };

    /// <summary>Imports the source named by --format/--input.</summary>
    public CdsrDataset Import(ParseResult p, bool candidates = true)
    {
        var format = p.GetValue(Format) ?? throw new CliException("--format is required", 2);
        var input = p.GetValue(Input) ?? throw new CliException("--input is required", 2);
        if (!input.Exists) throw new CliException($"{input.FullName}: input directory not found");
        return DatasetImporters.Import(format, input.FullName, Options(p, candidates));
    }
}
