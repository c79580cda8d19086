using Cdsr.Data.DuckDb.Native;

namespace Cdsr.Data.DuckDb;

/// <summary>
/// An embedded DuckDB instance, in memory or backed by a file. Owns its native handle; dispose it after every
/// connection opened on it.
/// </summary>
public sealed class DuckDbDatabase : IDisposable
{
    private readonly DatabaseHandle _handle;

    private DuckDbDatabase(DatabaseHandle handle, string? path)
    {
        _handle = handle;
        Path = path;
    }

    /// <summary>The database file, or null for an in-memory database.</summary>
    public string? Path { get; }

    /// <summary>Native DuckDB handles currently alive in this process (databases, connections, results,
    /// chunks, appenders, types); lets tests assert that nothing leaks.</summary>
    public static long LiveHandleCount => DuckDbSafeHandle.LiveCount;

    /// <summary>The linked DuckDB library version, e.g. "v1.5.6".</summary>
    public static unsafe string LibraryVersion => DuckDbNative.Utf8(DuckDbNative.duckdb_library_version()) ?? "";

    /// <summary>Opens an in-memory database.</summary>
    public static DuckDbDatabase OpenInMemory(IReadOnlyDictionary<string, string>? config = null) => Open(null, config);

    /// <summary>
    /// Opens (or creates) the database file at <paramref name="path"/>, or an in-memory database when it is null.
    /// <paramref name="config"/> holds DuckDB settings such as <c>threads</c> or <c>memory_limit</c>.
    /// </summary>
    public static unsafe DuckDbDatabase Open(string? path, IReadOnlyDictionary<string, string>? config = null)
    {
        IntPtr cfg = IntPtr.Zero;
        try
        {
            if (config is { Count: > 0 })
            {
                if (DuckDbNative.duckdb_create_config(out cfg) != DuckDbNative.Success)
                    throw new DuckDbException("duckdb_create_config failed (out of memory?)");
                foreach (var (k, v) in config)
                    if (DuckDbNative.duckdb_set_config(cfg, k, v) != DuckDbNative.Success)
                        throw new DuckDbException($"invalid DuckDB setting {k}='{v}'");
            }
            var handle = new DatabaseHandle();
            int state = DuckDbNative.duckdb_open_ext(path, out var db, cfg, out var err);
            if (state != DuckDbNative.Success)
            {
                string msg = DuckDbNative.Utf8((byte*)err) ?? "unknown error";
                if (err != IntPtr.Zero) DuckDbNative.duckdb_free(err);
                if (db != IntPtr.Zero) DuckDbNative.duckdb_close(ref db);
                throw new DuckDbException($"cannot open DuckDB database '{path ?? ":memory:"}': {msg}");
            }
            handle.Adopt(db);
            return new DuckDbDatabase(handle, path);
        }
        finally
        {
            if (cfg != IntPtr.Zero) DuckDbNative.duckdb_destroy_config(ref cfg);
        }
    }

    /// <summary>Opens a new connection; connections are not thread-safe, use one per thread.</summary>
    public DuckDbConnection Connect()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            var conn = new ConnectionHandle();
            if (DuckDbNative.duckdb_connect(_handle.DangerousGetHandle(), out var c) != DuckDbNative.Success)
            {
                if (c != IntPtr.Zero) DuckDbNative.duckdb_disconnect(ref c);
                throw new DuckDbException($"cannot connect to DuckDB database '{Path ?? ":memory:"}'");
            }
            conn.Adopt(c);
            return new DuckDbConnection(conn, this);
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public void Dispose() => _handle.Dispose();
}
