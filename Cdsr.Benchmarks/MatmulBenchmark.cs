using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Cdsr.Torch;
using static Cdsr.Torch.torch;

namespace Cdsr.Benchmarks;

/// <summary>
/// A 1024x1024 float32 matmul through the binding (one P/Invoke, a new handle, its disposal) against the same
/// at::matmul looped directly in C++ (cdsr_bench_matmul_direct), in one table: the Ratio column is the binding's
/// overhead factor and the GFLOP/s column is 2 n^3 / mean time.
///   dotnet run -c Release --project Cdsr.Benchmarks -- --filter '*MatmulBenchmark*'
/// </summary>
[Config(typeof(MatmulConfig))]
public class MatmulBenchmark
{
    public const int N = 1024;
    private const int DirectLoop = 8;
    private Tensor a = null!, b = null!;

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(0);
        a = randn(N, N);
        b = randn(N, N);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        a.Dispose();
        b.Dispose();
    }

    [Benchmark(Baseline = true, Description = "C++ at::matmul (direct)", OperationsPerInvoke = DirectLoop)]
    public double Direct() => bench_matmul_direct_ns(a, b, DirectLoop);

    [Benchmark(Description = "binding a.matmul(b)")]
    public void Binding()
    {
        using var c = a.matmul(b);
    }

    private sealed class MatmulConfig : ManualConfig
    {
        public MatmulConfig() => AddColumn(new GflopsColumn(2.0 * N * N * N));
    }
}

/// <summary>Throughput column: floating-point operations per benchmark operation divided by its mean time.</summary>
public sealed class GflopsColumn(double flopsPerOperation) : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Floating-point throughput: 2 n^3 flops per matmul / mean time per matmul";
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean; // nanoseconds per operation
        return mean is > 0 ? (flopsPerOperation / mean.Value).ToString("F1", style.CultureInfo) : "NA";
    }

    public override string ToString() => ColumnName;
}
