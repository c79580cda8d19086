using System.Globalization;
using Cdsr.Trainers.Training;
using Spectre.Console;

namespace Cdsr.Cli.Commands;

/// <summary>Runs training with a Spectre.Console progress display (loss, throughput, ETA) when the output is an
/// interactive terminal, and plain log lines otherwise (or nothing with --quiet).</summary>
internal static class TrainProgress
{
    public static T Run<T>(CliContext context, bool quiet, string metric, Func<ITrainingObserver, T> train)
    {
        if (quiet) return train(NullObserver.Instance);
        bool terminal = ReferenceEquals(context.Out, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!terminal) return train(new PlainLogObserver(context.Out, metric));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx => result = train(new SpectreObserver(ctx, metric)));
        return result;
    }

    private sealed class SpectreObserver(ProgressContext ctx, string metric) : ITrainingObserver
    {
        private ProgressTask? _epochs;
        private ProgressTask? _batches;

        public void EpochStarted(int epoch, int totalEpochs, int batches)
        {
            _epochs ??= ctx.AddTask("epochs", maxValue: totalEpochs);
            _epochs.Value = epoch - 1;
            _batches ??= ctx.AddTask($"epoch {epoch}", maxValue: batches);
            _batches.MaxValue = batches;
            _batches.Value = 0;
            _batches.Description = $"epoch {epoch}";
        }

        public void BatchCompleted(int epoch, int batch, int batches, double loss, double sequencesPerSecond)
        {
            if (_batches is null) return;
            _batches.Value = batch;
            _batches.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {epoch} loss {loss:0.0000} {sequencesPerSecond:0} seq/s");
        }

        public void EpochCompleted(EpochRecord r, int totalEpochs, TimeSpan eta)
        {
            if (_epochs is not null) _epochs.Value = r.Epoch;
            var line = string.Create(CultureInfo.InvariantCulture, $"epoch {r.Epoch} loss {r.Loss:0.0000}");
            if (r.Valid is { } v && v.Overall.Values.TryGetValue(metric, out var m))
                line += string.Create(CultureInfo.InvariantCulture, $" valid {metric} {m:0.0000}{(r.Improved ? " *" : "")}");
            if (_epochs is not null) _epochs.Description = Markup.Escape(line);
        }

        public void Message(string line) => AnsiConsole.MarkupLine(Markup.Escape(line));
    }
}
