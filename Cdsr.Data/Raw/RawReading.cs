using System.Text;

namespace Cdsr.Data.Raw;

/// <summary>Why a raw input line could not become a record.</summary>
public enum RawSkipReason
{
    /// <summary>Not parseable at all (broken JSON / literal syntax, invalid UTF-8, not an object).</summary>
    MalformedLine,
    /// <summary>A required field (user, item, rating, timestamp; asin for metadata) is absent or null.</summary>
    MissingField,
    /// <summary>A field has the wrong kind of value (e.g. a number where a string is required).</summary>
    WrongType,
    /// <summary>A numeric field does not parse or does not fit (rating, timestamp).</summary>
    BadNumber,
    /// <summary>A CSV line with a number of columns other than the expected one.</summary>
    WrongColumnCount,
}

/// <summary>Options shared by the raw readers.</summary>
public sealed record RawReadOptions
{
    /// <summary>False (default): the first bad line throws <see cref="RawDataException"/>. True: bad lines are
    /// skipped and counted per reason in <see cref="RawReadReport"/>.</summary>
    public bool Lenient { get; init; }

    /// <summary>How many skipped lines the report keeps as examples (line number and message).</summary>
    public int MaxExamples { get; init; } = 10;

    /// <summary>Characters of the offending line quoted in messages.</summary>
    public int SnippetLength { get; init; } = 80;

    public static RawReadOptions Strict { get; } = new();

    public static RawReadOptions LenientDefault { get; } = new() { Lenient = true };
}

/// <summary>A bad line in strict mode: names the file, the 1-based line number, the reason and a snippet.</summary>
public sealed class RawDataException : Exception
{
    public RawDataException(string path, long lineNumber, RawSkipReason reason, string detail, string snippet)
        : base($"{path}:{lineNumber}: {reason}: {detail}; line: '{snippet}'")
    {
        Path = path;
        LineNumber = lineNumber;
        Reason = reason;
        Detail = detail;
    }

    public string Path { get; }
    public long LineNumber { get; }
    public RawSkipReason Reason { get; }
    public string Detail { get; }
}

/// <summary>What one pass of a raw reader saw: lines, records, blank lines and every skipped line by reason.</summary>
public sealed class RawReadReport
{
    private readonly long[] _skipped = new long[Enum.GetValues<RawSkipReason>().Length];
    private readonly List<string> _examples = new();
    private readonly int _maxExamples;

    internal RawReadReport(string path, int maxExamples)
    {
        Path = path;
        _maxExamples = maxExamples;
    }

    public string Path { get; }

    /// <summary>Lines read, including blank and skipped ones.</summary>
    public long Lines { get; internal set; }

    /// <summary>Records produced.</summary>
    public long Records { get; internal set; }

    /// <summary>Empty or whitespace-only lines (no record, not an error).</summary>
    public long BlankLines { get; internal set; }

    /// <summary>Skipped lines for one reason (lenient mode).</summary>
    public long Skipped(RawSkipReason reason) => _skipped[(int)reason];

    /// <summary>All skipped lines; Lines == Records + BlankLines + SkippedTotal always holds.</summary>
    public long SkippedTotal => _skipped.Sum();

    /// <summary>Skip counts by reason, only reasons that occurred.</summary>
    public IReadOnlyDictionary<RawSkipReason, long> SkippedByReason =>
        Enum.GetValues<RawSkipReason>().Where(r => _skipped[(int)r] > 0).ToDictionary(r => r, r => _skipped[(int)r]);

    /// <summary>The first skipped lines' messages ("file:line: reason: detail; line: '...'").</summary>
    public IReadOnlyList<string> Examples => _examples;

    internal void AddSkip(RawSkipReason reason, string message)
    {
        _skipped[(int)reason]++;
        if (_examples.Count < _maxExamples) _examples.Add(message);
    }

    public override string ToString()
    {
        var sb = new StringBuilder($"{Path}: {Lines} lines, {Records} records, {BlankLines} blank, {SkippedTotal} skipped");
        foreach (var (r, n) in SkippedByReason) sb.Append($"; {r}: {n}");
        return sb.ToString();
    }
}

/// <summary>Why one line failed; produced by the per-format parsers.</summary>
internal readonly record struct LineError(RawSkipReason Reason, string Detail);

/// <summary>
/// Base of the streaming raw readers: opens the file (plain or gzip), parses it line by line with constant
/// memory, and applies the strict / lenient policy. Each <see cref="Read"/> is a fresh pass whose counts are
/// in <see cref="Report"/> (complete once the enumeration has finished).
/// </summary>
public abstract class RawReader<T>
{
    protected RawReader(string path, RawReadOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        Options = options ?? RawReadOptions.Strict;
        Report = new RawReadReport(path, Options.MaxExamples);
    }

    public string Path { get; }

    public RawReadOptions Options { get; }

    /// <summary>Counts of the current or last pass.</summary>
    public RawReadReport Report { get; private set; }

    /// <summary>Streams the records of the file.</summary>
    /// <exception cref="RawDataException">Strict mode: a bad line (file, line number, reason, snippet).</exception>
    /// <exception cref="InvalidDataException">A truncated or corrupt gzip file (file and last line read).</exception>
    public IEnumerable<T> Read()
    {
        var report = new RawReadReport(Path, Options.MaxExamples);
        Report = report;
        using var src = LineSource.Open(Path);
        while (Next(src, report, out var record))
            yield return record;
    }

    /// <summary>Reads the whole file into a list.</summary>
    public List<T> ReadAll() => Read().ToList();

    private bool Next(LineSource src, RawReadReport report, out T record)
    {
        while (src.TryReadLine(out var line))
        {
            report.Lines++;
            if (IsBlank(line)) { report.BlankLines++; continue; }
            if (TryParse(line, out record!, out var error))
            {
                report.Records++;
                return true;
            }
            var ex = new RawDataException(Path, src.LineNumber, error.Reason, error.Detail, LineSource.Snippet(line, Options.SnippetLength));
            if (!Options.Lenient) throw ex;
            report.AddSkip(error.Reason, ex.Message);
        }
        record = default!;
        return false;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept(" \t\r"u8) < 0;

    /// <summary>Parses one non-blank line; on failure returns false with the reason.</summary>
    private protected abstract bool TryParse(ReadOnlySpan<byte> line, out T record, out LineError error);
}
