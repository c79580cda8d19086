using BenchmarkDotNet.Attributes;
using Cdsr.Data.Import;
using Cdsr.Data.Model;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Evaluation;
using Cdsr.Trainers.Models;
using static TorchSharp.torch;

namespace Cdsr.Benchmarks;

/// <summary>
/// Evaluation throughput on ABXI Food–Kitchen's test split (7,144 users, one target each) with its persisted 999
/// sampled negatives, and in full-ranking mode: SASRec (paper settings, untrained weights: the cost does not depend
/// on them) scores each user's candidates and the ranks are accumulated per domain.
/// One operation = one evaluated user, so users/s = 1 / Mean.
/// Run: <c>dotnet run -c Release --project Cdsr.Benchmarks -- --filter '*EvaluationBenchmark*'</c>
/// (short job: 1 warm-up, 3 iterations; 2 quiet cores, 2026-12-02: 460 us per user with 999 negatives = 2,172 users/s,
/// 442 us full ranking; the figures measured earlier on a loaded box were 6-10x slower).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class EvaluationBenchmark
{
    public const int Users = 7144;
    private SasRec model = null!;
    private SequenceData data = null!;

    [GlobalSetup]
    public void Setup()
    {
        var dataset = DatasetImporters.Import("abxi", BenchmarkData.Dataset("abxi-food-kitchen"), new ImportOptions { Negatives = 999 });
        data = SequenceData.Build(dataset, SequenceView.Mixed, new SasRecOptions().MaxLength);
        int users = data.EvalExamples(SplitPart.Test).Count;
        if (users != Users) throw new InvalidOperationException($"expected {Users} test users, found {users}");
        manual_seed(42);
        model = new SasRec(new SasRecOptions(), data.ItemCount);
    }

    [Benchmark(OperationsPerInvoke = Users, Description = "evaluate per user, 999 negatives")]
    public double Sampled999() => Evaluator.Evaluate(model, data, SplitPart.Test, new EvaluationOptions()).Overall["NDCG@10"];

    [Benchmark(OperationsPerInvoke = Users, Description = "evaluate per user, full ranking")]
    public double Full() => Evaluator.Evaluate(model, data, SplitPart.Test, new EvaluationOptions { Negatives = 0 }).Overall["NDCG@10"];

    [GlobalCleanup]
    public void Cleanup() => model.Dispose();
}
