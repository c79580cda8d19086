using System.Text;

namespace Cdsr.Data.Raw;

/// <summary>
/// Streams the lines of a text file as UTF-8 byte spans, plain or gzip (detected by the magic bytes 1f 8b,
/// not by the file name). Memory stays bounded by the longest line. Line numbers are 1-based; a trailing
/// '\r' and a leading UTF-8 BOM are removed. A truncated or corrupt gzip file raises
/// <see cref="InvalidDataException"/> naming the file and the last complete line read.
/// </summary>
public sealed class LineSource : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buf;
    private int _start, _end;   // unread bytes are _buf[_start.._end)
    private bool _eof;
    private string _lastLine = "";

    private LineSource(string path, Stream stream, bool gzip, int bufferSize)
    {
        Path = path;
        _stream = stream;
        IsGzip = gzip;
        _buf = new byte[bufferSize];
    }

    public string Path { get; }

    public bool IsGzip { get; }

    /// <summary>Number of the line last returned (0 before the first).</summary>
    public long LineNumber { get; private set; }

    public static LineSource Open(string path, int bufferSize = 1 << 20)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"input file '{path}' does not exist", path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            Span<byte> head = stackalloc byte[2];
            int n = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
            file.Position = 0;
            bool gz = GzipDecompressStream.HasGzipMagic(head[..n]);
            Stream s = gz ? new GzipDecompressStream(file) : file;
            return new LineSource(path, s, gz, bufferSize);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The next line (without its line break), or false at the end of the file.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            int nl = _buf.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                line = Take(nl, nl + 1);
                return true;
            }
            if (_eof)
            {
                if (_start == _end) { line = default; return false; }
                line = Take(_end - _start, _end - _start); // last line without a line break
                return true;
            }
            Fill();
        }
    }

    private ReadOnlySpan<byte> Take(int length, int consumed)
    {
        int start = _start;
        _start += consumed;
        LineNumber++;
        if (LineNumber == 1 && _buf.AsSpan(start, length).StartsWith(Utf8Bom)) { start += 3; length -= 3; }
        if (length > 0 && _buf[start + length - 1] == (byte)'\r') length--;
        _lastStart = start;
        _lastLength = length;
        return _buf.AsSpan(start, length);
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private int _lastStart, _lastLength; // the line last returned, valid until Fill moves the buffer

    private void Fill()
    {
        // Describe the last line before the buffer is rewritten; used if the input turns out truncated.
        _lastLine = LineNumber == 0 ? "" : Snippet(_buf.AsSpan(_lastStart, _lastLength));
        if (_start > 0)
        {
            Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buf.Length) Array.Resize(ref _buf, _buf.Length * 2); // a line longer than the buffer
        int n;
        try
        {
            n = _stream.Read(_buf, _end, _buf.Length - _end);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException(
                $"{Path}: {e.Message}; last complete line read: {LineNumber} ('{_lastLine}')", e);
        }
        if (n == 0) _eof = true;
        _end += n;
    }

    /// <summary>A printable excerpt of a line for error messages (at most <paramref name="max"/> characters).</summary>
    public static string Snippet(ReadOnlySpan<byte> line, int max = 80)
    {
        var bytes = line.Length > max * 4 ? line[..(max * 4)] : line;
        string s = Encoding.UTF8.GetString(bytes);
        if (s.Length > max) s = s[..max] + "...";
        else if (bytes.Length < line.Length) s += "...";
        return s.ReplaceLineEndings(" ");
    }

    public void Dispose() => _stream.Dispose();
}
