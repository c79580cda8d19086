using System.Text.Json;

namespace Cdsr.Data.Import;

internal static class JsonFile
{
    /// <summary>Parses a JSON file; a syntax error names the file and line.</summary>
    public static JsonDocument Parse(TextFile f)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(f.Path));
        }
        catch (JsonException e)
        {
            throw f.Error((e.LineNumber ?? 0) + 1, $"invalid JSON: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>The 1-based line of the first occurrence of "<paramref name="key"/>" in the file (for errors).</summary>
    public static long LineOf(TextFile f, string key)
    {
        string needle = JsonSerializer.Serialize(key);
        foreach (var (line, text) in f.Lines()) if (text.Contains(needle, StringComparison.Ordinal)) return line;
        return 1;
    }
}
