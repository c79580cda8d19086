using System.Runtime.InteropServices;

namespace Cdsr.Data.DuckDb.Native;

/// <summary>
/// The part of DuckDB's C API (duckdb.h, DuckDB 1.5) this binding uses. Every handle type has its
/// destroy function here; ownership lives in the <see cref="DuckDbSafeHandle"/> subclasses. DuckDB's C API
/// reports failure through return states and error strings, never through C++ exceptions, and this binding
/// registers no callbacks, so no managed exception can unwind through native frames.
/// </summary>
internal static unsafe partial class DuckDbNative
{
    // Resolved by the runtime as libduckdb.so beside the assembly (copied there by Cdsr.Data.csproj).
    private const string Lib = "duckdb";

    public const int Success = 0;

    // ---- database / connection -----------------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "duckdb_open_ext", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int duckdb_open_ext(string? path, out IntPtr database, IntPtr config, out IntPtr error);

    [LibraryImport(Lib, EntryPoint = "duckdb_close")]
    public static partial void duckdb_close(ref IntPtr database);

    [LibraryImport(Lib, EntryPoint = "duckdb_create_config")]
    public static partial int duckdb_create_config(out IntPtr config);

    [LibraryImport(Lib, EntryPoint = "duckdb_set_config", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int duckdb_set_config(IntPtr config, string name, string option);

    [LibraryImport(Lib, EntryPoint = "duckdb_destroy_config")]
    public static partial void duckdb_destroy_config(ref IntPtr config);

    [LibraryImport(Lib, EntryPoint = "duckdb_connect")]
    public static partial int duckdb_connect(IntPtr database, out IntPtr connection);

    [LibraryImport(Lib, EntryPoint = "duckdb_disconnect")]
    public static partial void duckdb_disconnect(ref IntPtr connection);

    [LibraryImport(Lib, EntryPoint = "duckdb_library_version")]
    public static partial byte* duckdb_library_version();

    [LibraryImport(Lib, EntryPoint = "duckdb_free")]
    public static partial void duckdb_free(IntPtr ptr);

    [LibraryImport(Lib, EntryPoint = "duckdb_vector_size")]
    public static partial ulong duckdb_vector_size();

    // ---- query results ---------------------------------------------------------------------------------
    // duckdb_result is a caller-owned struct (6 pointer-sized fields); the binding keeps it in native memory.
    [LibraryImport(Lib, EntryPoint = "duckdb_query", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int duckdb_query(IntPtr connection, string sql, DuckDbResultStruct* result);

    [LibraryImport(Lib, EntryPoint = "duckdb_destroy_result")]
    public static partial void duckdb_destroy_result(DuckDbResultStruct* result);

    [LibraryImport(Lib, EntryPoint = "duckdb_result_error")]
    public static partial byte* duckdb_result_error(DuckDbResultStruct* result);

    [LibraryImport(Lib, EntryPoint = "duckdb_column_count")]
    public static partial ulong duckdb_column_count(DuckDbResultStruct* result);

    [LibraryImport(Lib, EntryPoint = "duckdb_row_count")]
    public static partial ulong duckdb_row_count(DuckDbResultStruct* result);

    [LibraryImport(Lib, EntryPoint = "duckdb_rows_changed")]
    public static partial ulong duckdb_rows_changed(DuckDbResultStruct* result);

    [LibraryImport(Lib, EntryPoint = "duckdb_column_name")]
    public static partial byte* duckdb_column_name(DuckDbResultStruct* result, ulong column);

    [LibraryImport(Lib, EntryPoint = "duckdb_column_type")]
    public static partial int duckdb_column_type(DuckDbResultStruct* result, ulong column);

    // Takes the result struct by value (as duckdb.h declares it); returns null when exhausted.
    [LibraryImport(Lib, EntryPoint = "duckdb_fetch_chunk")]
    public static partial IntPtr duckdb_fetch_chunk(DuckDbResultStruct result);

    // ---- data chunks and vectors ------------------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "duckdb_create_data_chunk")]
    public static partial IntPtr duckdb_create_data_chunk(IntPtr* types, ulong columnCount);

    [LibraryImport(Lib, EntryPoint = "duckdb_destroy_data_chunk")]
    public static partial void duckdb_destroy_data_chunk(ref IntPtr chunk);

    [LibraryImport(Lib, EntryPoint = "duckdb_data_chunk_reset")]
    public static partial void duckdb_data_chunk_reset(IntPtr chunk);

    [LibraryImport(Lib, EntryPoint = "duckdb_data_chunk_get_column_count")]
    public static partial ulong duckdb_data_chunk_get_column_count(IntPtr chunk);

    [LibraryImport(Lib, EntryPoint = "duckdb_data_chunk_get_size")]
    public static partial ulong duckdb_data_chunk_get_size(IntPtr chunk);

    [LibraryImport(Lib, EntryPoint = "duckdb_data_chunk_set_size")]
    public static partial void duckdb_data_chunk_set_size(IntPtr chunk, ulong size);

    [LibraryImport(Lib, EntryPoint = "duckdb_data_chunk_get_vector")]
    public static partial IntPtr duckdb_data_chunk_get_vector(IntPtr chunk, ulong column);

    [LibraryImport(Lib, EntryPoint = "duckdb_vector_get_data")]
    public static partial void* duckdb_vector_get_data(IntPtr vector);

    [LibraryImport(Lib, EntryPoint = "duckdb_vector_get_validity")]
    public static partial ulong* duckdb_vector_get_validity(IntPtr vector);

    [LibraryImport(Lib, EntryPoint = "duckdb_vector_ensure_validity_writable")]
    public static partial void duckdb_vector_ensure_validity_writable(IntPtr vector);

    [LibraryImport(Lib, EntryPoint = "duckdb_vector_assign_string_element_len")]
    public static partial void duckdb_vector_assign_string_element_len(IntPtr vector, ulong index, byte* str, ulong length);

    [LibraryImport(Lib, EntryPoint = "duckdb_vector_get_column_type")]
    public static partial IntPtr duckdb_vector_get_column_type(IntPtr vector);

    // ---- logical types -----------------------------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "duckdb_create_logical_type")]
    public static partial IntPtr duckdb_create_logical_type(int type);

    [LibraryImport(Lib, EntryPoint = "duckdb_get_type_id")]
    public static partial int duckdb_get_type_id(IntPtr logicalType);

    [LibraryImport(Lib, EntryPoint = "duckdb_destroy_logical_type")]
    public static partial void duckdb_destroy_logical_type(ref IntPtr logicalType);

    // ---- appender ------------------------------------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "duckdb_appender_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int duckdb_appender_create(IntPtr connection, string? schema, string table, out IntPtr appender);

    [LibraryImport(Lib, EntryPoint = "duckdb_appender_error")]
    public static partial byte* duckdb_appender_error(IntPtr appender);

    [LibraryImport(Lib, EntryPoint = "duckdb_appender_column_count")]
    public static partial ulong duckdb_appender_column_count(IntPtr appender);

    [LibraryImport(Lib, EntryPoint = "duckdb_appender_flush")]
    public static partial int duckdb_appender_flush(IntPtr appender);

    [LibraryImport(Lib, EntryPoint = "duckdb_appender_close")]
    public static partial int duckdb_appender_close(IntPtr appender);

    [LibraryImport(Lib, EntryPoint = "duckdb_appender_destroy")]
    public static partial int duckdb_appender_destroy(ref IntPtr appender);

    [LibraryImport(Lib, EntryPoint = "duckdb_appender_end_row")]
    public static partial int duckdb_appender_end_row(IntPtr appender);

    [LibraryImport(Lib, EntryPoint = "duckdb_append_bool")]
    public static partial int duckdb_append_bool(IntPtr appender, [MarshalAs(UnmanagedType.U1)] bool value);

    [LibraryImport(Lib, EntryPoint = "duckdb_append_int32")]
    public static partial int duckdb_append_int32(IntPtr appender, int value);

    [LibraryImport(Lib, EntryPoint = "duckdb_append_int64")]
    public static partial int duckdb_append_int64(IntPtr appender, long value);

    [LibraryImport(Lib, EntryPoint = "duckdb_append_float")]
    public static partial int duckdb_append_float(IntPtr appender, float value);

    [LibraryImport(Lib, EntryPoint = "duckdb_append_double")]
    public static partial int duckdb_append_double(IntPtr appender, double value);

    [LibraryImport(Lib, EntryPoint = "duckdb_append_varchar_length")]
    public static partial int duckdb_append_varchar_length(IntPtr appender, byte* value, ulong length);

    [LibraryImport(Lib, EntryPoint = "duckdb_append_null")]
    public static partial int duckdb_append_null(IntPtr appender);

    [LibraryImport(Lib, EntryPoint = "duckdb_append_data_chunk")]
    public static partial int duckdb_append_data_chunk(IntPtr appender, IntPtr chunk);

    /// <summary>Decodes a NUL-terminated UTF-8 string owned by DuckDB (not freed here).</summary>
    public static string? Utf8(byte* s) => s == null ? null : Marshal.PtrToStringUTF8((IntPtr)s);
}

/// <summary>
/// duckdb_result as laid out in duckdb.h: five deprecated fields (column count, row count, rows changed,
/// columns pointer, error message) followed by the internal data pointer; 48 bytes on 64-bit targets.
/// Only DuckDB reads or writes its fields.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbResultStruct
{
    public ulong DeprecatedColumnCount;
    public ulong DeprecatedRowCount;
    public ulong DeprecatedRowsChanged;
    public IntPtr DeprecatedColumns;
    public IntPtr DeprecatedErrorMessage;
    public IntPtr InternalData;
}

/// <summary>
/// duckdb_string_t: 16 bytes. Strings of at most 12 bytes are inlined after the 4-byte length; longer ones
/// keep a 4-byte prefix and then a pointer to the bytes at offset 8.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal unsafe struct DuckDbStringT
{
    public const int InlineLength = 12;
    [FieldOffset(0)] public uint Length;
    [FieldOffset(4)] public fixed byte Inlined[12];
    [FieldOffset(8)] public byte* Pointer;
}
