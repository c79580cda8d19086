using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Cdsr.Data.Storage;

namespace Cdsr.Benchmarks;

/// <summary>
/// Rows per second of <see cref="ParquetTable"/> writing and reading an interaction-shaped table (user INT64,
/// item INT32, rating FLOAT, timestamp INT64, a nullable UTF-8 title, a BOOLEAN) through Parquet.Net.
/// Run: dotnet run -c Release --project Cdsr.Benchmarks -- --filter '*ParquetTable*'
/// </summary>
[Config(typeof(RowsPerSecondConfig))]
[MemoryDiagnoser]
public class ParquetTableBenchmark
{
    public const int Rows = 1_000_000;

    private Table _table = null!;
    private string _dir = "";
    private string _readPath = "";

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var users = new long[Rows];
        var items = new int[Rows];
        var ratings = new float[Rows];
        var times = new long[Rows];
        var titles = new string?[Rows];
        var flags = new bool[Rows];
        for (int i = 0; i < Rows; i++)
        {
            users[i] = rng.Next(200_000);
            items[i] = rng.Next(50_000);
            ratings[i] = 1 + rng.Next(5);
            times[i] = 1_300_000_000L + rng.Next(200_000_000);
            titles[i] = i % 10 == 0 ? null : $"Item title number {items[i]} – size M";
            flags[i] = (i & 1) == 0;
        }
        _table = new Table(Column.Create("user", users), Column.Create("item", items), Column.Create("rating", ratings),
            Column.Create("timestamp", times), Column.Create("title", titles), Column.Create("verified", flags));
        _dir = Path.Combine(Path.GetTempPath(), "cdsr-bench-parquet-" + Environment.ProcessId);
        Directory.CreateDirectory(_dir);
        _readPath = Path.Combine(_dir, "read.parquet");
        ParquetTable.Write(_table, _readPath);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark(OperationsPerInvoke = Rows)]
    public long Write()
    {
        string path = Path.Combine(_dir, "write.parquet");
        ParquetTable.Write(_table, path);
        return new FileInfo(path).Length;
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public int Read()
    {
        var t = ParquetTable.Read(_readPath);
        return t.RowCount == Rows ? t.RowCount : throw new InvalidOperationException($"read {t.RowCount} rows, expected {Rows}");
    }
}

/// <summary>Config adding a rows/s column.</summary>
public sealed class RowsPerSecondConfig : ManualConfig
{
    public RowsPerSecondConfig() => AddColumn(new PerSecondColumn("rows/s"));
}
