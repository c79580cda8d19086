using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Cdsr.Data.Raw;

namespace Cdsr.Benchmarks;

/// <summary>
/// Records per second of the streaming managed 2018 review reader (Utf8JsonReader over zlib) on a generated gzip
/// file of <see cref="Records"/> review lines (shaped like the 2018 data: reviewText, summary, style, vote...).
/// The file is generated once per machine into the temp directory and reused. Run: dotnet run -c Release --project Cdsr.Benchmarks -- --filter '*RawJsonParsing*'
/// </summary>
[Config(typeof(PerSecondConfig))]
[MemoryDiagnoser]
public class RawJsonParsingBenchmark
{
    public const int Records = 1_000_000;

    private string _path = "";

    [GlobalSetup]
    public void Setup() => _path = ReviewFile.Ensure(Records);

    [Benchmark(OperationsPerInvoke = Records, Description = "managed Utf8JsonReader")]
    public long Managed()
    {
        long check = 0, n = 0;
        foreach (var r in new Amazon2018ReviewReader(_path).Read()) { check += r.Timestamp + r.UserId.Length; n++; }
        return Verify(n, check);
    }

    private static long Verify(long n, long check) =>
        n == Records ? check : throw new InvalidOperationException($"read {n} records, expected {Records}");
}

/// <summary>Generates (once, atomically) a deterministic gzip file of 2018-style review lines.</summary>
internal static class ReviewFile
{
    public static string Ensure(int records)
    {
        string dir = Path.Combine(Path.GetTempPath(), "cdsr-bench");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, $"reviews2018-{records}-v1.json.gz");
        if (File.Exists(path)) return path;
        string tmp = path + $".{Environment.ProcessId}.tmp";
        var rng = new Random(2018);
        string[] words = "the fit is great but size runs small quality fabric color shoes comfortable love would buy again".Split(' ');
        using (var f = File.Create(tmp))
        using (var gz = new GZipStream(f, CompressionLevel.Fastest))
        using (var w = new StreamWriter(gz, new UTF8Encoding(false), 1 << 16))
        {
            var text = new StringBuilder();
            for (int i = 0; i < records; i++)
            {
                text.Clear();
                int len = 5 + rng.Next(40);
                for (int k = 0; k < len; k++) text.Append(words[rng.Next(words.Length)]).Append(' ');
                int user = rng.Next(200_000), item = rng.Next(50_000);
                long ts = 1_300_000_000L + rng.Next(200_000_000);
                w.Write($"{{\"overall\": {1 + rng.Next(5)}.0, \"vote\": \"{rng.Next(9)}\", \"verified\": {(rng.Next(2) == 0 ? "true" : "false")}, ");
                w.Write($"\"reviewTime\": \"01 1, 2016\", \"reviewerID\": \"A{user:D12}\", \"asin\": \"B{item:D9}\", ");
                w.Write($"\"style\": {{\"Size:\": \" Large\", \"Color:\": \" Black\"}}, \"reviewerName\": \"Reviewer {user}\", ");
                w.Write($"\"reviewText\": \"{text}\", \"summary\": \"{words[rng.Next(words.Length)]} stars\", \"unixReviewTime\": {ts}}}\n");
            }
        }
        File.Move(tmp, path, overwrite: true);
        return path;
    }
}

/// <summary>Adds a throughput column: 1 / mean time of one operation, where an operation is one record
/// (benchmarks set OperationsPerInvoke to the records they process).</summary>
public sealed class PerSecondColumn(string name) : IColumn
{
    public string Id => "PerSecond." + name;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => $"{name}: items processed per second (1 / mean time per item)";
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (stats is null || stats.Mean <= 0) return "NA";
        return (1e9 / stats.Mean).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Config adding records/s and rows/s columns.</summary>
public sealed class PerSecondConfig : ManualConfig
{
    public PerSecondConfig()
    {
        AddColumn(new PerSecondColumn("records/s"));
    }
}
