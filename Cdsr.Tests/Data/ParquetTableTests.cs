using Cdsr.Data.Storage;
using Parquet;
using Parquet.Meta;

namespace Cdsr.Tests.Data;

public class ParquetTableTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "cdsr-parquet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>A file of Data/Fixtures, written by DuckDB 1.5.6 (see the README there).</summary>
    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Data", "Fixtures", name);

    private static FileMetaData Footer(string path)
    {
        var reader = ParquetReader.CreateAsync(path).GetAwaiter().GetResult();
        try { return reader.Metadata!; }
        finally { reader.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    }

    private static Table EveryType(int n)
    {
        var rng = new Random(7);
        var longs = new long[n];
        var ints = new int[n];
        var doubles = new double[n];
        var floats = new float[n];
        var bools = new bool[n];
        var strings = new string?[n];
        string[] samples = { "", "a", "twelve bytes", "thirteen byte", "Grüße, 東京 🚀", "quote ' and \" and \\", "line\nbreak\ttab" };
        for (int i = 0; i < n; i++)
        {
            longs[i] = i switch { 0 => long.MinValue, 1 => long.MaxValue, _ => rng.NextInt64() };
            ints[i] = i switch { 0 => int.MinValue, 1 => int.MaxValue, _ => rng.Next(int.MinValue, int.MaxValue) };
            doubles[i] = i switch { 0 => double.NaN, 1 => double.PositiveInfinity, 2 => -0.0, 3 => double.Epsilon, _ => rng.NextDouble() * 1e6 - 5e5 };
            floats[i] = i switch { 0 => float.NegativeInfinity, 1 => float.MaxValue, _ => (float)rng.NextDouble() };
            bools[i] = rng.Next(2) == 1;
            strings[i] = i % 11 == 0 ? null : samples[i % samples.Length] + (i % 3 == 0 ? new string('x', i % 40) : "");
        }
        return new Table(
            Column.Create("user id", longs), Column.Create("Item", ints), Column.Create("score", doubles),
            Column.Create("w", floats), Column.Create("flag", bools), Column.Create("title \"quoted\"", strings));
    }

    [Test]
    public void EveryColumnTypeRoundTripsIncludingNullsAndUnicode()
    {
        var table = EveryType(5000);
        string path = Path.Combine(_dir, "t.parquet");
        ParquetTable.Write(table, path, new ParquetWriteOptions { RowGroupSize = 2048 }); // three row groups
        var back = ParquetTable.Read(path);

        Assert.That(back.RowCount, Is.EqualTo(5000));
        Assert.That(back.ColumnNames, Is.EqualTo(table.ColumnNames));
        Assert.That(back.Columns.Select(c => c.Type), Is.EqualTo(table.Columns.Select(c => c.Type)));
        Assert.That(back.GetInt64("user id"), Is.EqualTo(table.GetInt64("user id")));
        Assert.That(back.GetInt32("Item"), Is.EqualTo(table.GetInt32("Item")));
        // Bitwise comparison: NaN, -0.0 and subnormals must survive unchanged.
        Assert.That(back.GetDouble("score").Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(table.GetDouble("score").Select(BitConverter.DoubleToInt64Bits)));
        Assert.That(back.GetSingle("w").Select(BitConverter.SingleToInt32Bits), Is.EqualTo(table.GetSingle("w").Select(BitConverter.SingleToInt32Bits)));
        Assert.That(back.GetBoolean("flag"), Is.EqualTo(table.GetBoolean("flag")));
        Assert.That(back.GetString("title \"quoted\""), Is.EqualTo(table.GetString("title \"quoted\"")));
        Assert.That(back.GetString("title \"quoted\"").Count(s => s is null), Is.EqualTo(Enumerable.Range(0, 5000).Count(i => i % 11 == 0)));
    }

    [Test]
    public void FilesWrittenByDuckDbRead()
    {
        // DuckDB marks every column OPTIONAL (repetition type 1), even those without a null.
        string path = Fixture("duckdb-every-type.parquet");
        Assert.That(Footer(path).Schema.Skip(1).Select(e => e.RepetitionType), Is.All.EqualTo(FieldRepetitionType.OPTIONAL));
        var t = ParquetTable.Read(path);
        var i = Enumerable.Range(0, 2500).ToArray();
        Assert.That(t.Columns.Select(c => (c.Name, c.Type)), Is.EqualTo(new[]
        {
            ("a", ColumnType.Int64), ("b", ColumnType.Int32), ("c", ColumnType.Double), ("d", ColumnType.Single), ("e", ColumnType.Boolean), ("s", ColumnType.String),
        }));
        Assert.That(t.GetInt64("a"), Is.EqualTo(i.Select(x => (long)x)));
        Assert.That(t.GetInt32("b"), Is.EqualTo(i.Select(x => x * 7)));
        Assert.That(t.GetDouble("c"), Is.EqualTo(i.Select(x => x / 4.0)));
        Assert.That(t.GetSingle("d"), Is.EqualTo(i.Select(x => (float)(x / 8.0))));
        Assert.That(t.GetBoolean("e"), Is.EqualTo(i.Select(x => x % 2 == 0)));
        Assert.That(t.GetString("s"), Is.EqualTo(i.Select(x => x % 3 == 0 ? null : "zé " + x)));
    }

    [TestCase("snappy", CompressionCodec.SNAPPY)]
    [TestCase("zstd", CompressionCodec.ZSTD)]
    [TestCase("gzip", CompressionCodec.GZIP)]
    [TestCase("uncompressed", CompressionCodec.UNCOMPRESSED)]
    public void TheFooterRecordsTheCompression(string compression, CompressionCodec codec)
    {
        var table = new Table(Column.Create("a", new long[] { 1, 2, 3 }), Column.Create("s", new string?[] { "x", null, "zé" }));
        string path = Path.Combine(_dir, "t.parquet");
        ParquetTable.Write(table, path, new ParquetWriteOptions { Compression = compression });
        Assert.That(Footer(path).RowGroups.SelectMany(g => g.Columns).Select(c => c.MetaData!.Codec), Is.All.EqualTo(codec));
        Assert.That(ParquetTable.Read(path).GetString("s"), Is.EqualTo(new[] { "x", null, "zé" }));
    }

    [Test]
    public void IntegerColumnsAreDeltaEncoded()
    {
        string path = Path.Combine(_dir, "t.parquet");
        ParquetTable.Write(new Table(Column.Create("i", new[] { 1, 2, 3 }), Column.Create("l", new long[] { 5, 5, 9 }), Column.Create("d", new[] { 0.5, 1, 2 })), path);
        var encodings = Footer(path).RowGroups[0].Columns.Select(c => c.MetaData!.Encodings).ToArray();
        Assert.That(encodings[0], Does.Contain(Encoding.DELTA_BINARY_PACKED));
        Assert.That(encodings[1], Does.Contain(Encoding.DELTA_BINARY_PACKED));
        Assert.That(encodings[2], Does.Not.Contain(Encoding.DELTA_BINARY_PACKED));
        Assert.That(ParquetTable.Read(path).GetInt64("l"), Is.EqualTo(new long[] { 5, 5, 9 }));
    }

    [Test]
    public void RowGroupsFollowTheOption()
    {
        string big = Path.Combine(_dir, "big.parquet");
        ParquetTable.Write(new Table(Column.Create("i", Enumerable.Range(0, 10_000).ToArray())), big, new ParquetWriteOptions { RowGroupSize = 2048 });
        Assert.That(Footer(big).RowGroups.Select(g => g.NumRows), Is.EqualTo(new long[] { 2048, 2048, 2048, 2048, 1808 }));
        Assert.That(ParquetTable.Read(big).GetInt32("i"), Is.EqualTo(Enumerable.Range(0, 10_000).ToArray()));

        string small = Path.Combine(_dir, "small.parquet");
        ParquetTable.Write(new Table(Column.Create("i", Enumerable.Range(0, 200_000).ToArray())), small);
        Assert.That(Footer(small).RowGroups.Select(g => g.NumRows), Is.EqualTo(new long[] { ParquetTable.DefaultRowGroupSize, 200_000 - ParquetTable.DefaultRowGroupSize }));
    }

    [Test]
    public void EmptyTableKeepsItsSchema()
    {
        var table = new Table(Column.Create("a", Array.Empty<long>()), Column.Create("b", Array.Empty<string?>()), Column.Create("c", Array.Empty<bool>()));
        string path = Path.Combine(_dir, "empty.parquet");
        ParquetTable.Write(table, path);
        var back = ParquetTable.Read(path);
        Assert.That(back.RowCount, Is.Zero);
        Assert.That(back.Columns.Select(c => (c.Name, c.Type)), Is.EqualTo(new[] { ("a", ColumnType.Int64), ("b", ColumnType.String), ("c", ColumnType.Boolean) }));
    }

    [Test]
    public void TableWithoutColumnsIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => ParquetTable.Write(new Table(), Path.Combine(_dir, "x.parquet")))!;
        Assert.That(e.Message, Does.Contain("at least one column"));
    }

    [Test]
    public void CorruptFileErrorNamesTheFile()
    {
        string path = Path.Combine(_dir, "corrupt.parquet");
        File.WriteAllBytes(path, "PAR1 this is not a parquet file PAR1"u8.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => ParquetTable.Read(path))!;
        Assert.That(e.Message, Does.Contain(path));
    }

    [Test]
    public void TruncatedFileErrorNamesTheFile()
    {
        string path = Path.Combine(_dir, "trunc.parquet");
        ParquetTable.Write(EveryType(3000), path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => ParquetTable.Read(path))!;
        Assert.That(e.Message, Does.Contain(path));
    }

    [Test]
    public void MissingFileIsReported()
    {
        string path = Path.Combine(_dir, "nope.parquet");
        var e = Assert.Throws<FileNotFoundException>(() => ParquetTable.Read(path))!;
        Assert.That(e.Message, Does.Contain(path));
    }

    [Test]
    public void FailedWriteLeavesTheOldFileAndNoTemporaries()
    {
        string path = Path.Combine(_dir, "keep.parquet");
        ParquetTable.Write(new Table(Column.Create("a", new[] { 1, 2, 3 })), path);
        // The second column fails after the first was written into the temporary file.
        var bad = new Table(Column.Create("a", new[] { 9, 9 }), Column.Create("s", new string?[] { "ok", "lone \uD800 surrogate" }));
        var e = Assert.Throws<ArgumentException>(() => ParquetTable.Write(bad, path))!;
        Assert.That(e.Message, Does.Contain(path).And.Contain("column 's' row 1").And.Contain("unpaired UTF-16 surrogate"));
        Assert.That(ParquetTable.Read(path).GetInt32("a"), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void UnknownCompressionIsRejectedBeforeAnyFileIsTouched()
    {
        string path = Path.Combine(_dir, "x.parquet");
        var e = Assert.Throws<ArgumentException>(() =>
            ParquetTable.Write(new Table(Column.Create("a", new[] { 9 })), path, new ParquetWriteOptions { Compression = "bogus" }))!;
        Assert.That(e.Message, Does.Contain("invalid Parquet compression 'bogus'").And.Contain("snappy, zstd, gzip or uncompressed"));
        Assert.That(Directory.GetFiles(_dir), Is.Empty);
    }

    [Test]
    public void SurrogatePairsAreValidStrings()
    {
        string path = Path.Combine(_dir, "emoji.parquet");
        var strings = new string?[] { "\uD83D\uDE80", "a\uD83D\uDE80b" };
        ParquetTable.Write(new Table(Column.Create("s", strings)), path);
        Assert.That(ParquetTable.Read(path).GetString("s"), Is.EqualTo(strings));
    }

    [Test]
    public void WriteReplacesAnExistingFile()
    {
        string path = Path.Combine(_dir, "r.parquet");
        ParquetTable.Write(new Table(Column.Create("a", new[] { 1 })), path);
        ParquetTable.Write(new Table(Column.Create("b", new[] { "x", "y" })), path);
        var back = ParquetTable.Read(path);
        Assert.That(back.GetString("b"), Is.EqualTo(new[] { "x", "y" }));
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1));
    }

    [Test]
    public void NullInANumericColumnIsAnErrorNamingFileAndColumn()
    {
        string path = Fixture("duckdb-null-in-bigint.parquet");
        var e = Assert.Throws<InvalidDataException>(() => ParquetTable.Read(path))!;
        Assert.That(e.Message, Does.Contain(path).And.Contain("'n'").And.Contain("row 2"));
    }

    [Test]
    public void UnsupportedColumnTypeIsAnErrorNamingTheColumn()
    {
        string path = Fixture("duckdb-date.parquet");
        var e = Assert.Throws<InvalidDataException>(() => ParquetTable.Read(path))!;
        Assert.That(e.Message, Does.Contain(path).And.Contain("'d'").And.Contain("Date"));
    }

    [Test]
    public void TableChecksLengthsNamesAndTypes()
    {
        var unequal = Assert.Throws<ArgumentException>(() => new Table(Column.Create("a", new[] { 1, 2 }), Column.Create("b", new[] { 1L })))!;
        Assert.That(unequal.Message, Does.Contain("'b' has 1 rows").And.Contain("'a' has 2"));
        var dup = Assert.Throws<ArgumentException>(() => new Table(Column.Create("a", new[] { 1 }), Column.Create("a", new[] { 2 })))!;
        Assert.That(dup.Message, Does.Contain("duplicate column name 'a'"));
        var t = new Table(Column.Create("a", new[] { 1 }));
        Assert.That(Assert.Throws<KeyNotFoundException>(() => _ = t["z"])!.Message, Does.Contain("'z'").And.Contain("columns: a"));
        Assert.That(Assert.Throws<InvalidCastException>(() => t.GetInt64("a"))!.Message, Does.Contain("Int32"));
    }
}
