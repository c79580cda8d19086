using Cdsr.Data.Storage;
using Cdsr.Semantics.Embeddings;
using Cdsr.Semantics.Features;

namespace Cdsr.Tests.Semantics;

public class ItemFeatureFileTests
{
    private string _dir = null!;

    [SetUp] public void Make() => _dir = Directory.CreateTempSubdirectory("cdsr-features-").FullName;
    [TearDown] public void Clean() => Directory.Delete(_dir, true);

    [Test]
    public void Round_trip_keeps_keys_and_vectors_exactly()
    {
        var r = new Random(4);
        var data = Enumerable.Range(0, 5 * 3).Select(_ => (float)r.NextDouble()).ToArray();
        var f = new ItemFeatures(["Food", "Food", "Kitchen", "Kitchen", "Kitchen"], ["B01", "B02", "B01", "K9", "K10"], new EmbeddingMatrix(data, 5, 3));
        var path = Path.Combine(_dir, "sub", "f.parquet");
        ItemFeatureFile.Write(path, f);
        var back = ItemFeatureFile.Read(path);
        Assert.That(back.Domains, Is.EqualTo(f.Domains));
        Assert.That(back.ItemIds, Is.EqualTo(f.ItemIds));
        Assert.That(back.Vectors.Data, Is.EqualTo(data));
        Assert.That(back.Find("Kitchen", "B01"), Is.EqualTo(2), "the same ASIN in two domains is two items");
        Assert.That(back.Find("Food", "K9"), Is.EqualTo(-1));
        // the layout is plain columns: domain, item_id, v0..v2
        Assert.That(ParquetTable.Read(path).ColumnNames, Is.EqualTo(new[] { "domain", "item_id", "v0", "v1", "v2" }));
    }

    [Test]
    public void Files_written_elsewhere_with_double_vectors_are_read()
    {
        var path = Path.Combine(_dir, "clip.parquet");
        ParquetTable.Write(new Table(Column.Create("domain", new string?[] { "Food" }), Column.Create("item_id", new string?[] { "X" }),
            Column.Create("v0", new[] { 0.25 }), Column.Create("v1", new[] { -2.0 })), path);
        Assert.That(ItemFeatureFile.Read(path).Vectors.Data, Is.EqualTo(new[] { 0.25f, -2f }));
    }

    [Test]
    public void Bad_files_are_errors_naming_file_column_and_row()
    {
        string Write(string name, params Column[] cols) { var p = Path.Combine(_dir, name); ParquetTable.Write(new Table(cols), p); return p; }
        var noDomain = Write("a.parquet", Column.Create("item_id", new string?[] { "X" }), Column.Create("v0", new[] { 1f }));
        Assert.That(Assert.Throws<InvalidDataException>(() => ItemFeatureFile.Read(noDomain))!.Message, Does.Contain("a.parquet: no column 'domain'"));
        var gap = Write("b.parquet", Column.Create("domain", new string?[] { "F" }), Column.Create("item_id", new string?[] { "X" }), Column.Create("v0", new[] { 1f }), Column.Create("v2", new[] { 1f }));
        Assert.That(Assert.Throws<InvalidDataException>(() => ItemFeatureFile.Read(gap))!.Message, Does.Contain("unexpected column(s) v2"));
        var dup = Write("c.parquet", Column.Create("domain", new string?[] { "F", "F" }), Column.Create("item_id", new string?[] { "X", "X" }), Column.Create("v0", new[] { 1f, 2f }));
        Assert.That(Assert.Throws<InvalidDataException>(() => ItemFeatureFile.Read(dup))!.Message, Does.Contain("item (F, X) on rows 0 and 1"));
        var nan = Write("d.parquet", Column.Create("domain", new string?[] { "F" }), Column.Create("item_id", new string?[] { "X" }), Column.Create("v0", new[] { float.NaN }));
        Assert.That(Assert.Throws<InvalidDataException>(() => ItemFeatureFile.Read(nan))!.Message, Does.Contain("row 0 (F, X): v0 is NaN"));
        var nullId = Write("e.parquet", Column.Create("domain", new string?[] { "F" }), Column.Create("item_id", new string?[] { null }), Column.Create("v0", new[] { 1f }));
        Assert.That(Assert.Throws<InvalidDataException>(() => ItemFeatureFile.Read(nullId))!.Message, Does.Contain("row 0: column 'item_id' is null"));
    }
}
