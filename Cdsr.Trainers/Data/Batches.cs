using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Data;

/// <summary>
/// One training batch of next-item prediction, every tensor int64 [B, L] of shared item ids (0 = padding),
/// left-padded so the most recent interaction sits at position L - 1:
/// <c>Inputs[b, t]</c> is the t-th input item, <c>Positives[b, t]</c> the item that followed it (0 where there is
/// no target), <c>Negatives[b, t]</c> one item sampled from the positive's domain, never the positive (0 where the
/// positive is 0). The batch owns its tensors.
/// </summary>
public sealed class TrainBatch : IDisposable
{
    public TrainBatch(Tensor inputs, Tensor positives, Tensor negatives, int sequences)
    {
        Inputs = inputs.DetachFromDisposeScope();
        Positives = positives.DetachFromDisposeScope();
        Negatives = negatives.DetachFromDisposeScope();
        Sequences = sequences;
    }

    /// <summary>[B, L] input items.</summary>
    public Tensor Inputs { get; }
    /// <summary>[B, L] next items (targets), 0 = no target at this position.</summary>
    public Tensor Positives { get; }
    /// <summary>[B, L] one sampled negative per target position.</summary>
    public Tensor Negatives { get; }
    /// <summary>Number of sequences (B).</summary>
    public int Sequences { get; }

    public void Dispose()
    {
        Inputs.Dispose();
        Positives.Dispose();
        Negatives.Dispose();
    }
}

/// <summary>One valid/test instance ready for scoring: its history as shared ids (oldest first, at most MaxLength,
/// not padded), its target and the target's domain.</summary>
/// <param name="Instance">Index into <see cref="Cdsr.Data.Model.CdsrDataset.Instances"/>.</param>
/// <param name="History">Shared item ids the model sees, oldest first (already truncated to the most recent MaxLength).</param>
/// <param name="TargetLocal">The target's id inside its domain (1..n).</param>
public sealed record EvalExample(int Instance, int[] History, Cdsr.Data.Model.Domain TargetDomain, int TargetLocal);
