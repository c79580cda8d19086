using System.Globalization;

namespace Cdsr.Data.Import;

/// <summary>Reads a text file line by line and builds errors that name the file and the 1-based line.</summary>
internal sealed class TextFile
{
    public TextFile(string directory, string fileName)
    {
        Path = System.IO.Path.Combine(directory, fileName);
        Name = fileName;
        if (!File.Exists(Path)) throw new CdsrDataException($"{Path}: file not found");
    }

    public string Path { get; }
    public string Name { get; }

    /// <summary>(line number, text) of every line; blank lines are skipped only when <paramref name="skipBlank"/>.</summary>
    public IEnumerable<(long Line, string Text)> Lines(bool skipBlank = true)
    {
        using var reader = new StreamReader(Path);
        long n = 0;
        while (reader.ReadLine() is { } line)
        {
            n++;
            if (skipBlank && line.Length == 0) continue;
            yield return (n, line.TrimEnd('\r'));
        }
    }

    public string ReadAll() => File.ReadAllText(Path);

    public CdsrDataException Error(long line, string message) => new(Path, line, message);

    public int Int(long line, ReadOnlySpan<char> text, string field)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw Error(line, $"{field}: expected an integer, got '{text.ToString()}'");
        return v;
    }

    public long Long(long line, ReadOnlySpan<char> text, string field)
    {
        if (!long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw Error(line, $"{field}: expected an integer, got '{text.ToString()}'");
        return v;
    }

    /// <summary>Splits on <paramref name="sep"/> and requires exactly / at least <paramref name="count"/> fields.</summary>
    public string[] Fields(long line, string text, char sep, int count, bool atLeast = false)
    {
        var f = text.Split(sep);
        if (atLeast ? f.Length < count : f.Length != count)
            throw Error(line, $"expected {(atLeast ? "at least " : "")}{count} fields separated by {(sep == '\t' ? "TAB" : $"'{sep}'")}, got {f.Length}");
        return f;
    }
}
