using Cdsr.Data.DuckDb;
using Cdsr.Data.Raw;

namespace Cdsr.Tests.Data;

public class RawDuckDbJsonReaderTests
{
    private RawTestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new RawTestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    private static IEnumerable<string> Lines(int n) => Enumerable.Range(0, n).Select(i =>
        $$"""{"overall": {{1 + i % 5}}.0, "verified": true, "reviewerID": "U{{i % 701}}", "asin": "I{{i % 997}}", "style": {"Size:": "M"}, "reviewText": "text {{i}} with \"quotes\" and é", "unixReviewTime": {{1_300_000_000L + i * 37}}}""");

    [TestCase(false)]
    [TestCase(true)]
    public void DuckDbAndManagedReaderAgreeRecordForRecord(bool gzip)
    {
        string path = _files.Write(gzip ? "r.json.gz" : "r.json", Lines(5000), gzip);
        var managed = new Amazon2018ReviewReader(path).ReadAll();
        var duck = new DuckDbReviewJsonReader(path).ReadAll();
        Assert.That(managed, Has.Count.EqualTo(5000));
        Assert.That(duck, Is.EqualTo(managed));
    }

    [Test]
    public void MalformedJsonIsAnErrorNamingTheFile()
    {
        var lines = Lines(10).ToList();
        lines[4] = """{"reviewerID": "A", "asin": """;
        string path = _files.Write("bad.json", lines);
        var e = Assert.Throws<InvalidDataException>(() => new DuckDbReviewJsonReader(path).ReadAll())!;
        Assert.That(e.Message, Does.StartWith(path));
        Assert.That(e.InnerException, Is.TypeOf<DuckDbException>());
    }

    [Test]
    public void MissingFieldIsAnErrorNamingFileAndRecord()
    {
        var lines = Lines(10).ToList();
        lines[6] = """{"reviewerID": "A", "asin": "B", "overall": 1.0}""";
        string path = _files.Write("missing.json.gz", lines, gzip: true);
        var e = Assert.Throws<InvalidDataException>(() => new DuckDbReviewJsonReader(path).ReadAll())!;
        Assert.That(e.Message, Does.StartWith(path).And.Contain("record 7").And.Contain("'unixReviewTime'"));
    }
}
