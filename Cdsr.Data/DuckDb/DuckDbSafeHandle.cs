using System.Runtime.InteropServices;
using Cdsr.Data.DuckDb.Native;

namespace Cdsr.Data.DuckDb;

/// <summary>
/// Base of every DuckDB handle owner. Counts live native handles so tests can assert that a workload releases
/// everything it opened (<see cref="LiveCount"/>).
/// </summary>
internal abstract class DuckDbSafeHandle : SafeHandle
{
    private static long _live;

    /// <summary>Native DuckDB handles currently owned by managed objects, across all databases.</summary>
    public static long LiveCount => Interlocked.Read(ref _live);

    protected DuckDbSafeHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes ownership of a handle DuckDB returned; null handles are not counted.</summary>
    internal void Adopt(IntPtr value)
    {
        SetHandle(value);
        if (value != IntPtr.Zero) Interlocked.Increment(ref _live);
    }

    protected sealed override bool ReleaseHandle()
    {
        Destroy(handle);
        Interlocked.Decrement(ref _live);
        return true;
    }

    protected abstract void Destroy(IntPtr value);
}

internal sealed class DatabaseHandle : DuckDbSafeHandle
{
    protected override void Destroy(IntPtr value) => DuckDbNative.duckdb_close(ref value);
}

internal sealed class ConnectionHandle : DuckDbSafeHandle
{
    protected override void Destroy(IntPtr value) => DuckDbNative.duckdb_disconnect(ref value);
}

internal sealed class DataChunkHandle : DuckDbSafeHandle
{
    protected override void Destroy(IntPtr value) => DuckDbNative.duckdb_destroy_data_chunk(ref value);
}

internal sealed class AppenderHandle : DuckDbSafeHandle
{
    // duckdb_appender_destroy also flushes; a failure there is reported by DuckDbAppender.Close, which callers
    // run explicitly. Here (dispose / finalizer) the state is ignored because nothing may throw.
    protected override void Destroy(IntPtr value) => DuckDbNative.duckdb_appender_destroy(ref value);
}

internal sealed class LogicalTypeHandle : DuckDbSafeHandle
{
    protected override void Destroy(IntPtr value) => DuckDbNative.duckdb_destroy_logical_type(ref value);
}

/// <summary>Owns a duckdb_result struct allocated in native memory (DuckDB fills it; we destroy and free it).</summary>
internal sealed unsafe class ResultHandle : DuckDbSafeHandle
{
    public static ResultHandle Allocate()
    {
        var h = new ResultHandle();
        var p = (DuckDbResultStruct*)NativeMemory.AllocZeroed((nuint)sizeof(DuckDbResultStruct));
        h.Adopt((IntPtr)p);
        return h;
    }

    public DuckDbResultStruct* Pointer => (DuckDbResultStruct*)handle;

    protected override void Destroy(IntPtr value)
    {
        DuckDbNative.duckdb_destroy_result((DuckDbResultStruct*)value);
        NativeMemory.Free((void*)value);
    }
}
