using Cdsr.Data.DuckDb.Native;

namespace Cdsr.Data.DuckDb;

/// <summary>
/// A query result. Column metadata is available at once; rows are read as <see cref="DuckDbDataChunk"/>s of
/// up to 2048 rows with <see cref="NextChunk"/>.
/// </summary>
public sealed unsafe class DuckDbResult : IDisposable
{
    private readonly ResultHandle _handle;
    private readonly DuckDbType[] _types;
    private readonly string[] _names;

    internal DuckDbResult(ResultHandle handle, string sql)
    {
        _handle = handle;
        Sql = sql;
        int n = checked((int)DuckDbNative.duckdb_column_count(handle.Pointer));
        _types = new DuckDbType[n];
        _names = new string[n];
        for (int i = 0; i < n; i++)
        {
            _types[i] = (DuckDbType)DuckDbNative.duckdb_column_type(handle.Pointer, (ulong)i);
            _names[i] = DuckDbNative.Utf8(DuckDbNative.duckdb_column_name(handle.Pointer, (ulong)i)) ?? $"column{i}";
        }
    }

    /// <summary>The SQL that produced this result (for error messages).</summary>
    public string Sql { get; }

    public int ColumnCount => _types.Length;

    public IReadOnlyList<string> ColumnNames => _names;

    public IReadOnlyList<DuckDbType> ColumnTypes => _types;

    /// <summary>Total rows of the materialized result.</summary>
    public long RowCount
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return (long)DuckDbNative.duckdb_row_count(_handle.Pointer);
        }
    }

    /// <summary>The next chunk of rows, or null when the result is exhausted. Dispose each chunk.</summary>
    public DuckDbDataChunk? NextChunk()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var h = new DataChunkHandle();
        IntPtr c = DuckDbNative.duckdb_fetch_chunk(*_handle.Pointer);
        if (c == IntPtr.Zero) return null;
        h.Adopt(c);
        return new DuckDbDataChunk(h, _types, _names, readOnly: true);
    }

    public void Dispose() => _handle.Dispose();
}
