using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Mathematics;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Cdsr.Onnx.Recommenders;
using Cdsr.Onnx.Runtime;
using Cdsr.Trainers.Models;
using static TorchSharp.torch;

namespace Cdsr.Benchmarks;

/// <summary>
/// Scoring throughput of an exported SASRec (paper sizes: d = 128, 2 blocks, L = 50; 10,000 items) with ONNX Runtime
/// against the same model's eager libtorch Score, on the same 256 histories and per-row candidates (users/s column =
/// 256 / mean time of one call). Single-user latency is <see cref="OnnxExportLatencyBenchmark"/>.
///   dotnet run -c Release --project Cdsr.Benchmarks -- --filter '*OnnxExport*'        (smoke check: add --job Dry)
/// </summary>
[Config(typeof(ScoringConfig))]
public class OnnxExportBenchmark : ScoringBenchmarkBase
{
    [Params(256)] public override int Batch { get; set; }
    [Params(100, 1000)] public override int Candidates { get; set; }
}

/// <summary>Single-user latency (Batch = 1): one call per iteration, so the P50 and P99 columns are percentiles of single
/// calls; same model, inputs and engines as <see cref="OnnxExportBenchmark"/>.</summary>
[Config(typeof(LatencyConfig))]
public class OnnxExportLatencyBenchmark : ScoringBenchmarkBase
{
    [Params(1)] public override int Batch { get; set; }
    [Params(100, 1000)] public override int Candidates { get; set; }
}

public abstract class ScoringBenchmarkBase
{
    private const int Items = 10_000;

    public abstract int Batch { get; set; }
    public abstract int Candidates { get; set; }

    private SequentialRecommender model = null!;
    private OnnxSession session = null!;
    private long[] hist = null!, cand = null!;
    private Tensor histT = null!, candT = null!;

    [GlobalSetup]
    public void Setup()
    {
        Cdsr.Trainers.Training.TorchRuntime.Apply();  // the settings (threads, heap retention) the trainer and evaluator run libtorch under
        manual_seed(1);
        model = new SasRec(new SasRecOptions(), Items);
        model.eval();
        session = OnnxSession.FromBytes(RecommenderOnnx.Export(model, new RecommenderProvenance { Model = "sasrec" }).ToBytes());
        Console.Error.WriteLine(session.ProviderMessage);
        int L = model.MaxLength;
        var r = new Random(2);
        hist = new long[Batch * L];
        for (int b = 0; b < Batch; b++)
        {
            int n = r.Next(1, L + 1);
            for (int t = L - n; t < L; t++) hist[b * L + t] = r.Next(1, Items + 1);
        }
        cand = Enumerable.Range(0, Batch * Candidates).Select(_ => (long)r.Next(1, Items + 1)).ToArray();
        histT = tensor(hist, [Batch, L]);
        candT = tensor(cand, [Batch, Candidates]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        session.Dispose();
        histT.Dispose();
        candT.Dispose();
        model.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float LibtorchEager()
    {
        using var grad = no_grad();
        using var scores = model.Score(histT, candT);
        using var first = scores.select(0, 0).select(0, 0);
        return first.item<float>();
    }

    [Benchmark]
    public float OnnxRuntime() =>
        session.Run([NamedTensor.Int64("histories", hist, Batch, model.MaxLength), NamedTensor.Int64("candidates", cand, Batch, Candidates)])[0].Floats[0];
}

/// <summary>One call per iteration (300 measured after 20 warm-up calls), so percentiles are of single calls.</summary>
public sealed class LatencyConfig : ManualConfig
{
    public LatencyConfig()
    {
        AddJob(Job.Default.WithInvocationCount(1).WithUnrollFactor(1).WithWarmupCount(20).WithIterationCount(300));
        foreach (var c in new ScoringConfig().GetColumnProviders()) AddColumnProvider(c);
    }
}

/// <summary>users/s (Batch / mean time of one call) and the P50 / P99 of the call time.</summary>
public sealed class ScoringConfig : ManualConfig
{
    public ScoringConfig()
    {
        AddColumn(new ScoringColumn("users/s", (s, b) => s.Mean > 0 ? (Batch(b) * 1e9 / s.Mean).ToString("N0", CultureInfo.InvariantCulture) : "NA"));
        AddColumn(new ScoringColumn("P50", (s, _) => Milliseconds(s.Percentiles.P50)));
        AddColumn(new ScoringColumn("P99", (s, _) => Milliseconds(s.Percentiles.Percentile(99))));
    }

    private static int Batch(BenchmarkCase b) => (int)b.Parameters["Batch"];
    private static string Milliseconds(double ns) => (ns / 1e6).ToString("0.000", CultureInfo.InvariantCulture) + " ms";
}

public sealed class ScoringColumn(string name, Func<Statistics, BenchmarkCase, string> value) : IColumn
{
    public string Id => "Scoring." + name;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => name switch
    {
        "users/s" => "users scored per second (Batch / mean time of one call)",
        _ => $"{name} of the time of one call",
    };
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        summary[benchmarkCase]?.ResultStatistics is { } s ? value(s, benchmarkCase) : "NA";
}
