namespace Cdsr.Data;

/// <summary>Bad or inconsistent data. When the problem sits in a file, <see cref="File"/> and <see cref="Line"/>
/// (1-based) say where, and the message starts with "file:line:".</summary>
public sealed class CdsrDataException : Exception
{
    public string? File { get; }
    public long Line { get; }

    public CdsrDataException(string message) : base(message) { }

    public CdsrDataException(string file, long line, string message, Exception? inner = null)
        : base($"{file}:{line}: {message}", inner)
    {
        File = file;
        Line = line;
    }
}
