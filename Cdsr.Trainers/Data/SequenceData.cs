using Cdsr.Data;
using Cdsr.Data.Evaluation;
using Cdsr.Data.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Data;

/// <summary>
/// The sequences a single-sequence model trains and is evaluated on, cut from a <see cref="CdsrDataset"/> under one
/// <see cref="SequenceView"/> and maximum length. Items use the dataset's shared id space (A's ids, then B's offset
/// by |A|; 0 = padding), so one model vocabulary serves every view.
/// <para>
/// Training sequences: for each training instance, the view's interactions of the user's stored sequence up to and
/// including the target (and, for "everything else" splits, the history after it) — duplicates of the same user
/// range are kept once. Every position predicts the next item. Sequences longer than MaxLength + 1 keep their most
/// recent MaxLength + 1 items; sequences with fewer than 2 items of the view give no target and are counted in
/// <see cref="SkippedShort"/>.
/// </para>
/// Evaluation examples: valid/test instances whose target domain the view includes; the history is the view's part of
/// the instance history, truncated to its most recent MaxLength items (it may be empty: the model then scores from
/// padding alone).
/// </summary>
public sealed class SequenceData
{
    private readonly int[][] _train;

    private SequenceData(CdsrDataset dataset, SequenceView view, int maxLength, int[][] train, int skipped, int filtered)
    {
        Dataset = dataset;
        View = view;
        MaxLength = maxLength;
        _train = train;
        SkippedShort = skipped;
        FilteredInstances = filtered;
    }

    public CdsrDataset Dataset { get; }
    public SequenceView View { get; }
    public int MaxLength { get; }

    /// <summary>Largest shared item id (the model's vocabulary is ItemCount + 1 rows, row 0 = padding).</summary>
    public int ItemCount => Dataset.SharedItemCount;

    /// <summary>Training sequences (shared ids, oldest first, at most MaxLength + 1 items).</summary>
    public IReadOnlyList<int[]> TrainSequences => _train;

    /// <summary>Training instances whose view sequence had fewer than 2 items (no next-item target).</summary>
    public int SkippedShort { get; }

    /// <summary>Training instances left out because their target is outside a single-domain view.</summary>
    public int FilteredInstances { get; }

    public static SequenceData Build(CdsrDataset dataset, SequenceView view, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (maxLength < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), $"maximum sequence length must be >= 1, got {maxLength}");
        var seen = new HashSet<(int User, int End)>();
        var train = new List<int[]>();
        int skipped = 0, filtered = 0;
        var buffer = new List<int>();
        var instances = dataset.Instances;
        for (int k = 0; k < instances.Length; k++)
        {
            var x = instances[k];
            if (x.Part != SplitPart.Train) continue;
            var target = dataset.Target(x);
            if (!view.Includes(target.Domain)) { filtered++; continue; }
            int end = Math.Max(x.TargetIndex + 1, x.HistoryEnd);
            if (!seen.Add((x.User, end))) continue;
            buffer.Clear();
            foreach (var y in dataset.Sequence(x.User)[..end])
                if (view.Includes(y.Domain)) buffer.Add(dataset.SharedId(y.Domain, y.Item));
            if (buffer.Count < 2) { skipped++; continue; }
            int keep = Math.Min(buffer.Count, maxLength + 1);
            train.Add(buffer.GetRange(buffer.Count - keep, keep).ToArray());
        }
        return new SequenceData(dataset, view, maxLength, [.. train], skipped, filtered);
    }

    /// <summary>The evaluation examples of <paramref name="part"/> (Valid or Test) that this view evaluates, in instance order.</summary>
    public List<EvalExample> EvalExamples(SplitPart part)
    {
        if (part == SplitPart.Train) throw new ArgumentException("evaluation examples come from the valid or test part", nameof(part));
        var result = new List<EvalExample>();
        var instances = Dataset.Instances;
        var history = new List<int>();
        for (int k = 0; k < instances.Length; k++)
        {
            var x = instances[k];
            if (x.Part != part) continue;
            var target = Dataset.Target(x);
            if (!View.Includes(target.Domain)) continue;
            history.Clear();
            foreach (var y in Dataset.History(x))
                if (View.Includes(y.Domain)) history.Add(Dataset.SharedId(y.Domain, y.Item));
            int keep = Math.Min(history.Count, MaxLength);
            result.Add(new EvalExample(k, history.GetRange(history.Count - keep, keep).ToArray(), target.Domain, target.Item));
        }
        return result;
    }

    /// <summary>Shared-id range [First, First + Count) of a domain's items.</summary>
    public (int First, int Count) DomainRange(Domain domain) =>
        domain == Domain.A ? (1, Dataset.DomainA.Count) : (Dataset.DomainA.Count + 1, Dataset.DomainB.Count);

    /// <summary>Number of batches of one epoch.</summary>
    public int BatchCount(int batchSize) => (_train.Length + batchSize - 1) / batchSize;

    /// <summary>
    /// The training batches of epoch <paramref name="epoch"/> (1-based): the sequences shuffled and the negatives drawn
    /// by a <see cref="SplitMix64"/> stream derived from (<paramref name="seed"/>, epoch) only, so an epoch's batches
    /// are the same whether the run was resumed or not.
    /// </summary>
    /// <param name="lastOnly">Only each sequence's final position is a target (its instance's own target), as AMID's
    /// code trains the baselines whose rows CDSRNP's Table 2 reports; the earlier positions are inputs only.</param>
    public IEnumerable<TrainBatch> TrainBatches(int batchSize, ulong seed, int epoch, bool lastOnly = false)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size must be >= 1, got {batchSize}");
        var order = new int[_train.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var rng = new SplitMix64(SplitMix64.Derive(seed, (ulong)epoch));
        rng.Shuffle(order.AsSpan());
        int countA = Dataset.DomainA.Count, countB = Dataset.DomainB.Count;
        int L = MaxLength;
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int b = Math.Min(batchSize, order.Length - start);
            var inputs = new long[b * L];
            var positives = new long[b * L];
            var negatives = new long[b * L];
            for (int r = 0; r < b; r++)
            {
                var s = _train[order[start + r]];
                int n = s.Length - 1;            // input/target pairs, <= L
                int offset = r * L + (L - n);    // left padding
                for (int t = 0; t < n; t++)
                {
                    int pos = s[t + 1];
                    inputs[offset + t] = s[t];
                    if (lastOnly && t < n - 1) continue;
                    positives[offset + t] = pos;
                    negatives[offset + t] = SampleNegative(ref rng, pos, countA, countB);
                }
            }
            using var scope = NewDisposeScope();
            yield return new TrainBatch(tensor(inputs, [b, L]), tensor(positives, [b, L]), tensor(negatives, [b, L]), b);
        }
    }

    /// <summary>A uniform item of <paramref name="positive"/>'s domain other than the positive (shared ids).</summary>
    private static int SampleNegative(ref SplitMix64 rng, int positive, int countA, int countB)
    {
        bool inA = positive <= countA;
        int first = inA ? 1 : countA + 1, count = inA ? countA : countB;
        if (count < 2) throw new CdsrDataException($"domain {(inA ? "A" : "B")} has {count} item(s): no negative can be sampled");
        int it = first + rng.NextInt(count - 1);  // skip the positive by shifting the upper part
        return it >= positive ? it + 1 : it;
    }

    /// <summary>Left-pads <paramref name="histories"/> into an int64 [B, MaxLength] tensor.</summary>
    public Tensor PadHistories(IReadOnlyList<int[]> histories)
    {
        int L = MaxLength;
        var data = new long[histories.Count * L];
        for (int r = 0; r < histories.Count; r++)
        {
            var h = histories[r];
            if (h.Length > L) throw new ArgumentException($"history {r} has {h.Length} items, more than the maximum length {L}");
            int offset = r * L + (L - h.Length);
            for (int t = 0; t < h.Length; t++) data[offset + t] = h[t];
        }
        return tensor(data, [histories.Count, L]);
    }
}
