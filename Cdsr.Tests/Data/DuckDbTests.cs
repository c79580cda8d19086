using Cdsr.Data.DuckDb;

namespace Cdsr.Tests.Data;

public class DuckDbTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "cdsr-duckdb-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void LinkedLibraryIsThePinnedVersion()
    {
        Assert.That(DuckDbDatabase.LibraryVersion, Is.EqualTo("v1.5.6"));
    }

    [Test]
    public void TypeIdsAgreeWithTheLibrary()
    {
        using var db = DuckDbDatabase.OpenInMemory();
        using var conn = db.Connect();
        using var r = conn.Query(
            "SELECT true, 1::TINYINT, 1::SMALLINT, 1::INTEGER, 1::BIGINT, 1::UINTEGER, 1::FLOAT, 1::DOUBLE, 'x', " +
            "DATE '2020-01-01', 1::HUGEINT, 1::UHUGEINT, [1, 2], {'a': 1}");
        Assert.That(r.ColumnTypes, Is.EqualTo(new[]
        {
            DuckDbType.Boolean, DuckDbType.TinyInt, DuckDbType.SmallInt, DuckDbType.Integer, DuckDbType.BigInt,
            DuckDbType.UInteger, DuckDbType.Float, DuckDbType.Double, DuckDbType.Varchar, DuckDbType.Date,
            DuckDbType.HugeInt, DuckDbType.UHugeInt, DuckDbType.List, DuckDbType.Struct,
        }));
    }

    [Test]
    public void QueryReadsNumbersStringsAndNullsAcrossChunks()
    {
        const int n = 5000; // more than two chunks of 2048
        using var db = DuckDbDatabase.OpenInMemory();
        using var conn = db.Connect();
        using var r = conn.Query(
            $"SELECT i, (i * 0.5)::DOUBLE AS half, CASE WHEN i % 3 = 0 THEN NULL ELSE repeat('é', (i % 20)::INTEGER) || i::VARCHAR END AS s " +
            $"FROM range({n}) t(i) ORDER BY i");
        Assert.That(r.ColumnNames, Is.EqualTo(new[] { "i", "half", "s" }));
        Assert.That(r.RowCount, Is.EqualTo(n));
        int row = 0, chunks = 0;
        while (r.NextChunk() is { } chunk)
        {
            using (chunk)
            {
                chunks++;
                Assert.That(chunk.RowCount, Is.LessThanOrEqualTo(DuckDbDataChunk.Capacity));
                var ids = chunk.GetValues<long>(0);
                var halves = chunk.GetValues<double>(1);
                for (int k = 0; k < chunk.RowCount; k++, row++)
                {
                    Assert.That(ids[k], Is.EqualTo(row));
                    Assert.That(halves[k], Is.EqualTo(row * 0.5));
                    string? expected = row % 3 == 0 ? null : new string('é', row % 20) + row;
                    Assert.That(chunk.GetString(2, k), Is.EqualTo(expected), $"row {row}");
                    Assert.That(chunk.IsValid(2, k), Is.EqualTo(expected is not null));
                }
            }
        }
        Assert.That(row, Is.EqualTo(n));
        Assert.That(chunks, Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public void ExecuteErrorCarriesDuckDbMessageAndSql()
    {
        using var db = DuckDbDatabase.OpenInMemory();
        using var conn = db.Connect();
        var e = Assert.Throws<DuckDbException>(() => conn.Execute("SELECT * FROM no_such_table"))!;
        Assert.That(e.NativeMessage, Does.Contain("no_such_table"));
        Assert.That(e.Message, Does.Contain("SQL: SELECT * FROM no_such_table"));
        // The connection stays usable after an error.
        Assert.That(conn.QueryInt64("SELECT 40 + 2"), Is.EqualTo(42));
    }

    [Test]
    public void AppenderInsertsTypedRowsAndNulls()
    {
        using var db = DuckDbDatabase.OpenInMemory();
        using var conn = db.Connect();
        conn.Execute("CREATE TABLE t (a BIGINT, b INTEGER, c DOUBLE, d FLOAT, e BOOLEAN, f VARCHAR)");
        using (var app = conn.CreateAppender("t"))
        {
            Assert.That(app.ColumnCount, Is.EqualTo(6));
            for (int i = 0; i < 3000; i++)
            {
                app.Append((long)i * 1_000_000_000L);
                app.Append(i);
                app.Append(i / 4.0);
                app.Append(i / 2f);
                app.Append(i % 2 == 0);
                app.Append(i % 5 == 0 ? null : $"ü{i}");
                app.EndRow();
            }
            app.Close();
        }
        Assert.That(conn.QueryInt64("SELECT count(*) FROM t"), Is.EqualTo(3000));
        Assert.That(conn.QueryInt64("SELECT sum(b) FROM t"), Is.EqualTo(2999L * 3000 / 2));
        Assert.That(conn.QueryInt64("SELECT count(*) FROM t WHERE f IS NULL"), Is.EqualTo(600));
        Assert.That(conn.QueryInt64("SELECT count(*) FROM t WHERE e"), Is.EqualTo(1500));
        Assert.That(conn.QueryInt64("SELECT max(a) FROM t"), Is.EqualTo(2999L * 1_000_000_000L));
        Assert.That(conn.QueryString("SELECT f FROM t WHERE b = 7"), Is.EqualTo("ü7"));
        Assert.That(conn.QueryInt64("SELECT count(*) FROM t WHERE c = b / 4.0 AND d = b / 2.0"), Is.EqualTo(3000));
    }

    [Test]
    public void AppenderAppendsWholeChunks()
    {
        using var db = DuckDbDatabase.OpenInMemory();
        using var conn = db.Connect();
        conn.Execute("CREATE TABLE t (a INTEGER, s VARCHAR)");
        using var app = conn.CreateAppender("t");
        using var chunk = DuckDbDataChunk.Create(new[] { DuckDbType.Integer, DuckDbType.Varchar });
        for (int batch = 0; batch < 2; batch++)
        {
            chunk.Reset();
            var a = chunk.GetWritableValues<int>(0);
            for (int r = 0; r < 100; r++)
            {
                a[r] = batch * 100 + r;
                chunk.SetString(1, r, r == 50 ? null : "a string longer than twelve bytes " + r);
            }
            chunk.RowCount = 100;
            app.AppendChunk(chunk);
        }
        app.Close();
        Assert.That(conn.QueryInt64("SELECT sum(a) FROM t"), Is.EqualTo(199L * 200 / 2));
        Assert.That(conn.QueryInt64("SELECT count(*) FROM t WHERE s IS NULL"), Is.EqualTo(2));
        Assert.That(conn.QueryString("SELECT s FROM t WHERE a = 107"), Is.EqualTo("a string longer than twelve bytes 7"));
    }

    [Test]
    public void AppenderErrorsNameTheTable()
    {
        using var db = DuckDbDatabase.OpenInMemory();
        using var conn = db.Connect();
        var missing = Assert.Throws<DuckDbException>(() => conn.CreateAppender("nope"))!;
        Assert.That(missing.Message, Does.Contain("'nope'"));

        conn.Execute("CREATE TABLE t (a INTEGER, b INTEGER)");
        using var app = conn.CreateAppender("t");
        app.Append(1);
        var e = Assert.Throws<DuckDbException>(() => app.EndRow())!; // one value for two columns
        Assert.That(e.Message, Does.Contain("'t'"));
    }

    [Test]
    public void ChunkRejectsMismatchedViews()
    {
        using var chunk = DuckDbDataChunk.Create(new[] { DuckDbType.Integer });
        var e = Assert.Throws<InvalidOperationException>(() => chunk.GetWritableValues<long>(0))!;
        Assert.That(e.Message, Does.Contain("Integer"));
        Assert.Throws<ArgumentOutOfRangeException>(() => chunk.RowCount = DuckDbDataChunk.Capacity + 1);
    }

    [Test]
    public void ResultChunksAreReadOnly()
    {
        using var db = DuckDbDatabase.OpenInMemory();
        using var conn = db.Connect();
        using var r = conn.Query("SELECT 1::INTEGER AS a, 'x' AS s");
        using var chunk = r.NextChunk()!;
        Assert.That(chunk.GetValues<int>(0).ToArray(), Is.EqualTo(new[] { 1 }));
        Assert.That(Assert.Throws<InvalidOperationException>(() => chunk.GetWritableValues<int>(0))!.Message, Does.Contain("read-only"));
        Assert.Throws<InvalidOperationException>(() => chunk.SetString(1, 0, "y"));
        Assert.Throws<InvalidOperationException>(() => chunk.SetNull(0, 0));
        Assert.Throws<InvalidOperationException>(() => chunk.RowCount = 0);
        Assert.That(r.NextChunk(), Is.Null);
    }

    [Test]
    public void FileDatabasePersistsAcrossOpens()
    {
        string path = Path.Combine(_dir, "x.duckdb");
        using (var db = DuckDbDatabase.Open(path))
        using (var conn = db.Connect())
        {
            conn.Execute("CREATE TABLE t AS SELECT * FROM range(10) r(i)");
        }
        using (var db = DuckDbDatabase.Open(path, new Dictionary<string, string> { ["threads"] = "1" }))
        using (var conn = db.Connect())
        {
            Assert.That(conn.QueryInt64("SELECT sum(i) FROM t"), Is.EqualTo(45));
            Assert.That(conn.QueryString("SELECT current_setting('threads')::VARCHAR"), Is.EqualTo("1"));
        }
    }

    [Test]
    public void InvalidSettingIsReported()
    {
        var e = Assert.Throws<DuckDbException>(() =>
            DuckDbDatabase.OpenInMemory(new Dictionary<string, string> { ["no_such_setting"] = "1" }))!;
        Assert.That(e.Message, Does.Contain("no_such_setting"));
    }

    [Test]
    public void EveryNativeHandleIsReleased()
    {
        long before = DuckDbDatabase.LiveHandleCount;
        using (var db = DuckDbDatabase.OpenInMemory())
        using (var conn = db.Connect())
        {
            conn.Execute("CREATE TABLE t (a INTEGER)");
            using (var app = conn.CreateAppender("t")) { app.Append(1); app.EndRow(); }
            using (var r = conn.Query("SELECT * FROM range(3000)"))
                while (r.NextChunk() is { } c) c.Dispose();
            Assert.Throws<DuckDbException>(() => conn.Execute("SELEC 1"));
            Assert.That(DuckDbDatabase.LiveHandleCount, Is.EqualTo(before + 2)); // database + connection
        }
        Assert.That(DuckDbDatabase.LiveHandleCount, Is.EqualTo(before));
    }

    [Test]
    public void JsonAndParquetAreBuiltIn()
    {
        using var db = DuckDbDatabase.OpenInMemory();
        using var conn = db.Connect();
        Assert.That(conn.QueryInt64("SELECT count(*) FROM duckdb_extensions() WHERE extension_name IN ('json', 'parquet') AND loaded"), Is.EqualTo(2));
        Assert.That(conn.QueryString("SELECT ('{\"a\": [1, 2]}'::JSON)->>'$.a[1]'"), Is.EqualTo("2"));
    }
}
