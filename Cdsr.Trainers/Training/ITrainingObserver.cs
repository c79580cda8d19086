using System.Globalization;
using Cdsr.Trainers.Evaluation;

namespace Cdsr.Trainers.Training;

/// <summary>One finished epoch: mean training loss, wall time, and the validation result when it was evaluated.</summary>
public sealed record EpochRecord(int Epoch, double Loss, double Seconds, double SequencesPerSecond, EvaluationResult? Valid, bool Improved);

/// <summary>Receives training progress (a terminal progress bar, plain log lines, or nothing).</summary>
public interface ITrainingObserver
{
    void EpochStarted(int epoch, int totalEpochs, int batches);
    void BatchCompleted(int epoch, int batch, int batches, double loss, double sequencesPerSecond);
    void EpochCompleted(EpochRecord record, int totalEpochs, TimeSpan eta);
    void Message(string line);
}

/// <summary>Plain log lines (one per epoch and message) for non-interactive output.</summary>
public sealed class PlainLogObserver(TextWriter writer, string metric = "NDCG@10") : ITrainingObserver
{
    public void EpochStarted(int epoch, int totalEpochs, int batches) { }

    public void BatchCompleted(int epoch, int batch, int batches, double loss, double sequencesPerSecond) { }

    public void EpochCompleted(EpochRecord r, int totalEpochs, TimeSpan eta)
    {
        var inv = CultureInfo.InvariantCulture;
        var line = string.Create(inv, $"epoch {r.Epoch}/{totalEpochs} loss {r.Loss:0.0000} {r.SequencesPerSecond:0} seq/s {r.Seconds:0.0}s");
        if (r.Valid is { } v && v.Overall.Values.TryGetValue(metric, out var m))
            line += string.Create(inv, $" valid {metric} {m:0.0000}{(r.Improved ? " *" : "")}");
        line += $" eta {eta:hh\\:mm\\:ss}";
        writer.WriteLine(line);
        writer.Flush();
    }

    public void Message(string line)
    {
        writer.WriteLine(line);
        writer.Flush();
    }
}

/// <summary>Discards progress.</summary>
public sealed class NullObserver : ITrainingObserver
{
    public static readonly NullObserver Instance = new();
    public void EpochStarted(int epoch, int totalEpochs, int batches) { }
    public void BatchCompleted(int epoch, int batch, int batches, double loss, double sequencesPerSecond) { }
    public void EpochCompleted(EpochRecord record, int totalEpochs, TimeSpan eta) { }
    public void Message(string line) { }
}
