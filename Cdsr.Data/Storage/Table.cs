namespace Cdsr.Data.Storage;

/// <summary>
/// An in-memory columnar table: named <see cref="Column"/>s of equal length, names unique (ordinal,
/// case-sensitive, as in Parquet). Columns are not copied.
/// </summary>
public sealed class Table
{
    private readonly Column[] _columns;
    private readonly Dictionary<string, int> _index;

    public Table(IEnumerable<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns.ToArray();
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _columns.Length; i++)
        {
            var c = _columns[i] ?? throw new ArgumentException($"column {i} is null", nameof(columns));
            if (!_index.TryAdd(c.Name, i))
                throw new ArgumentException($"duplicate column name '{c.Name}' (columns {_index[c.Name]} and {i})", nameof(columns));
            if (c.Length != _columns[0].Length)
                throw new ArgumentException(
                    $"column '{c.Name}' has {c.Length} rows but column '{_columns[0].Name}' has {_columns[0].Length}; all columns must have equal length",
                    nameof(columns));
        }
        RowCount = _columns.Length == 0 ? 0 : _columns[0].Length;
    }

    public Table(params Column[] columns) : this((IEnumerable<Column>)columns) { }

    public int RowCount { get; }

    public int ColumnCount => _columns.Length;

    public IReadOnlyList<Column> Columns => _columns;

    public IEnumerable<string> ColumnNames => _columns.Select(c => c.Name);

    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>The column named <paramref name="name"/>; throws naming the available columns if absent.</summary>
    public Column this[string name] => _index.TryGetValue(name, out int i)
        ? _columns[i]
        : throw new KeyNotFoundException($"table has no column '{name}'; columns: {string.Join(", ", ColumnNames)}");

    public Column this[int index] => _columns[index];

    /// <summary>The column as a specific column class, e.g. <c>Get&lt;Int64Column&gt;("user")</c>.</summary>
    public TColumn Get<TColumn>(string name) where TColumn : Column
    {
        var c = this[name];
        return c as TColumn ?? throw new InvalidCastException($"column '{name}' is {c.Type}, not {typeof(TColumn).Name}");
    }

    public long[] GetInt64(string name) => Get<Int64Column>(name).Values;
    public int[] GetInt32(string name) => Get<Int32Column>(name).Values;
    public double[] GetDouble(string name) => Get<DoubleColumn>(name).Values;
    public float[] GetSingle(string name) => Get<SingleColumn>(name).Values;
    public bool[] GetBoolean(string name) => Get<BooleanColumn>(name).Values;
    public string?[] GetString(string name) => Get<StringColumn>(name).Values;

    public override string ToString() => $"Table[{RowCount} rows; {string.Join(", ", _columns.Select(c => c.ToString()))}]";
}
