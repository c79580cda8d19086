using System.Globalization;
using System.Text.Json.Nodes;
using Cdsr.Data;
using Cdsr.Data.Evaluation;
using Cdsr.Data.Model;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Evaluation;

/// <summary>How <see cref="Evaluator"/> ranks.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Cut-offs K of HR@K and NDCG@K (default 1, 5, 10).</summary>
    public IReadOnlyList<int> Cutoffs { get; init; } = [1, 5, 10];

    /// <summary>null: the dataset's persisted candidate rows as stored (e.g. 999 negatives); 0: full ranking over the
    /// target's whole domain; n &gt; 0: the first n negatives of each persisted row (rows are drawn uniformly without
    /// replacement in random order, so their first n are a uniform sample of n; e.g. 100 out of 999).</summary>
    public int? Negatives { get; init; }

    /// <summary>Instances scored per forward pass.</summary>
    public int BatchSize { get; init; } = 256;
}

/// <summary>Mean metrics over <see cref="Count"/> instances, keyed "HR@K", "NDCG@K", "MRR".</summary>
public sealed record MetricSet(long Count, IReadOnlyDictionary<string, double> Values)
{
    public double this[string metric] => Values.TryGetValue(metric, out var v) ? v
        : throw new KeyNotFoundException($"metric '{metric}' was not computed (have {string.Join(", ", Values.Keys)})");

    public JsonObject ToJson()
    {
        var o = new JsonObject { ["count"] = Count };
        foreach (var (k, v) in Values) o[k] = double.IsNaN(v) ? null : v;
        return o;
    }

    public static MetricSet FromJson(JsonObject o)
    {
        long count = o["count"]?.GetValue<long>() ?? throw new FormatException("metrics without 'count'");
        var values = new Dictionary<string, double>();
        foreach (var (k, v) in o) if (k != "count") values[k] = v is null ? double.NaN : v.GetValue<double>();
        return new MetricSet(count, values);
    }
}

/// <summary>Metrics of one split: overall and per target domain (keyed by the domain's name, e.g. "Food").</summary>
/// <param name="UserGroups">Per target domain and user group, keyed "Sport, single-domain users" / "Sport, overlapped
/// users": a user is single-domain when the instance's history (both domains, whatever the model's view) has no item of
/// the other domain, as CDSRNP's Table 4 splits them. Empty groups are left out; null in results written before
/// groups were reported.</param>
public sealed record EvaluationResult(string Split, string Mode, MetricSet Overall, IReadOnlyDictionary<string, MetricSet> PerDomain,
    IReadOnlyDictionary<string, MetricSet>? UserGroups = null)
{
    public JsonObject ToJson()
    {
        var domains = new JsonObject();
        foreach (var (k, v) in PerDomain) domains[k] = v.ToJson();
        var o = new JsonObject { ["split"] = Split, ["mode"] = Mode, ["overall"] = Overall.ToJson(), ["domains"] = domains };
        if (UserGroups is not null)
        {
            var groups = new JsonObject();
            foreach (var (k, v) in UserGroups) groups[k] = v.ToJson();
            o["user_groups"] = groups;
        }
        return o;
    }

    public static EvaluationResult FromJson(JsonObject o)
    {
        string Str(string key) => o[key]?.GetValue<string>() ?? throw new FormatException($"evaluation result without '{key}'");
        var per = new Dictionary<string, MetricSet>();
        if (o["domains"] is JsonObject d)
            foreach (var (k, v) in d) per[k] = MetricSet.FromJson(v as JsonObject ?? throw new FormatException($"domain '{k}' is not an object"));
        Dictionary<string, MetricSet>? groups = null;
        if (o["user_groups"] is JsonObject g)
        {
            groups = [];
            foreach (var (k, v) in g) groups[k] = MetricSet.FromJson(v as JsonObject ?? throw new FormatException($"user group '{k}' is not an object"));
        }
        return new EvaluationResult(Str("split"), Str("mode"),
            MetricSet.FromJson(o["overall"] as JsonObject ?? throw new FormatException("evaluation result without 'overall'")), per, groups);
    }

    /// <summary>Plain-text table: rows = overall and each domain, columns = metrics.</summary>
    public string Format()
    {
        var metrics = Overall.Values.Keys.ToList();
        var rows = new List<(string Name, MetricSet Set)> { ("overall", Overall) };
        rows.AddRange(PerDomain.Select(kv => (kv.Key, kv.Value)));
        if (UserGroups is not null) rows.AddRange(UserGroups.Select(kv => (kv.Key, kv.Value)));
        int width = Math.Max(10, rows.Max(r => r.Name.Length));
        var sb = new System.Text.StringBuilder();
        sb.AppendLine($"{Split} ({Mode})");
        sb.Append(new string(' ', width)).Append($" {"n",7}");
        foreach (var m in metrics) sb.Append($" {m,8}");
        sb.AppendLine();
        foreach (var (name, set) in rows)
        {
            sb.Append(name.PadRight(width)).Append($" {set.Count,7}");
            foreach (var m in metrics) sb.Append(' ').Append(set.Values[m].ToString("0.0000", CultureInfo.InvariantCulture).PadLeft(8));
            sb.AppendLine();
        }
        return sb.ToString();
    }
}

/// <summary>
/// Ranks each valid/test target among candidates with <see cref="SequentialRecommender.Score"/> and averages HR@K,
/// NDCG@K and MRR, overall and per target domain.
/// <list type="bullet">
/// <item>Sampled mode: the target against the negatives of its persisted candidate row (the dataset's
/// <see cref="CandidateSets"/>), all of the target's domain.</item>
/// <item>Full mode: the target against every item of its domain, except the items the protocol excludes
/// (<see cref="CandidateSets.Excluded"/>: the user's other items of that domain under History exclusion).</item>
/// </list>
/// Ties are pessimistic (<see cref="RankingMetrics.PessimisticRank"/>): a target whose score equals a competitor's ranks
/// below it, so a constant scorer gets the worst rank. Evaluation runs in eval mode without gradients and draws no
/// random numbers, so it never changes a training run's random stream.
/// </summary>
public static class Evaluator
{
    public static EvaluationResult Evaluate(SequentialRecommender model, SequenceData data, SplitPart part, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        Cdsr.Trainers.Training.TorchRuntime.Apply();
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), $"evaluation batch size must be >= 1, got {options.BatchSize}");
        if (model.ItemCount != data.ItemCount)
            throw new ArgumentException($"the model has {model.ItemCount} items, the dataset {data.Dataset.Name} has {data.ItemCount}");
        var dataset = data.Dataset;
        var examples = data.EvalExamples(part);
        var overall = new MetricAccumulator(options.Cutoffs);
        var perDomain = new Dictionary<Domain, MetricAccumulator>();
        foreach (var d in new[] { Domain.A, Domain.B })
            if (data.View.Includes(d)) perDomain[d] = new MetricAccumulator(options.Cutoffs);
        // User group of each example: single-domain when the instance's full history has no item of the other domain.
        var singleDomain = new bool[dataset.Instances.Length];
        foreach (var e in examples)
            singleDomain[e.Instance] = dataset.History(dataset.Instances[e.Instance]).CountIn(e.TargetDomain == Domain.A ? Domain.B : Domain.A) == 0;
        var groups = new Dictionary<(Domain, bool), MetricAccumulator>();
        foreach (var d in perDomain.Keys)
            foreach (var single in new[] { true, false }) groups[(d, single)] = new MetricAccumulator(options.Cutoffs);
        void Add(EvalExample e, int rank, MetricAccumulator domainAcc)
        {
            overall.Add(rank);
            domainAcc.Add(rank);
            groups[(e.TargetDomain, singleDomain[e.Instance])].Add(rank);
        }
        string mode;
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var grad = no_grad();
            if (options.Negatives == 0)
            {
                mode = "full";
                var exclusion = dataset.Candidates?.Exclusion ?? dataset.Protocol.Exclusion;
                foreach (var domain in perDomain.Keys)
                    RankFull(model, data, examples.Where(e => e.TargetDomain == domain).ToList(), domain, exclusion, options.BatchSize, perDomain[domain], Add);
            }
            else
            {
                var cands = dataset.Candidates;
                if (cands is null || cands.IsFullRanking)
                    throw new CdsrDataException($"dataset {dataset.Name} has no persisted sampled candidate sets: import it with --negatives 100 or 999, or evaluate with full ranking");
                int n = options.Negatives ?? cands.Negatives;
                if (n > cands.Negatives)
                    throw new CdsrDataException($"dataset {dataset.Name} stores {cands.Negatives} negatives per instance, fewer than the {n} asked for");
                mode = $"{n} negatives";
                RankSampled(model, data, examples, cands, n, options.BatchSize, perDomain, Add);
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        var userGroups = new Dictionary<string, MetricSet>();
        foreach (var ((d, single), acc) in groups)
            if (acc.Count > 0)
                userGroups[$"{dataset.Vocabulary(d).Name}, {(single ? "single-domain" : "overlapped")} users"] = new MetricSet(acc.Count, acc.Mean());
        return new EvaluationResult(part.ToString().ToLowerInvariant(), mode, new MetricSet(overall.Count, overall.Mean()),
            perDomain.ToDictionary(kv => dataset.Vocabulary(kv.Key).Name, kv => new MetricSet(kv.Value.Count, kv.Value.Mean())), userGroups);
    }

    private static void RankSampled(SequentialRecommender model, SequenceData data, List<EvalExample> examples, CandidateSets cands, int negatives,
        int batchSize, Dictionary<Domain, MetricAccumulator> perDomain, Action<EvalExample, int, MetricAccumulator> add)
    {
        var rowOf = new Dictionary<int, int>(cands.RowCount);
        var indices = cands.InstanceIndices;
        for (int r = 0; r < indices.Length; r++) rowOf[indices[r]] = r;
        int c = 1 + negatives;
        var scoresRow = new float[c];
        for (int start = 0; start < examples.Count; start += batchSize)
        {
            var batch = examples.GetRange(start, Math.Min(batchSize, examples.Count - start));
            var ids = new long[batch.Count * c];
            for (int b = 0; b < batch.Count; b++)
            {
                var e = batch[b];
                if (!rowOf.TryGetValue(e.Instance, out var row))
                    throw new CdsrDataException($"dataset {data.Dataset.Name}: instance {e.Instance} has no candidate row");
                var items = cands.Row(row);
                for (int j = 0; j < c; j++) ids[b * c + j] = data.Dataset.SharedId(e.TargetDomain, items[j]);
            }
            using var scope = NewDisposeScope();
            var histories = data.PadHistories(batch.Select(e => e.History).ToList());  // [B, L]
            var candidates = tensor(ids, [batch.Count, c]);                             // [B, C]
            var scores = model.Score(histories, candidates).to(ScalarType.Float32).cpu().data<float>().ToArray(); // [B * C]
            for (int b = 0; b < batch.Count; b++)
            {
                Array.Copy(scores, b * c, scoresRow, 0, c);
                add(batch[b], RankingMetrics.PessimisticRank(scoresRow, 0), perDomain[batch[b].TargetDomain]);
            }
        }
    }

    private static void RankFull(SequentialRecommender model, SequenceData data, List<EvalExample> examples, Domain domain, NegativeExclusion exclusion,
        int batchSize, MetricAccumulator domainAcc, Action<EvalExample, int, MetricAccumulator> add)
    {
        var (first, count) = data.DomainRange(domain);
        var row = new float[count];
        var instances = data.Dataset.Instances;
        using var all = arange(first, first + count);                                    // [N]
        for (int start = 0; start < examples.Count; start += batchSize)
        {
            var batch = examples.GetRange(start, Math.Min(batchSize, examples.Count - start));
            using var scope = NewDisposeScope();
            var histories = data.PadHistories(batch.Select(e => e.History).ToList());      // [B, L]
            var scores = model.Score(histories, all).to(ScalarType.Float32).cpu().data<float>().ToArray(); // [B * N]
            for (int b = 0; b < batch.Count; b++)
            {
                Array.Copy(scores, b * count, row, 0, count);
                foreach (var item in CandidateSets.Excluded(data.Dataset, instances[batch[b].Instance], exclusion))
                    row[item - 1] = float.NegativeInfinity;
                add(batch[b], RankingMetrics.PessimisticRank(row, batch[b].TargetLocal - 1), domainAcc);
            }
        }
    }
}
