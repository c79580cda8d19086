using Cdsr.Data.DuckDb;

namespace Cdsr.Data.Storage;

/// <summary>Options for <see cref="ParquetTable.Write(Table, string, ParquetWriteOptions?)"/>.</summary>
public sealed record ParquetWriteOptions
{
    /// <summary>Parquet page compression: "snappy" (DuckDB's default), "zstd", "gzip" or "uncompressed".</summary>
    public string Compression { get; init; } = "snappy";

    /// <summary>Rows per Parquet row group; null keeps DuckDB's default (122,880).</summary>
    public int? RowGroupSize { get; init; }
}

/// <summary>
/// Reads and writes a <see cref="Table"/> as a Parquet file through embedded DuckDB. Writing goes through a
/// temporary file beside the target that is renamed over it only after DuckDB finished, so a failed or
/// interrupted write never replaces a good file. Column types map one to one: Int64 = INT64, Int32 = INT32,
/// Double = DOUBLE, Single = FLOAT, Boolean = BOOLEAN, String = UTF-8 BYTE_ARRAY (nullable).
/// </summary>
public static class ParquetTable
{
    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/> (replacing it atomically).</summary>
    /// <exception cref="ArgumentException">The table has no columns (Parquet needs at least one).</exception>
    /// <exception cref="IOException">DuckDB could not write the file; the message names the path.</exception>
    public static void Write(Table table, string path, ParquetWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new ParquetWriteOptions();
        if (table.ColumnCount == 0)
            throw new ArgumentException($"cannot write '{path}': a Parquet file needs at least one column", nameof(table));
        if (options.RowGroupSize is <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"RowGroupSize must be positive, got {options.RowGroupSize}");
        if (options.Compression.Any(ch => !char.IsAsciiLetterOrDigit(ch)))
            throw new ArgumentException($"invalid Parquet compression '{options.Compression}'", nameof(options));

        string full = Path.GetFullPath(path);
        string tmp = $"{full}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp";
        try
        {
            using (var db = DuckDbDatabase.OpenInMemory())
            using (var conn = db.Connect())
            {
                string cols = string.Join(", ", table.Columns.Select(c => $"{Quote(c.Name)} {SqlType(c.Type)}"));
                conn.Execute($"CREATE TABLE t ({cols})");
                AppendAll(conn, table);
                string rowGroup = options.RowGroupSize is int rg ? $", ROW_GROUP_SIZE {rg}" : "";
                try
                {
                    conn.Execute($"COPY t TO {Literal(tmp)} (FORMAT PARQUET, COMPRESSION {options.Compression}{rowGroup})");
                }
                catch (DuckDbException e)
                {
                    throw new IOException($"cannot write Parquet file '{full}': {e.NativeMessage}", e);
                }
            }
            File.Move(tmp, full, overwrite: true); // rename(2) on the same directory: atomic
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Reads a Parquet file into a table; every column must be one of the six supported types.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not valid Parquet, or holds an unsupported column type
    /// or a null in a non-string column; the message names the file (and the column).</exception>
    public static Table Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"Parquet file '{full}' does not exist", full);

        using var db = DuckDbDatabase.OpenInMemory();
        using var conn = db.Connect();
        DuckDbResult result;
        try
        {
            result = conn.Query($"SELECT * FROM read_parquet({Literal(full)})");
        }
        catch (DuckDbException e)
        {
            throw new InvalidDataException($"cannot read Parquet file '{full}': {e.NativeMessage}", e);
        }
        using (result)
        {
            int n = checked((int)result.RowCount);
            var columns = new Column[result.ColumnCount];
            for (int c = 0; c < columns.Length; c++)
            {
                var type = FromDuckDb(result.ColumnTypes[c])
                    ?? throw new InvalidDataException(
                        $"Parquet file '{full}': column '{result.ColumnNames[c]}' has type {result.ColumnTypes[c]}; supported: BIGINT, INTEGER, DOUBLE, FLOAT, BOOLEAN, VARCHAR");
                columns[c] = Column.Allocate(result.ColumnNames[c], type, n);
            }
            int offset = 0;
            while (result.NextChunk() is { } chunk)
            {
                using (chunk)
                {
                    int rows = chunk.RowCount;
                    if (offset + rows > n)
                        throw new InvalidDataException($"Parquet file '{full}': DuckDB returned more rows than its count {n}");
                    for (int c = 0; c < columns.Length; c++)
                        CopyChunk(chunk, c, columns[c], offset, rows, full);
                    offset += rows;
                }
            }
            if (offset != n)
                throw new InvalidDataException($"Parquet file '{full}': read {offset} rows, expected {n}");
            return new Table(columns);
        }
    }

    private static void AppendAll(DuckDbConnection conn, Table table)
    {
        var types = table.Columns.Select(c => ToDuckDb(c.Type)).ToArray();
        using var appender = conn.CreateAppender("t");
        using var chunk = DuckDbDataChunk.Create(types);
        int cap = DuckDbDataChunk.Capacity;
        for (int start = 0; start < table.RowCount; start += cap)
        {
            int rows = Math.Min(cap, table.RowCount - start);
            chunk.Reset();
            for (int c = 0; c < table.ColumnCount; c++)
                FillChunk(chunk, c, table.Columns[c], start, rows);
            chunk.RowCount = rows;
            appender.AppendChunk(chunk);
        }
        appender.Close();
    }

    private static void FillChunk(DuckDbDataChunk chunk, int c, Column column, int start, int rows)
    {
        switch (column)
        {
            case Int64Column x: x.Values.AsSpan(start, rows).CopyTo(chunk.GetWritableValues<long>(c)); break;
            case Int32Column x: x.Values.AsSpan(start, rows).CopyTo(chunk.GetWritableValues<int>(c)); break;
            case DoubleColumn x: x.Values.AsSpan(start, rows).CopyTo(chunk.GetWritableValues<double>(c)); break;
            case SingleColumn x: x.Values.AsSpan(start, rows).CopyTo(chunk.GetWritableValues<float>(c)); break;
            case BooleanColumn x:
                {
                    var dst = chunk.GetWritableValues<byte>(c);
                    for (int r = 0; r < rows; r++) dst[r] = x.Values[start + r] ? (byte)1 : (byte)0;
                    break;
                }
            case StringColumn x:
                for (int r = 0; r < rows; r++) chunk.SetString(c, r, x.Values[start + r]);
                break;
            default: throw new NotSupportedException($"column '{column.Name}' of type {column.Type}");
        }
    }

    private static void CopyChunk(DuckDbDataChunk chunk, int c, Column column, int offset, int rows, string file)
    {
        if (column is StringColumn s)
        {
            for (int r = 0; r < rows; r++) s.Values[offset + r] = chunk.GetString(c, r);
            return;
        }
        if (!chunk.AllValid(c))
        {
            int bad = Enumerable.Range(0, rows).First(r => !chunk.IsValid(c, r));
            throw new InvalidDataException(
                $"Parquet file '{file}': column '{column.Name}' ({column.Type}) has a NULL at row {offset + bad}; only String columns may hold nulls");
        }
        switch (column)
        {
            case Int64Column x: chunk.GetValues<long>(c).CopyTo(x.Values.AsSpan(offset, rows)); break;
            case Int32Column x: chunk.GetValues<int>(c).CopyTo(x.Values.AsSpan(offset, rows)); break;
            case DoubleColumn x: chunk.GetValues<double>(c).CopyTo(x.Values.AsSpan(offset, rows)); break;
            case SingleColumn x: chunk.GetValues<float>(c).CopyTo(x.Values.AsSpan(offset, rows)); break;
            case BooleanColumn x:
                {
                    var src = chunk.GetValues<byte>(c);
                    for (int r = 0; r < rows; r++) x.Values[offset + r] = src[r] != 0;
                    break;
                }
        }
    }

    private static string SqlType(ColumnType t) => t switch
    {
        ColumnType.Int64 => "BIGINT",
        ColumnType.Int32 => "INTEGER",
        ColumnType.Double => "DOUBLE",
        ColumnType.Single => "FLOAT",
        ColumnType.Boolean => "BOOLEAN",
        ColumnType.String => "VARCHAR",
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, null),
    };

    private static DuckDbType ToDuckDb(ColumnType t) => t switch
    {
        ColumnType.Int64 => DuckDbType.BigInt,
        ColumnType.Int32 => DuckDbType.Integer,
        ColumnType.Double => DuckDbType.Double,
        ColumnType.Single => DuckDbType.Float,
        ColumnType.Boolean => DuckDbType.Boolean,
        ColumnType.String => DuckDbType.Varchar,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, null),
    };

    private static ColumnType? FromDuckDb(DuckDbType t) => t switch
    {
        DuckDbType.BigInt => ColumnType.Int64,
        DuckDbType.Integer => ColumnType.Int32,
        DuckDbType.Double => ColumnType.Double,
        DuckDbType.Float => ColumnType.Single,
        DuckDbType.Boolean => ColumnType.Boolean,
        DuckDbType.Varchar => ColumnType.String,
        _ => null,
    };

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    internal static string Literal(string value) => "'" + value.Replace("'", "''") + "'";
}
