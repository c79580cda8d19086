using Cdsr.Data.DuckDb;
using Cdsr.Data.Storage;

namespace Cdsr.Data.Raw;

/// <summary>
/// Reads Amazon 2018 (or 2014) review JSON lines (plain or gzip, detected by magic bytes) with DuckDB's built-in
/// <c>read_json</c> instead of the managed reader: an alternative path to compare against
/// <see cref="Amazon2018ReviewReader"/>. DuckDB parses in parallel and materializes the four columns before
/// the first record is returned, so memory grows with the file (unlike the streaming managed reader).
/// There is no lenient mode: DuckDB's JSON parse errors and rows with a missing
/// field become <see cref="InvalidDataException"/>s naming the file.
/// </summary>
public sealed class DuckDbReviewJsonReader(string path, int? threads = null)
{
    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>Records in file order.</summary>
    public IEnumerable<RawReview> Read()
    {
        string full = System.IO.Path.GetFullPath(Path);
        if (!File.Exists(full)) throw new FileNotFoundException($"input file '{full}' does not exist", full);
        string compression = IsGzip(full) ? "gzip" : "uncompressed";
        var config = threads is int t ? new Dictionary<string, string> { ["threads"] = t.ToString() } : null;
        using var db = DuckDbDatabase.OpenInMemory(config);
        using var conn = db.Connect();
        string sql =
            "SELECT reviewerID, asin, overall, unixReviewTime FROM read_json(" + ParquetTable.Literal(full) +
            $", format = 'newline_delimited', compression = '{compression}', " +
            "columns = {reviewerID: 'VARCHAR', asin: 'VARCHAR', overall: 'DOUBLE', unixReviewTime: 'BIGINT'})";
        DuckDbResult result;
        try
        {
            result = conn.Query(sql);
        }
        catch (DuckDbException e)
        {
            throw new InvalidDataException($"{full}: DuckDB read_json failed: {e.NativeMessage}", e);
        }
        using (result)
        {
            long record = 0;
            string[] names = { "reviewerID", "asin", "overall", "unixReviewTime" };
            while (result.NextChunk() is { } chunk)
            {
                using (chunk)
                {
                    int n = chunk.RowCount;
                    for (int c = 0; c < 4; c++)
                        if (!chunk.AllValid(c))
                        {
                            int r = Enumerable.Range(0, n).First(r => !chunk.IsValid(c, r));
                            throw new InvalidDataException(
                                $"{full}: record {record + r + 1} (counting non-blank lines): required field '{names[c]}' is missing or null");
                        }
                    var rating = chunk.GetValues<double>(2).ToArray();
                    var time = chunk.GetValues<long>(3).ToArray();
                    var buffer = new RawReview[n];
                    for (int r = 0; r < n; r++)
                        buffer[r] = new RawReview(chunk.GetString(0, r)!, chunk.GetString(1, r)!, (float)rating[r], time[r]);
                    record += n;
                    foreach (var review in buffer) yield return review;
                }
            }
        }
    }

    public List<RawReview> ReadAll() => Read().ToList();

    private static bool IsGzip(string path)
    {
        Span<byte> head = stackalloc byte[2];
        using var f = File.OpenRead(path);
        int n = f.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        return GzipDecompressStream.HasGzipMagic(head[..n]);
    }
}
