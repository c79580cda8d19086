using System.Runtime.CompilerServices;
using System.Text;
using Cdsr.Data.DuckDb.Native;

namespace Cdsr.Data.DuckDb;

/// <summary>
/// A DuckDB data chunk: up to <see cref="Capacity"/> rows of column vectors. Chunks come from
/// <see cref="DuckDbResult.NextChunk"/> (read) or <see cref="Create"/> (filled here, then handed to
/// <see cref="DuckDbAppender.AppendChunk"/>). Spans returned by the accessors point into native memory and
/// are valid only until the chunk is disposed or reset.
/// </summary>
public sealed unsafe class DuckDbDataChunk : IDisposable
{
    private readonly DataChunkHandle _handle;
    private readonly DuckDbType[] _types;
    private readonly string[]? _names;
    private readonly IntPtr[] _vectors;
    // Read-only chunks (from a result) never change, so their size and column buffers are looked up once.
    private readonly bool _readOnly;
    private readonly int _fixedRows;
    private readonly IntPtr[]? _data;
    private readonly IntPtr[]? _validity;

    internal DuckDbDataChunk(DataChunkHandle handle, DuckDbType[] types, string[]? names, bool readOnly = false)
    {
        _handle = handle;
        _types = types;
        _names = names;
        _vectors = new IntPtr[types.Length];
        IntPtr h = handle.DangerousGetHandle();
        for (int i = 0; i < types.Length; i++)
            _vectors[i] = DuckDbNative.duckdb_data_chunk_get_vector(h, (ulong)i);
        _readOnly = readOnly;
        if (readOnly)
        {
            _fixedRows = (int)DuckDbNative.duckdb_data_chunk_get_size(h);
            _data = new IntPtr[types.Length];
            _validity = new IntPtr[types.Length];
            for (int i = 0; i < types.Length; i++)
            {
                _data[i] = (IntPtr)DuckDbNative.duckdb_vector_get_data(_vectors[i]);
                _validity[i] = (IntPtr)DuckDbNative.duckdb_vector_get_validity(_vectors[i]);
            }
        }
    }

    /// <summary>Rows a chunk holds at most (DuckDB's vector size, 2048 in standard builds).</summary>
    public static int Capacity { get; } = checked((int)DuckDbNative.duckdb_vector_size());

    /// <summary>Creates an empty writable chunk with the given column types.</summary>
    public static DuckDbDataChunk Create(IReadOnlyList<DuckDbType> types)
    {
        var logical = new LogicalTypeHandle[types.Count];
        var raw = new IntPtr[types.Count];
        try
        {
            for (int i = 0; i < types.Count; i++)
            {
                logical[i] = new LogicalTypeHandle();
                logical[i].Adopt(DuckDbNative.duckdb_create_logical_type((int)types[i]));
                raw[i] = logical[i].DangerousGetHandle();
            }
            var h = new DataChunkHandle();
            fixed (IntPtr* p = raw)
                h.Adopt(DuckDbNative.duckdb_create_data_chunk(p, (ulong)raw.Length));
            if (h.IsInvalid) throw new DuckDbException("duckdb_create_data_chunk failed");
            return new DuckDbDataChunk(h, types.ToArray(), null);
        }
        finally
        {
            foreach (var l in logical) l?.Dispose(); // the chunk keeps its own copies of the types
        }
    }

    internal IntPtr Handle => _handle.DangerousGetHandle();

    public int ColumnCount => _types.Length;

    public IReadOnlyList<DuckDbType> ColumnTypes => _types;

    /// <summary>Rows in the chunk. Set it after filling a writable chunk (at most <see cref="Capacity"/>).</summary>
    public int RowCount
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _readOnly ? _fixedRows : (int)DuckDbNative.duckdb_data_chunk_get_size(Handle);
        }
        set
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            if (_readOnly) throw new InvalidOperationException("a chunk read from a query result cannot be resized");
            if ((uint)value > (uint)Capacity)
                throw new ArgumentOutOfRangeException(nameof(value), $"a chunk holds 0..{Capacity} rows, got {value}");
            DuckDbNative.duckdb_data_chunk_set_size(Handle, (ulong)value);
        }
    }

    /// <summary>Empties a writable chunk so it can be filled again (clears validity masks and strings).</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (_readOnly) throw new InvalidOperationException("a chunk read from a query result cannot be reset");
        DuckDbNative.duckdb_data_chunk_reset(Handle);
    }

    // ---- reading ---------------------------------------------------------------------------------------

    /// <summary>The raw values of a fixed-width column (e.g. <c>long</c> for BIGINT, <c>double</c> for
    /// DOUBLE, <c>byte</c> for BOOLEAN); NULL rows hold unspecified values, check <see cref="IsValid"/>.</summary>
    public ReadOnlySpan<T> GetValues<T>(int column) where T : unmanaged => Values<T>(column)[..RowCount];

    /// <summary>True when the value at (column, row) is not NULL.</summary>
    public bool IsValid(int column, int row)
    {
        CheckRow(row);
        ulong* mask = Validity(column);
        return mask == null || (mask[row >> 6] & (1UL << (row & 63))) != 0;
    }

    /// <summary>True when the column has no NULL in this chunk (cheap: no mask means all valid).</summary>
    public bool AllValid(int column)
    {
        ulong* mask = Validity(column);
        if (mask == null) return true;
        int n = RowCount;
        for (int r = 0; r < n; r++)
            if ((mask[r >> 6] & (1UL << (r & 63))) == 0) return false;
        return true;
    }

    /// <summary>A VARCHAR value decoded from UTF-8, or null for SQL NULL.</summary>
    public string? GetString(int column, int row)
    {
        var bytes = GetStringBytes(column, row, out bool isNull);
        return isNull ? null : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>The UTF-8 bytes of a VARCHAR value (empty for NULL; <paramref name="isNull"/> tells which).</summary>
    public ReadOnlySpan<byte> GetStringBytes(int column, int row, out bool isNull)
    {
        CheckType(column, DuckDbType.Varchar, DuckDbType.Blob);
        CheckRow(row);
        if (!IsValid(column, row)) { isNull = true; return default; }
        isNull = false;
        var s = (DuckDbStringT*)Data(column) + row;
        int len = checked((int)s->Length);
        return len <= DuckDbStringT.InlineLength ? new ReadOnlySpan<byte>(s->Inlined, len) : new ReadOnlySpan<byte>(s->Pointer, len);
    }

    /// <summary>An integer-like value as long (BIGINT, INTEGER, SMALLINT, TINYINT, the unsigned types, BOOLEAN,
    /// and HUGEINT such as sum() returns; an out-of-range value throws <see cref="OverflowException"/>). The caller checks <see cref="IsValid"/> first.</summary>
    public long GetInt64(int column, int row)
    {
        CheckRow(row);
        void* d = Data(column);
        return _types[column] switch
        {
            DuckDbType.BigInt => ((long*)d)[row],
            DuckDbType.Integer => ((int*)d)[row],
            DuckDbType.SmallInt => ((short*)d)[row],
            DuckDbType.TinyInt => ((sbyte*)d)[row],
            DuckDbType.UInteger => ((uint*)d)[row],
            DuckDbType.USmallInt => ((ushort*)d)[row],
            DuckDbType.UTinyInt => ((byte*)d)[row],
            DuckDbType.Boolean => ((byte*)d)[row],
            DuckDbType.UBigInt => checked((long)((ulong*)d)[row]),
            DuckDbType.HugeInt => HugeToInt64(((ulong*)d)[2 * row], ((long*)d)[2 * row + 1], column),
            var t => throw new InvalidOperationException($"column {ColumnName(column)} is {t}, not an integer type"),
        };
    }

    // duckdb_hugeint: { uint64 lower; int64 upper; } = upper * 2^64 + lower.
    private long HugeToInt64(ulong lower, long upper, int column)
    {
        if ((upper == 0 && lower <= long.MaxValue) || (upper == -1 && lower > long.MaxValue)) return (long)lower;
        throw new OverflowException($"column {ColumnName(column)}: HUGEINT value does not fit in 64 bits");
    }

    // ---- writing ---------------------------------------------------------------------------------------

    /// <summary>The full-capacity value buffer of a fixed-width column, to fill before setting RowCount.</summary>
    public Span<T> GetWritableValues<T>(int column) where T : unmanaged
    {
        if (_readOnly) throw new InvalidOperationException("a chunk read from a query result is read-only");
        return Values<T>(column);
    }

    private Span<T> Values<T>(int column) where T : unmanaged
    {
        var t = _types[column < 0 || column >= _types.Length ? throw new ArgumentOutOfRangeException(nameof(column)) : column];
        int width = t switch
        {
            DuckDbType.Boolean or DuckDbType.TinyInt or DuckDbType.UTinyInt => 1,
            DuckDbType.SmallInt or DuckDbType.USmallInt => 2,
            DuckDbType.Integer or DuckDbType.UInteger or DuckDbType.Float or DuckDbType.Date => 4,
            DuckDbType.BigInt or DuckDbType.UBigInt or DuckDbType.Double or DuckDbType.Timestamp
                or DuckDbType.TimestampS or DuckDbType.TimestampMs or DuckDbType.TimestampNs or DuckDbType.Time => 8,
            _ => throw new InvalidOperationException($"column {ColumnName(column)} is {t}, not a fixed-width type"),
        };
        if (width != sizeof(T))
            throw new InvalidOperationException($"column {ColumnName(column)} is {t} ({width} bytes), cannot view it as {typeof(T).Name} ({sizeof(T)} bytes)");
        return new Span<T>(Data(column), Capacity);
    }

    /// <summary>Marks (column, row) as NULL in a writable chunk.</summary>
    public void SetNull(int column, int row)
    {
        if ((uint)row >= (uint)Capacity) throw new ArgumentOutOfRangeException(nameof(row));
        if (_readOnly) throw new InvalidOperationException("a chunk read from a query result is read-only");
        IntPtr v = VectorOf(column);
        DuckDbNative.duckdb_vector_ensure_validity_writable(v);
        ulong* mask = DuckDbNative.duckdb_vector_get_validity(v);
        mask[row >> 6] &= ~(1UL << (row & 63));
    }

    /// <summary>Stores a VARCHAR value (copied by DuckDB) at (column, row); null stores SQL NULL.</summary>
    public void SetString(int column, int row, string? value)
    {
        if (value is null) { SetNull(column, row); return; }
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 1024)
        {
            Span<byte> buf = stackalloc byte[max];
            int n = Encoding.UTF8.GetBytes(value, buf);
            SetString(column, row, buf[..n]);
        }
        else
        {
            SetString(column, row, Encoding.UTF8.GetBytes(value));
        }
    }

    /// <summary>Stores UTF-8 bytes as a VARCHAR value at (column, row).</summary>
    public void SetString(int column, int row, ReadOnlySpan<byte> utf8)
    {
        CheckType(column, DuckDbType.Varchar, DuckDbType.Blob);
        if (_readOnly) throw new InvalidOperationException("a chunk read from a query result is read-only");
        if ((uint)row >= (uint)Capacity) throw new ArgumentOutOfRangeException(nameof(row));
        fixed (byte* p = utf8)
            DuckDbNative.duckdb_vector_assign_string_element_len(_vectors[column], (ulong)row, p, (ulong)utf8.Length);
    }

    public void Dispose() => _handle.Dispose();

    // ---- helpers -----------------------------------------------------------------------------------------

    private string ColumnName(int column) => _names is null ? $"#{column}" : $"'{_names[column]}'";

    private IntPtr VectorOf(int column)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if ((uint)column >= (uint)_vectors.Length)
            throw new ArgumentOutOfRangeException(nameof(column), $"chunk has {_vectors.Length} columns, asked for {column}");
        return _vectors[column];
    }

    private ulong* Validity(int column)
    {
        IntPtr v = VectorOf(column);
        return _validity is null ? DuckDbNative.duckdb_vector_get_validity(v) : (ulong*)_validity[column];
    }

    private void* Data(int column)
    {
        IntPtr v = VectorOf(column);
        return _data is null ? DuckDbNative.duckdb_vector_get_data(v) : (void*)_data[column];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckRow(int row)
    {
        if ((uint)row >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(row), $"row {row} outside the chunk's {RowCount} rows");
    }

    private void CheckType(int column, DuckDbType a, DuckDbType b)
    {
        VectorOf(column);
        var t = _types[column];
        if (t != a && t != b) throw new InvalidOperationException($"column {ColumnName(column)} is {t}, expected {a}");
    }
}
