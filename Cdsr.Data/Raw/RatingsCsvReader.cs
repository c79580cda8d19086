using System.Globalization;
using System.Text;

namespace Cdsr.Data.Raw;

/// <summary>
/// Amazon "ratings only" CSV files: <c>user,item,rating,timestamp</c> per line, no header. Fields may be
/// double-quoted (RFC 4180: a doubled quote inside a quoted field is a quote); quoted fields cannot span lines.
/// Exactly four columns; rating is a finite decimal number and timestamp an integer (Unix seconds).
/// </summary>
public sealed class RatingsCsvReader(string path, RawReadOptions? options = null) : RawReader<RawReview>(path, options)
{
    private const int Columns = 4;

    private protected override bool TryParse(ReadOnlySpan<byte> line, out RawReview record, out LineError error)
    {
        record = null!;
        var fields = new string[Columns];
        int count = 0, i = 0;
        while (true)
        {
            string value;
            if (i < line.Length && line[i] == '"')
            {
                var sb = new List<byte>();
                i++;
                while (true)
                {
                    if (i >= line.Length) { error = new(RawSkipReason.MalformedLine, $"unterminated quoted field {count + 1}"); return false; }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { sb.Add((byte)'"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    sb.Add(line[i++]);
                }
                if (i < line.Length && line[i] != ',')
                {
                    error = new(RawSkipReason.MalformedLine, $"unexpected '{(char)line[i]}' after quoted field {count + 1}");
                    return false;
                }
                value = Encoding.UTF8.GetString(sb.ToArray());
            }
            else
            {
                int end = line[i..].IndexOf((byte)',');
                end = end < 0 ? line.Length : i + end;
                var cell = line[i..end];
                if (cell.IndexOf((byte)'"') >= 0) { error = new(RawSkipReason.MalformedLine, $"stray quote in unquoted field {count + 1}"); return false; }
                value = Encoding.UTF8.GetString(cell);
                i = end;
            }
            if (count < Columns) fields[count] = value;
            count++;
            if (i >= line.Length) break;
            i++; // ','
            if (i == line.Length) { count++; break; } // trailing comma: an empty last field
        }
        if (count != Columns)
        {
            error = new(RawSkipReason.WrongColumnCount, $"expected {Columns} columns (user,item,rating,timestamp), found {count}");
            return false;
        }
        if (fields[0].Length == 0) { error = new(RawSkipReason.MissingField, "user is empty"); return false; }
        if (fields[1].Length == 0) { error = new(RawSkipReason.MissingField, "item is empty"); return false; }
        if (!float.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out float rating) || !float.IsFinite(rating))
        {
            error = new(RawSkipReason.BadNumber, $"rating '{fields[2]}' is not a number");
            return false;
        }
        if (!long.TryParse(fields[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long ts))
        {
            error = new(RawSkipReason.BadNumber, $"timestamp '{fields[3]}' is not an integer");
            return false;
        }
        record = new RawReview(fields[0], fields[1], rating, ts);
        error = default;
        return true;
    }
}
