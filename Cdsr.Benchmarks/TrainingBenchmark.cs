using BenchmarkDotNet.Attributes;
using Cdsr.Data.Import;
using Cdsr.Trainers.Layers;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Models;
using Cdsr.Trainers.Training;
using static TorchSharp.torch;

namespace Cdsr.Benchmarks;

/// <summary>Locates ../shared/datasets beside the repository (the benchmarks run from bin/...).</summary>
internal static class BenchmarkData
{
    public static string Dataset(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cdsr.sln"))) dir = dir.Parent;
        var root = dir?.FullName ?? throw new InvalidOperationException($"Cdsr.sln not found above {AppContext.BaseDirectory}");
        var path = Path.GetFullPath(Path.Combine(root, "..", "shared", "datasets", name));
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"shared dataset not found: {path}");
        return path;
    }
}

/// <summary>
/// SASRec training throughput on ABXI Food–Kitchen (mixed sequence) at its paper settings: the trainer's own step
/// (batches from <see cref="SequenceData"/> with sampled negatives, forward, BCE, backward, gradient clipping, Adam)
/// with <see cref="SasRecOptions"/> defaults (d = 128, 2 blocks, 1 head, length 50, dropout 0.5) and batch 128, lr 1e-3.
/// One operation = one training sequence, so sequences/s = 1 / Mean.
/// Run: <c>dotnet run -c Release --project Cdsr.Benchmarks -- --filter '*TrainingBenchmark*'</c>
/// (its own short job: 1 launch, 2 warm-ups, 5 iterations).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class TrainingBenchmark
{
    private const int BatchSize = 128;
    private SasRec model = null!;
    private optim.Optimizer optimizer = null!;
    private List<TrainBatch> batches = null!;
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.Apply();   // the runtime settings (heap retention, threads) the Trainer runs under
        var dataset = DatasetImporters.Import("abxi", BenchmarkData.Dataset("abxi-food-kitchen"), new ImportOptions { BuildCandidates = false });
        var data = SequenceData.Build(dataset, SequenceView.Mixed, new SasRecOptions().MaxLength);
        manual_seed(42);
        model = new SasRec(new SasRecOptions(), data.ItemCount);
        optimizer = optim.Adam(model.parameters(), 1e-3);
        batches = data.TrainBatches(BatchSize, 42, 1).Take(16).ToList();
    }

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "SASRec train step per sequence (ABXI Food-Kitchen, B=128, L=50, d=128)")]
    public float Step()
    {
        var batch = batches[next++ % batches.Count];
        return Trainer.Step(model, optimizer, () => model.Loss(batch), clipGradNorm: 5.0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var b in batches) b.Dispose();
        optimizer.Dispose();
        model.Dispose();
    }
}
