namespace Cdsr.Data.Storage;

/// <summary>The element type of a <see cref="Column"/>.</summary>
public enum ColumnType
{
    /// <summary>long, stored as Parquet INT64.</summary>
    Int64,
    /// <summary>int, stored as Parquet INT32.</summary>
    Int32,
    /// <summary>double, stored as Parquet DOUBLE.</summary>
    Double,
    /// <summary>float, stored as Parquet FLOAT.</summary>
    Single,
    /// <summary>bool, stored as Parquet BOOLEAN.</summary>
    Boolean,
    /// <summary>string?, stored as Parquet UTF-8 BYTE_ARRAY; the only type that may hold nulls.</summary>
    String,
}

/// <summary>
/// A named, typed column of a <see cref="Table"/>. The concrete classes wrap one array each (no copy):
/// <see cref="Int64Column"/>, <see cref="Int32Column"/>, <see cref="DoubleColumn"/>, <see cref="SingleColumn"/>,
/// <see cref="BooleanColumn"/> and <see cref="StringColumn"/> (nulls allowed).
/// </summary>
public abstract class Column
{
    private protected Column(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    public string Name { get; }

    public abstract ColumnType Type { get; }

    public abstract int Length { get; }

    /// <summary>The backing array (long[], int[], double[], float[], bool[] or string?[]); the concrete
    /// classes expose it typed as <c>Values</c>.</summary>
    public Array RawValues => Untyped;

    private protected abstract Array Untyped { get; }

    public static Int64Column Create(string name, long[] values) => new(name, values);
    public static Int32Column Create(string name, int[] values) => new(name, values);
    public static DoubleColumn Create(string name, double[] values) => new(name, values);
    public static SingleColumn Create(string name, float[] values) => new(name, values);
    public static BooleanColumn Create(string name, bool[] values) => new(name, values);
    public static StringColumn Create(string name, string?[] values) => new(name, values);

    /// <summary>An empty-valued column of the given type and length (strings start as null).</summary>
    public static Column Allocate(string name, ColumnType type, int length) => type switch
    {
        ColumnType.Int64 => new Int64Column(name, new long[length]),
        ColumnType.Int32 => new Int32Column(name, new int[length]),
        ColumnType.Double => new DoubleColumn(name, new double[length]),
        ColumnType.Single => new SingleColumn(name, new float[length]),
        ColumnType.Boolean => new BooleanColumn(name, new bool[length]),
        ColumnType.String => new StringColumn(name, new string?[length]),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown column type"),
    };

    public override string ToString() => $"{Name}: {Type}[{Length}]";
}

/// <summary>A column of 64-bit integers.</summary>
public sealed class Int64Column(string name, long[] values) : Column(name)
{
    public long[] Values { get; } = values ?? throw new ArgumentNullException(nameof(values));
    public override ColumnType Type => ColumnType.Int64;
    public override int Length => Values.Length;
    public long this[int row] => Values[row];
    private protected override Array Untyped => Values;
}

/// <summary>A column of 32-bit integers.</summary>
public sealed class Int32Column(string name, int[] values) : Column(name)
{
    public int[] Values { get; } = values ?? throw new ArgumentNullException(nameof(values));
    public override ColumnType Type => ColumnType.Int32;
    public override int Length => Values.Length;
    public int this[int row] => Values[row];
    private protected override Array Untyped => Values;
}

/// <summary>A column of doubles.</summary>
public sealed class DoubleColumn(string name, double[] values) : Column(name)
{
    public double[] Values { get; } = values ?? throw new ArgumentNullException(nameof(values));
    public override ColumnType Type => ColumnType.Double;
    public override int Length => Values.Length;
    public double this[int row] => Values[row];
    private protected override Array Untyped => Values;
}

/// <summary>A column of floats.</summary>
public sealed class SingleColumn(string name, float[] values) : Column(name)
{
    public float[] Values { get; } = values ?? throw new ArgumentNullException(nameof(values));
    public override ColumnType Type => ColumnType.Single;
    public override int Length => Values.Length;
    public float this[int row] => Values[row];
    private protected override Array Untyped => Values;
}

/// <summary>A column of booleans.</summary>
public sealed class BooleanColumn(string name, bool[] values) : Column(name)
{
    public bool[] Values { get; } = values ?? throw new ArgumentNullException(nameof(values));
    public override ColumnType Type => ColumnType.Boolean;
    public override int Length => Values.Length;
    public bool this[int row] => Values[row];
    private protected override Array Untyped => Values;
}

/// <summary>A column of strings; null entries are SQL NULLs.</summary>
public sealed class StringColumn(string name, string?[] values) : Column(name)
{
    public string?[] Values { get; } = values ?? throw new ArgumentNullException(nameof(values));
    public override ColumnType Type => ColumnType.String;
    public override int Length => Values.Length;
    public string? this[int row] => Values[row];
    private protected override Array Untyped => Values;
}
