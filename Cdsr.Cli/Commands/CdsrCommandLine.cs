using System.CommandLine;
using Cdsr.Data;

namespace Cdsr.Cli.Commands;

/// <summary>
/// The <c>cdsr</c> command tree. Top-level commands come from <see cref="TopLevel"/>; each area (e.g.
/// <see cref="DataCommand"/>) keeps its own list of subcommand factories, so adding a subcommand is one file in
/// Commands/ plus one line in that list.
/// Exit codes: 0 success, 1 a data or I/O error, 2 a usage error (unknown option, missing or bad value).
/// Errors are one line on stderr ("cdsr: error: ..."), never a stack trace.
/// </summary>
public static class CdsrCommandLine
{
    /// <summary>Factories of the top-level commands.</summary>
    public static readonly IReadOnlyList<Func<CliContext, Command>> TopLevel =
    [
        DataCommand.Create,
        TrainCommand.Create,
        EvaluateCommand.Create,
        RunsCommand.Create,
        EmbedCommand.Create,
        ExportCommand.Create, ScoreCommand.Create,
    ];

    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("cdsr: cross-domain sequential recommendation toolkit");
        foreach (var create in TopLevel) root.Subcommands.Add(create(context));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var context = new CliContext(output, error);
        try
        {
            var parse = Build(context).Parse(args);
            if (parse.Errors.Count > 0)
            {
                error.WriteLine($"cdsr: error: {Flatten(parse.Errors[0].Message)} (see 'cdsr --help')");
                return 2;
            }
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            error.WriteLine($"cdsr: error: {OneLine(e)}");
            return e switch
            {
                CliException c => c.ExitCode,
                _ => 1,
            };
        }
    }

    private static string OneLine(Exception e)
    {
        // Unwrap reflection/aggregate wrappers; keep the innermost message that says what happened.
        while (e is System.Reflection.TargetInvocationException or AggregateException && e.InnerException is not null) e = e.InnerException;
        string prefix = e switch
        {
            CdsrDataException or CliException or IOException or InvalidDataException
                or Cdsr.Data.Raw.RawDataException or Cdsr.Trainers.Training.CdsrRunException => "",
            UnauthorizedAccessException => "access denied: ",
            _ => e.GetType().Name + ": ",
        };
        return prefix + Flatten(e.Message);
    }

    /// <summary>Joins a multi-line message into one line (System.CommandLine lists allowed values on separate lines).</summary>
    private static string Flatten(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message.Trim(), @"\s*[\r\n]+\s*", " ");
}
