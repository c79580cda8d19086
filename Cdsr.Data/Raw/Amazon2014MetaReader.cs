namespace Cdsr.Data.Raw;

/// <summary>
/// Amazon product data (2014) metadata. Each line is a Python dict literal, not JSON (single-quoted strings,
/// True/False/None; the authors' loader used eval), e.g.
/// <c>{'asin': '0000031852', 'title': "Girls' Tutu", 'imUrl': '...', 'related': {'also_bought': [...]},
/// 'salesRank': {'Toys &amp; Games': 211836}, 'categories': [['Sports &amp; Outdoors', 'Dance']]}</c>.
/// Parsed with <see cref="PythonLiteral"/>'s grammar; fields other than asin, title, brand, categories,
/// description and imUrl are syntax-checked and skipped. Only asin is required.
/// </summary>
public sealed class Amazon2014MetaReader(string path, RawReadOptions? options = null) : RawReader<RawItemMeta>(path, options)
{
    private protected override bool TryParse(ReadOnlySpan<byte> line, out RawItemMeta record, out LineError error)
    {
        record = null!;
        string? asin = null, title = null, brand = null, description = null, image = null;
        List<string>? categories = null;
        try
        {
            var p = new PythonLiteralParser(line);
            p.Expect((byte)'{');
            if (!p.TryConsume((byte)'}'))
            {
                while (true)
                {
                    string key = p.ParseString();
                    p.Expect((byte)':');
                    switch (key)
                    {
                        case "asin": if (!Str(ref p, key, out asin, out error)) return false; break;
                        case "title": if (!Str(ref p, key, out title, out error)) return false; break;
                        case "brand": if (!Str(ref p, key, out brand, out error)) return false; break;
                        case "description": if (!Str(ref p, key, out description, out error)) return false; break;
                        case "imUrl": if (!Str(ref p, key, out image, out error)) return false; break;
                        case "categories":
                            {
                                if (p.ParseValue() is not List<object?> paths) { error = Wrong(key, "a list of category paths"); return false; }
                                categories = new List<string>();
                                var seen = new HashSet<string>(StringComparer.Ordinal);
                                foreach (var path in paths)
                                {
                                    if (path is not List<object?> names) { error = Wrong(key, "a list of lists of strings"); return false; }
                                    foreach (var n in names)
                                    {
                                        if (n is not string s) { error = Wrong(key, "a list of lists of strings"); return false; }
                                        if (seen.Add(s)) categories.Add(s);
                                    }
                                }
                                break;
                            }
                        default: p.SkipValue(); break;
                    }
                    if (p.TryConsume((byte)'}')) break;
                    p.ExpectSeparator((byte)'}');
                    if (p.TryConsume((byte)'}')) break;
                }
            }
            p.ExpectEnd();
        }
        catch (PythonLiteralException e)
        {
            error = new(RawSkipReason.MalformedLine, "invalid Python literal: " + e.Message);
            return false;
        }
        if (asin is null) { error = new(RawSkipReason.MissingField, "required field 'asin' is missing"); return false; }
        record = new RawItemMeta(asin, title, brand, (IReadOnlyList<string>?)categories ?? Array.Empty<string>(), description, image);
        error = default;
        return true;
    }

    private static bool Str(ref PythonLiteralParser p, string field, out string? value, out LineError error)
    {
        error = default;
        value = null;
        if (p.TryConsumeNone()) return true;
        if (!p.PeekString()) { error = Wrong(field, "a string"); p.SkipValue(); return false; }
        value = p.ParseString();
        return true;
    }

    private static LineError Wrong(string field, string expected) => new(RawSkipReason.WrongType, $"field '{field}' must be {expected}");
}
