using Cdsr.Data;
using Cdsr.Data.Evaluation;
using Cdsr.Data.Model;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Models;

/// <summary>
/// One CDSRNP episode (tensors owned by the episode):
/// <code>
/// query_histories   int64 [Q, L]  mixed histories of Q training instances (left-padded shared ids)
/// query_positives   int64 [Q]     each instance's target (label 1)
/// query_negatives   int64 [Q]     one item of the target's domain other than the target (label 0)
/// support_histories int64 [S, L]  histories of S training instances from the support pool
/// support_items     int64 [S]     their targets (the support set holds positive samples only)
/// </code>
/// The query set is the 2Q samples (Q positive, Q negative: one negative per positive).
/// </summary>
public sealed class CdsrNpEpisode : IEpisode
{
    internal CdsrNpEpisode(Tensor queryHistories, Tensor queryPositives, Tensor queryNegatives, Tensor supportHistories, Tensor supportItems)
    {
        QueryHistories = queryHistories.DetachFromDisposeScope();
        QueryPositives = queryPositives.DetachFromDisposeScope();
        QueryNegatives = queryNegatives.DetachFromDisposeScope();
        SupportHistories = supportHistories.DetachFromDisposeScope();
        SupportItems = supportItems.DetachFromDisposeScope();
    }

    public Tensor QueryHistories { get; }
    public Tensor QueryPositives { get; }
    public Tensor QueryNegatives { get; }
    public Tensor SupportHistories { get; }
    public Tensor SupportItems { get; }

    /// <summary>Query samples: 2 per query instance.</summary>
    public int Samples => 2 * (int)QueryPositives.size(0);

    public void Dispose()
    {
        QueryHistories.Dispose();
        QueryPositives.Dispose();
        QueryNegatives.Dispose();
        SupportHistories.Dispose();
        SupportItems.Dispose();
    }
}

/// <summary>
/// CDSRNP's samples and episodes over a <see cref="SequenceData"/>.
/// <para>
/// A sample is (X_A, X_B, v, y): the history of a training instance (the view's part of it, the most recent
/// MaxLength items, exactly as the evaluator forms valid/test histories), a candidate v and its label. Each training
/// instance gives one positive sample (v = its target, the next item of the user's target-domain sequence) and, per
/// epoch, one negative (v uniform over the target's domain, never the target). With
/// <see cref="CdsrNpTrainSamples.AllPrefixes"/> every earlier item of the target's domain in the instance's sequence is
/// also a positive sample, its history being what the instance showed at that point: the items before it and, for
/// "everything else" histories (AMID's rows), the other domain's later items too. Each (user, position) is a sample once,
/// whichever instances reach it.
/// </para>
/// <para>
/// An epoch visits every training instance once as a query instance: the instances are shuffled and cut into episodes of
/// <see cref="CdsrNpOptions.QueryPositives"/> (the last episode may be smaller); each episode draws its support set,
/// <see cref="CdsrNpOptions.SupportSize"/> distinct positive samples, uniformly from the support pool. The pool is the
/// training instances of overlapped users — users whose stored sequence has interactions in both domains — or, with
/// <see cref="CdsrNpSupportPool.AllUsers"/> (the paper's "all user" ablation), every training instance.
/// Every draw comes from a <see cref="SplitMix64"/> stream derived from (seed, epoch).
/// </para>
/// </summary>
public sealed class CdsrNpSamples
{
    private readonly SequenceData _data;
    private readonly int[][] _histories;
    private readonly int[] _targets;
    private readonly int[] _pool;

    public CdsrNpSamples(SequenceData data, CdsrNpSupportPool pool, CdsrNpTrainSamples kind = CdsrNpTrainSamples.Final)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        var dataset = data.Dataset;
        var histories = new List<int[]>();
        var targets = new List<int>();
        var users = new List<int>();
        var buffer = new List<int>();
        var seen = new HashSet<(int User, int Position)>();
        var instances = dataset.Instances;
        void Add(List<int> history, int user, Interaction target)
        {
            int keep = Math.Min(history.Count, data.MaxLength);
            histories.Add(history.GetRange(history.Count - keep, keep).ToArray());
            targets.Add(dataset.SharedId(target.Domain, target.Item));
            users.Add(user);
        }
        for (int k = 0; k < instances.Length; k++)
        {
            var x = instances[k];
            if (x.Part != SplitPart.Train) continue;
            var target = dataset.Target(x);
            if (!data.View.Includes(target.Domain)) continue;
            seen.Add((x.User, x.TargetIndex));
            buffer.Clear();
            foreach (var y in dataset.History(x))
                if (data.View.Includes(y.Domain)) buffer.Add(dataset.SharedId(y.Domain, y.Item));
            Add(buffer, x.User, target);
        }
        // Earlier items j of the target's domain, each with the history the instance showed at j: everything before j,
        // plus, where the instance's history is "everything else" (AMID's rows: the other domain's whole sequence), the
        // other domain's items after j. A position that is some instance's own target, or was reached already, is not
        // added again; positions without any history are skipped, as SASRec has no input there.
        for (int k = 0; kind == CdsrNpTrainSamples.AllPrefixes && k < instances.Length; k++)
        {
            var x = instances[k];
            if (x.Part != SplitPart.Train) continue;
            var target = dataset.Target(x);
            if (!data.View.Includes(target.Domain)) continue;
            var sequence = dataset.Sequence(x.User);
            bool everythingElse = x.HistoryEnd > x.TargetIndex;
            int end = Math.Max(x.TargetIndex + 1, x.HistoryEnd);
            for (int j = 0; j < x.TargetIndex; j++)
            {
                var at = sequence[j];
                if (at.Domain != target.Domain || !seen.Add((x.User, j))) continue;
                buffer.Clear();
                for (int p = 0; p < end; p++)
                {
                    var y = sequence[p];
                    if (p == j || p == x.TargetIndex || !data.View.Includes(y.Domain)) continue;
                    if (p < j || (everythingElse && y.Domain != target.Domain)) buffer.Add(dataset.SharedId(y.Domain, y.Item));
                }
                if (buffer.Count > 0) Add(buffer, x.User, at);
            }
        }
        if (targets.Count == 0)
            throw new CdsrDataException($"dataset {dataset.Name}: no training instance with a target in view {data.View.Name()}: CDSRNP has no sample to train on");
        _histories = [.. histories];
        _targets = [.. targets];
        Users = [.. users];
        // Overlapped = the user's training instances (history and target) reach both domains. Valid and test items do
        // not count: a user whose only B item is a test target is single-domain for training purposes.
        var seenA = new bool[dataset.UserCount];
        var seenB = new bool[dataset.UserCount];
        for (int k = 0; k < instances.Length; k++)
        {
            var x = instances[k];
            if (x.Part != SplitPart.Train) continue;
            var h = dataset.History(x);
            if (dataset.Target(x).Domain == Domain.A || h.CountIn(Domain.A) > 0) seenA[x.User] = true;
            if (dataset.Target(x).Domain == Domain.B || h.CountIn(Domain.B) > 0) seenB[x.User] = true;
        }
        var overlapped = new bool[dataset.UserCount];
        for (int u = 0; u < overlapped.Length; u++) overlapped[u] = seenA[u] && seenB[u];
        IsOverlapped = overlapped;
        _pool = Enumerable.Range(0, _targets.Length).Where(i => pool == CdsrNpSupportPool.AllUsers || overlapped[Users[i]]).ToArray();
        if (_pool.Length == 0)
            throw new CdsrDataException($"dataset {dataset.Name}: no training instance of an overlapped user (interactions in both domains) " +
                "for CDSRNP's support set; use support_pool=all_users");
    }

    /// <summary>Training samples (one per training instance of the view).</summary>
    public int Count => _targets.Length;

    /// <summary>The support pool: indices of the samples a support set may draw.</summary>
    public IReadOnlyList<int> Pool => _pool;

    /// <summary>User (dataset index) of each sample.</summary>
    public int[] Users { get; }

    /// <summary>Per dataset user: true when the user's sequence has interactions in both domains.</summary>
    public bool[] IsOverlapped { get; }

    /// <summary>Episodes of one epoch.</summary>
    public int EpisodeCount(int queryPositives) => (Count + queryPositives - 1) / queryPositives;

    /// <summary><paramref name="size"/> distinct pool samples (all of the pool when it is smaller), drawn by <paramref name="rng"/>.</summary>
    public int[] DrawSupport(ref SplitMix64 rng, int size)
    {
        int n = Math.Min(size, _pool.Length);
        var chosen = new int[n];
        var taken = new HashSet<int>();
        for (int i = 0; i < n; i++)
        {
            int j;
            do j = rng.NextInt(_pool.Length); while (!taken.Add(j));
            chosen[i] = _pool[j];
        }
        return chosen;
    }

    /// <summary>Histories [n, L] and targets [n] of the given samples.</summary>
    public (Tensor Histories, Tensor Targets) Tensors(IReadOnlyList<int> samples) =>
        (_data.PadHistories(samples.Select(i => _histories[i]).ToList()), tensor(samples.Select(i => (long)_targets[i]).ToArray(), [samples.Count]));

    /// <summary>The episodes of epoch <paramref name="epoch"/> (1-based), from (<paramref name="seed"/>, epoch) only.</summary>
    public IEnumerable<CdsrNpEpisode> Episodes(ulong seed, int epoch, int queryPositives, int supportSize)
    {
        var order = new int[Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var rng = new SplitMix64(SplitMix64.Derive(SplitMix64.Derive(seed, 0xC05D_5A9E), (ulong)epoch));
        rng.Shuffle(order.AsSpan());
        for (int start = 0; start < order.Length; start += queryPositives)
        {
            var query = order.AsSpan(start, Math.Min(queryPositives, order.Length - start)).ToArray();
            var negatives = new long[query.Length];
            for (int i = 0; i < query.Length; i++) negatives[i] = SampleNegative(ref rng, _targets[query[i]]);
            var support = DrawSupport(ref rng, supportSize);
            using var scope = NewDisposeScope();
            var (qh, qp) = Tensors(query);
            var (sh, si) = Tensors(support);
            yield return new CdsrNpEpisode(qh, qp, tensor(negatives, [query.Length]), sh, si);
        }
    }

    /// <summary>A uniform item of <paramref name="positive"/>'s domain other than the positive (shared ids).</summary>
    private long SampleNegative(ref SplitMix64 rng, int positive)
    {
        var (first, count) = _data.DomainRange(positive <= _data.Dataset.DomainA.Count ? Domain.A : Domain.B);
        if (count < 2) throw new CdsrDataException($"dataset {_data.Dataset.Name}: a domain has {count} item(s): no negative can be sampled");
        int it = first + rng.NextInt(count - 1);
        return it >= positive ? it + 1 : it;
    }
}
