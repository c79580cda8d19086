using System.CommandLine;
using Cdsr.Data.Model;
using Cdsr.Data.Storage;

namespace Cdsr.Cli.Commands;

/// <summary><c>cdsr data import --format F --input DIR --out DIR [--negatives 100|999] [--exclude history|target] [--negative-pool domain|split-items] [--seed S]</c>:
/// imports a benchmark release, draws its evaluation candidates and writes a dataset folder (manifest + Parquet).</summary>
public static class DataImportCommand
{
    public static Command Create(CliContext context)
    {
        var source = new ImportSourceOptions(required: true);
        var output = new Option<DirectoryInfo>("--out") { Description = "Dataset folder to write (manifest.json + Parquet tables)", Required = true };
        var cmd = new Command("import", "Import a benchmark release into a dataset folder");
        source.AddTo(cmd);
        cmd.Options.Add(output);
        cmd.SetAction(p =>
        {
            var data = source.Import(p);
            var dir = p.GetValue(output)!;
            var o = source.Options(p);
            var config = new System.Text.Json.Nodes.JsonObject
            {
                ["command"] = "data import",
                ["format"] = p.GetValue(source.Format),
                ["input"] = p.GetValue(source.Input)!.FullName,
                ["negatives"] = data.Candidates?.Negatives,
                ["exclude"] = data.Candidates?.Exclusion.ToString().ToLowerInvariant(),
                ["negative_pool"] = data.Candidates?.Pool == CandidatePool.SplitItems ? "split-items" : "domain",
                ["seed"] = o.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["amid_ku"] = data.SourceFormat == "amid" ? o.AmidKu : null,
                ["amid_valid_fraction"] = data.SourceFormat == "amid" ? o.AmidValidFraction : null,
            };
            DatasetStore.Write(data, dir.FullName, config: config);
            var c = data.Candidates;
            context.Out.WriteLine($"imported {data.Name} ({data.SourceFormat}): {data.UserCount:N0} users, {data.InteractionCount:N0} interactions, " +
                $"{data.Instances.Length:N0} instances, items {data.DomainA.Name} {data.DomainA.Count:N0} / {data.DomainB.Name} {data.DomainB.Count:N0}");
            if (c is not null)
                context.Out.WriteLine(c.IsFullRanking
                    ? $"candidates: full ranking for {c.RowCount:N0} valid/test instances (exclude {c.Exclusion.ToString().ToLowerInvariant()})"
                    : $"candidates: {c.RowCount:N0} valid/test instances x (1 target + {c.Negatives} negatives), exclude {c.Exclusion.ToString().ToLowerInvariant()}" +
                      $"{(c.Pool == CandidatePool.SplitItems ? ", from the split part's items" : "")}, seed {c.Seed}");
            foreach (var n in data.Notes) context.Out.WriteLine("note: " + n);
            context.Out.WriteLine($"wrote {dir.FullName}");
            return 0;
        });
        return cmd;
    }
}
