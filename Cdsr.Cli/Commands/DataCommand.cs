using System.CommandLine;

namespace Cdsr.Cli.Commands;

/// <summary><c>cdsr data ...</c>: dataset import, statistics (and, from other areas, build/generate).</summary>
public static class DataCommand
{
    /// <summary>Factories of the <c>data</c> subcommands; a new subcommand adds one line here.</summary>
    public static readonly IReadOnlyList<Func<CliContext, Command>> Subcommands =
    [
        DataImportCommand.Create,
        DataStatsCommand.Create,
        GenerateCommand.Create,
        BuildCommand.Create,
    ];

    public static Command Create(CliContext context)
    {
        var data = new Command("data", "Import, inspect and build cross-domain datasets");
        foreach (var create in Subcommands) data.Subcommands.Add(create(context));
        return data;
    }
}
