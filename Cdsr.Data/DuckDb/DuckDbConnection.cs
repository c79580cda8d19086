using Cdsr.Data.DuckDb.Native;

namespace Cdsr.Data.DuckDb;

/// <summary>
/// A connection to a <see cref="DuckDbDatabase"/>. Runs SQL, returns results read chunk by chunk, and creates
/// appenders. Not thread-safe; dispose before the database.
/// </summary>
public sealed class DuckDbConnection : IDisposable
{
    private readonly ConnectionHandle _handle;

    internal DuckDbConnection(ConnectionHandle handle, DuckDbDatabase database)
    {
        _handle = handle;
        Database = database;
    }

    public DuckDbDatabase Database { get; }

    /// <summary>Runs one or more statements and returns the rows changed by the last one (0 for DDL).</summary>
    /// <exception cref="DuckDbException">DuckDB rejected the SQL; the message holds DuckDB's error and the SQL.</exception>
    public unsafe long Execute(string sql)
    {
        using var result = RunQuery(sql);
        return (long)DuckDbNative.duckdb_rows_changed(result.Pointer);
    }

    /// <summary>Runs a query and returns its (materialized) result; dispose it when done.</summary>
    public DuckDbResult Query(string sql) => new(RunQuery(sql), sql);

    /// <summary>Runs a query that yields one row with one column and returns it as a 64-bit integer
    /// (BIGINT, INTEGER, SMALLINT, TINYINT, UINTEGER or BOOLEAN).</summary>
    public long QueryInt64(string sql)
    {
        using var r = Query(sql);
        using var chunk = r.NextChunk() ?? throw new DuckDbException("query returned no rows", sql);
        if (chunk.RowCount < 1 || r.ColumnCount < 1) throw new DuckDbException("query returned no rows", sql);
        if (!chunk.IsValid(0, 0)) throw new DuckDbException("query returned NULL", sql);
        return chunk.GetInt64(0, 0);
    }

    /// <summary>Runs a query that yields one row with one VARCHAR column (null for SQL NULL).</summary>
    public string? QueryString(string sql)
    {
        using var r = Query(sql);
        using var chunk = r.NextChunk() ?? throw new DuckDbException("query returned no rows", sql);
        if (chunk.RowCount < 1 || r.ColumnCount < 1) throw new DuckDbException("query returned no rows", sql);
        return chunk.GetString(0, 0);
    }

    /// <summary>Creates an appender that inserts rows into an existing table (fast bulk load).</summary>
    public unsafe DuckDbAppender CreateAppender(string table, string? schema = null)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var h = new AppenderHandle();
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            int state = DuckDbNative.duckdb_appender_create(_handle.DangerousGetHandle(), schema, table, out var a);
            h.Adopt(a); // DuckDB may hand out an appender object even on failure; it still has to be destroyed.
            if (state != DuckDbNative.Success)
            {
                string msg = a == IntPtr.Zero ? "unknown error" : DuckDbNative.Utf8(DuckDbNative.duckdb_appender_error(a)) ?? "unknown error";
                h.Dispose();
                throw new DuckDbException($"cannot create appender for table '{table}': {msg}");
            }
            return new DuckDbAppender(h, table);
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    private unsafe ResultHandle RunQuery(string sql)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var result = ResultHandle.Allocate();
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            int state = DuckDbNative.duckdb_query(_handle.DangerousGetHandle(), sql, result.Pointer);
            if (state != DuckDbNative.Success)
            {
                string msg = DuckDbNative.Utf8(DuckDbNative.duckdb_result_error(result.Pointer)) ?? "unknown error";
                result.Dispose();
                throw new DuckDbException(msg, sql);
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public void Dispose() => _handle.Dispose();
}
