using System.CommandLine;

namespace Cdsr.Cli.Commands;

/// <summary><c>cdsr embed ...</c>: item semantics (text embeddings of items, embedding plots).</summary>
public static class EmbedCommand
{
    /// <summary>Factories of the <c>embed</c> subcommands; a new subcommand adds one line here.</summary>
    public static readonly IReadOnlyList<Func<CliContext, Command>> Subcommands =
    [
        EmbedItemsCommand.Create,
        EmbedPlotCommand.Create,
    ];

    public static Command Create(CliContext context)
    {
        var embed = new Command("embed", "Embed item texts (GloVe offline, OpenAI-compatible APIs, local ONNX encoders) and plot them");
        foreach (var create in Subcommands) embed.Subcommands.Add(create(context));
        return embed;
    }

    /// <summary>Runs <paramref name="body"/>, turning the semantics layer's errors into one-line CLI errors.</summary>
    internal static int Guard(Func<int> body)
    {
        try { return body(); }
        catch (Cdsr.Semantics.SemanticsException e) { throw new CliException(e.Message); }
        catch (AggregateException e) when (e.InnerException is Cdsr.Semantics.SemanticsException s) { throw new CliException(s.Message); }
    }
}
