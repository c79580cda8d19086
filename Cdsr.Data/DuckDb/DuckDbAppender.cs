using System.Text;
using Cdsr.Data.DuckDb.Native;

namespace Cdsr.Data.DuckDb;

/// <summary>
/// Bulk insertion into one table. Append values column by column and call <see cref="EndRow"/>, or append
/// whole <see cref="DuckDbDataChunk"/>s. Call <see cref="Close"/> to flush and surface errors; disposing
/// without closing flushes too but cannot report a failure.
/// </summary>
public sealed unsafe class DuckDbAppender : IDisposable
{
    private readonly AppenderHandle _handle;

    internal DuckDbAppender(AppenderHandle handle, string table)
    {
        _handle = handle;
        Table = table;
        ColumnCount = (int)DuckDbNative.duckdb_appender_column_count(handle.DangerousGetHandle());
    }

    public string Table { get; }

    public int ColumnCount { get; }

    public void Append(long value) => Check(DuckDbNative.duckdb_append_int64(H, value), "append BIGINT");

    public void Append(int value) => Check(DuckDbNative.duckdb_append_int32(H, value), "append INTEGER");

    public void Append(double value) => Check(DuckDbNative.duckdb_append_double(H, value), "append DOUBLE");

    public void Append(float value) => Check(DuckDbNative.duckdb_append_float(H, value), "append FLOAT");

    public void Append(bool value) => Check(DuckDbNative.duckdb_append_bool(H, value), "append BOOLEAN");

    /// <summary>Appends a VARCHAR; null appends SQL NULL.</summary>
    public void Append(string? value)
    {
        if (value is null) { AppendNull(); return; }
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        fixed (byte* p = bytes)
            Check(DuckDbNative.duckdb_append_varchar_length(H, p, (ulong)bytes.Length), "append VARCHAR");
    }

    public void AppendNull() => Check(DuckDbNative.duckdb_append_null(H), "append NULL");

    /// <summary>Finishes the current row; every column must have received a value.</summary>
    public void EndRow() => Check(DuckDbNative.duckdb_appender_end_row(H), "end row");

    /// <summary>Appends all rows of a chunk whose column types match the table.</summary>
    public void AppendChunk(DuckDbDataChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        Check(DuckDbNative.duckdb_append_data_chunk(H, chunk.Handle), "append chunk");
    }

    /// <summary>Writes buffered rows into the table.</summary>
    public void Flush() => Check(DuckDbNative.duckdb_appender_flush(H), "flush");

    /// <summary>Flushes and closes; further appends fail. Throws if the final flush fails.</summary>
    public void Close() => Check(DuckDbNative.duckdb_appender_close(H), "close");

    public void Dispose() => _handle.Dispose();

    private IntPtr H
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    private void Check(int state, string what)
    {
        if (state == DuckDbNative.Success) return;
        string msg = DuckDbNative.Utf8(DuckDbNative.duckdb_appender_error(H)) ?? "unknown error";
        throw new DuckDbException($"appender for table '{Table}': {what} failed: {msg}");
    }
}
