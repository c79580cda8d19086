using System.CommandLine;
using Cdsr.Data.Stats;
using Cdsr.Data.Storage;

namespace Cdsr.Cli.Commands;

/// <summary><c>cdsr data stats --data DIR</c> (a dataset folder) or <c>cdsr data stats --format F --input DIR</c>
/// (a release, imported on the fly): prints the statistics table.</summary>
public static class DataStatsCommand
{
    public static Command Create(CliContext context)
    {
        var source = new ImportSourceOptions(required: false);
        var data = new Option<DirectoryInfo?>("--data") { Description = "Dataset folder written by 'cdsr data import'" };
        var cmd = new Command("stats", "Print users, items, interactions, overlap, lengths, density and the split of a dataset");
        cmd.Options.Add(data);
        source.AddTo(cmd);
        cmd.SetAction(p =>
        {
            var dir = p.GetValue(data);
            bool hasSource = p.GetValue(source.Format) is not null || p.GetValue(source.Input) is not null;
            if (dir is not null == hasSource)
                throw new CliException("give either --data <dataset folder> or --format <format> --input <release folder>", 2);
            var dataset = dir is not null
                ? (dir.Exists ? DatasetStore.Read(dir.FullName) : throw new CliException($"{dir.FullName}: dataset folder not found"))
                : source.Import(p, candidates: false);
            context.Out.Write(StatisticsReport.Format(DatasetStatistics.Compute(dataset), dataset.Notes));
            return 0;
        });
        return cmd;
    }
}
