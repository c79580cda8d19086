using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Cdsr.Data.Raw;

/// <summary>
/// Field extraction from one strict-JSON line with <see cref="Utf8JsonReader"/> (no DOM, no reflection).
/// Unknown fields are skipped; a JSON null counts as absent.
/// </summary>
internal static class AmazonJson
{
    /// <summary>A review line: reviewerID, asin, overall (number, or numeric string), unixReviewTime.</summary>
    public static bool TryParseReview(ReadOnlySpan<byte> line, out RawReview review, out LineError error)
    {
        review = null!;
        string? user = null, item = null;
        double? rating = null;
        long? time = null;
        try
        {
            var r = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                error = new(RawSkipReason.MalformedLine, "line is not a JSON object");
                return false;
            }
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("reviewerID"u8)) { if (!ReadString(ref r, "reviewerID", out user, out error)) return false; }
                else if (r.ValueTextEquals("asin"u8)) { if (!ReadString(ref r, "asin", out item, out error)) return false; }
                else if (r.ValueTextEquals("overall"u8)) { if (!ReadDouble(ref r, "overall", out rating, out error)) return false; }
                else if (r.ValueTextEquals("unixReviewTime"u8)) { if (!ReadInt64(ref r, "unixReviewTime", out time, out error)) return false; }
                else r.Skip();
            }
            if (r.TokenType != JsonTokenType.EndObject || r.Read())
            {
                error = new(RawSkipReason.MalformedLine, "unexpected content after the JSON object");
                return false;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            error = new(RawSkipReason.MalformedLine, "invalid JSON: " + FirstSentence(e.Message));
            return false;
        }
        if (user is null) { error = Missing("reviewerID"); return false; }
        if (item is null) { error = Missing("asin"); return false; }
        if (rating is null) { error = Missing("overall"); return false; }
        if (time is null) { error = Missing("unixReviewTime"); return false; }
        review = new RawReview(user, item, (float)rating.Value, time.Value);
        error = default;
        return true;
    }

    /// <summary>A 2018 metadata line: asin (required), title, brand, category[], description[] or string,
    /// imageURLHighRes[] / imageURL[].</summary>
    public static bool TryParseMeta2018(ReadOnlySpan<byte> line, out RawItemMeta meta, out LineError error)
    {
        meta = null!;
        string? asin = null, title = null, brand = null, description = null;
        List<string>? categories = null, images = null, imagesHighRes = null;
        try
        {
            var r = new Utf8JsonReader(line);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                error = new(RawSkipReason.MalformedLine, "line is not a JSON object");
                return false;
            }
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("asin"u8)) { if (!ReadString(ref r, "asin", out asin, out error)) return false; }
                else if (r.ValueTextEquals("title"u8)) { if (!ReadString(ref r, "title", out title, out error)) return false; }
                else if (r.ValueTextEquals("brand"u8)) { if (!ReadString(ref r, "brand", out brand, out error)) return false; }
                else if (r.ValueTextEquals("category"u8)) { if (!ReadStringList(ref r, "category", out categories, out error)) return false; }
                else if (r.ValueTextEquals("imageURL"u8)) { if (!ReadStringList(ref r, "imageURL", out images, out error)) return false; }
                else if (r.ValueTextEquals("imageURLHighRes"u8)) { if (!ReadStringList(ref r, "imageURLHighRes", out imagesHighRes, out error)) return false; }
                else if (r.ValueTextEquals("description"u8))
                {
                    r.Read();
                    if (r.TokenType == JsonTokenType.String) description = r.GetString();
                    else if (r.TokenType == JsonTokenType.StartArray)
                    {
                        var parts = new List<string>();
                        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                        {
                            if (r.TokenType != JsonTokenType.String) { error = Wrong("description", "a list of strings"); return false; }
                            parts.Add(r.GetString()!);
                        }
                        description = parts.Count == 0 ? null : string.Join("\n", parts);
                    }
                    else if (r.TokenType != JsonTokenType.Null) { error = Wrong("description", "a string or a list of strings"); return false; }
                }
                else r.Skip();
            }
            if (r.TokenType != JsonTokenType.EndObject || r.Read())
            {
                error = new(RawSkipReason.MalformedLine, "unexpected content after the JSON object");
                return false;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            error = new(RawSkipReason.MalformedLine, "invalid JSON: " + FirstSentence(e.Message));
            return false;
        }
        if (asin is null) { error = Missing("asin"); return false; }
        string? image = imagesHighRes is { Count: > 0 } ? imagesHighRes[0] : images is { Count: > 0 } ? images[0] : null;
        meta = new RawItemMeta(asin, title, brand, (IReadOnlyList<string>?)categories ?? Array.Empty<string>(), description, image);
        error = default;
        return true;
    }

    private static bool ReadString(ref Utf8JsonReader r, string field, out string? value, out LineError error)
    {
        r.Read();
        error = default;
        value = null;
        if (r.TokenType == JsonTokenType.String) { value = r.GetString(); return true; }
        if (r.TokenType == JsonTokenType.Null) return true;
        error = Wrong(field, "a string", r.TokenType);
        return false;
    }

    private static bool ReadStringList(ref Utf8JsonReader r, string field, out List<string>? value, out LineError error)
    {
        r.Read();
        error = default;
        value = null;
        if (r.TokenType == JsonTokenType.Null) return true;
        if (r.TokenType != JsonTokenType.StartArray) { error = Wrong(field, "a list of strings", r.TokenType); return false; }
        value = new List<string>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType != JsonTokenType.String) { error = Wrong(field, "a list of strings", r.TokenType); return false; }
            value.Add(r.GetString()!);
        }
        return true;
    }

    private static bool ReadDouble(ref Utf8JsonReader r, string field, out double? value, out LineError error)
    {
        r.Read();
        error = default;
        value = null;
        switch (r.TokenType)
        {
            case JsonTokenType.Number when r.TryGetDouble(out double d) && double.IsFinite(d): value = d; return true;
            case JsonTokenType.Number: error = BadNumber(field, r); return false;
            case JsonTokenType.String:
                {
                    var s = r.HasValueSequence ? default : r.ValueSpan;
                    if (Utf8Parser.TryParse(s, out double d, out int used) && used == s.Length && double.IsFinite(d)) { value = d; return true; }
                    error = BadNumber(field, r);
                    return false;
                }
            case JsonTokenType.Null: return true;
            default: error = Wrong(field, "a number", r.TokenType); return false;
        }
    }

    private static bool ReadInt64(ref Utf8JsonReader r, string field, out long? value, out LineError error)
    {
        r.Read();
        error = default;
        value = null;
        switch (r.TokenType)
        {
            case JsonTokenType.Number when r.TryGetInt64(out long v): value = v; return true;
            case JsonTokenType.Number: error = BadNumber(field, r); return false;
            case JsonTokenType.String:
                {
                    var s = r.ValueSpan;
                    if (Utf8Parser.TryParse(s, out long v, out int used) && used == s.Length) { value = v; return true; }
                    error = BadNumber(field, r);
                    return false;
                }
            case JsonTokenType.Null: return true;
            default: error = Wrong(field, "an integer", r.TokenType); return false;
        }
    }

    private static LineError Missing(string field) => new(RawSkipReason.MissingField, $"required field '{field}' is missing");

    private static LineError Wrong(string field, string expected, JsonTokenType? got = null) =>
        new(RawSkipReason.WrongType, $"field '{field}' must be {expected}" + (got is null ? "" : $", got {got}"));

    private static LineError BadNumber(string field, Utf8JsonReader r) =>
        new(RawSkipReason.BadNumber, $"field '{field}' is not a valid number: '{Encoding.UTF8.GetString(r.ValueSpan)}'");

    internal static string FirstSentence(string message)
    {
        int i = message.IndexOf(". ", StringComparison.Ordinal);
        return i < 0 ? message : message[..(i + 1)];
    }

    internal static bool TryParseDouble(ReadOnlySpan<char> s, out double d) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d);
}
