using System.IO.Compression;
using Cdsr.Data.Raw;

namespace Cdsr.Tests.Data;

public class RawJsonReaderTests
{
    private RawTestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new RawTestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    private static readonly string[] Reviews2018 =
    {
        """{"overall": 5.0, "vote": "2", "verified": true, "reviewTime": "01 1, 2018", "reviewerID": "A1", "asin": "B0001", "style": {"Size:": " Large"}, "reviewerName": "Zoë \"Z\"", "reviewText": "Great, fits.\nTwo lines", "summary": "ok", "unixReviewTime": 1514764800, "image": ["http://x/1.jpg"]}""",
        "",
        """{"reviewerID": "A2", "asin": "B0002", "overall": 3, "unixReviewTime": 1514851200}""",
        """{"asin": "B0001", "reviewerID": "A\u00e93", "unixReviewTime": "1514937600", "overall": "4.5"}""",
    };

    [TestCase(false)]
    [TestCase(true)]
    public void Reviews2018ParseToExpectedRecords(bool gzip)
    {
        string path = _files.Write(gzip ? "r.json.gz" : "r.json", Reviews2018, gzip);
        var reader = new Amazon2018ReviewReader(path);
        var got = reader.ReadAll();
        Assert.That(got, Is.EqualTo(new[]
        {
            new RawReview("A1", "B0001", 5f, 1514764800),
            new RawReview("A2", "B0002", 3f, 1514851200),
            new RawReview("Aé3", "B0001", 4.5f, 1514937600),
        }));
        Assert.That(reader.Report.Lines, Is.EqualTo(4));
        Assert.That(reader.Report.BlankLines, Is.EqualTo(1));
        Assert.That(reader.Report.Records, Is.EqualTo(3));
        Assert.That(reader.Report.SkippedTotal, Is.Zero);
    }

    [Test]
    public void GzipIsDetectedByMagicBytesNotByName()
    {
        string gz = _files.Write("reviews.json", Reviews2018, gzip: true);     // gzip named .json
        string plain = _files.Write("reviews.json.gz", Reviews2018, gzip: false); // text named .json.gz
        Assert.That(new Amazon2018ReviewReader(gz).ReadAll(), Has.Count.EqualTo(3));
        Assert.That(new Amazon2018ReviewReader(plain).ReadAll(), Has.Count.EqualTo(3));
    }

    [Test]
    public void Reviews2014ParseToExpectedRecords()
    {
        var lines = new[]
        {
            """{"reviewerID": "A2SUAM1J3GNN3B", "asin": "0000013714", "reviewerName": "J. McDonald", "helpful": [2, 3], "reviewText": "I bought this for my husband's piano.", "overall": 5.0, "summary": "Heavenly", "unixReviewTime": 1252800000, "reviewTime": "09 13, 2009"}""",
            """{"reviewerID": "U2", "asin": "I2", "helpful": [0, 0], "overall": 1.0, "unixReviewTime": 1}""",
        };
        foreach (bool gz in new[] { false, true })
        {
            var got = new Amazon2014ReviewReader(_files.Write(gz ? "a.json.gz" : "a.json", lines, gz)).ReadAll();
            Assert.That(got, Is.EqualTo(new[] { new RawReview("A2SUAM1J3GNN3B", "0000013714", 5f, 1252800000), new RawReview("U2", "I2", 1f, 1) }));
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Meta2018ParsesToExpectedRecords(bool gzip)
    {
        var lines = new[]
        {
            """{"category": ["Clothing, Shoes & Jewelry", "Women", "Shoes"], "tech1": "", "description": ["Soft.", "Lightweight \u2013 really."], "fit": "", "title": "Runner <b>X</b>", "also_buy": ["B1", "B2"], "image": [], "tech2": "", "brand": "Acme", "feature": [], "rank": "1 in Shoes", "also_view": [], "details": {"Size": "M"}, "main_cat": "Fashion", "similar_item": "", "date": "", "price": "$9.99", "asin": "B0001", "imageURL": ["http://img/s.jpg"], "imageURLHighRes": ["http://img/l.jpg", "http://img/l2.jpg"]}""",
            """{"asin": "B0002", "title": "Plain", "description": "one string", "imageURL": ["http://img/only.jpg"]}""",
            """{"asin": "B0003", "brand": null}""",
        };
        string path = _files.Write(gzip ? "m.json.gz" : "m.json", lines, gzip);
        var got = new Amazon2018MetaReader(path).ReadAll();
        Assert.That(got, Has.Count.EqualTo(3));
        Assert.That(got[0].ItemId, Is.EqualTo("B0001"));
        Assert.That(got[0].Title, Is.EqualTo("Runner <b>X</b>"));
        Assert.That(got[0].Brand, Is.EqualTo("Acme"));
        Assert.That(got[0].Categories, Is.EqualTo(new[] { "Clothing, Shoes & Jewelry", "Women", "Shoes" }));
        Assert.That(got[0].Description, Is.EqualTo("Soft.\nLightweight – really."));
        Assert.That(got[0].ImageUrl, Is.EqualTo("http://img/l.jpg"));
        Assert.That(got[1], Is.EqualTo(got[1] with { ItemId = "B0002", Title = "Plain", Brand = null, Description = "one string", ImageUrl = "http://img/only.jpg" }));
        Assert.That(got[1].Categories, Is.Empty);
        Assert.That((got[2].ItemId, got[2].Title, got[2].Brand, got[2].Description, got[2].ImageUrl), Is.EqualTo(("B0003", (string?)null, (string?)null, (string?)null, (string?)null)));
    }

    // Each bad line, the reason it must be reported with, and a fragment of the detail.
    private static readonly (string Line, RawSkipReason Reason, string Detail)[] BadReviewLines =
    {
        ("""{"reviewerID": "A1", "asin": "B1", "overall": 5.0""", RawSkipReason.MalformedLine, "invalid JSON"),
        ("""not json at all""", RawSkipReason.MalformedLine, "invalid JSON"),
        ("""[1, 2]""", RawSkipReason.MalformedLine, "not a JSON object"),
        ("""{"reviewerID": "A1", "asin": "B1", "overall": 5.0, "unixReviewTime": 1} trailing""", RawSkipReason.MalformedLine, "invalid JSON"),
        ("""{"reviewerID": "A1", "overall": 5.0, "unixReviewTime": 1}""", RawSkipReason.MissingField, "'asin'"),
        ("""{"reviewerID": "A1", "asin": "B1", "unixReviewTime": 1}""", RawSkipReason.MissingField, "'overall'"),
        ("""{"reviewerID": "A1", "asin": "B1", "overall": 5.0}""", RawSkipReason.MissingField, "'unixReviewTime'"),
        ("""{"reviewerID": 17, "asin": "B1", "overall": 5.0, "unixReviewTime": 1}""", RawSkipReason.WrongType, "'reviewerID'"),
        ("""{"reviewerID": "A1", "asin": "B1", "overall": "five", "unixReviewTime": 1}""", RawSkipReason.BadNumber, "'overall'"),
        ("""{"reviewerID": "A1", "asin": "B1", "overall": 5.0, "unixReviewTime": 1.5}""", RawSkipReason.BadNumber, "'unixReviewTime'"),
        ("""{"reviewerID": "A1", "asin": "B1", "overall": 5.0, "unixReviewTime": 99999999999999999999}""", RawSkipReason.BadNumber, "'unixReviewTime'"),
    };

    private const string GoodReview = """{"reviewerID": "OK", "asin": "B9", "overall": 2.0, "unixReviewTime": 7}""";

    [Test]
    public void EveryBadReviewLineThrowsNamingFileLineAndReason()
    {
        foreach (var (bad, reason, detail) in BadReviewLines)
        {
            string path = _files.Write("bad.json", new[] { GoodReview, GoodReview, bad, GoodReview });
            var e = Assert.Throws<RawDataException>(() => new Amazon2018ReviewReader(path).ReadAll(), bad)!;
            Assert.That(e.Message, Does.StartWith($"{path}:3: {reason}:"), bad);
            Assert.That(e.Message, Does.Contain(detail), bad);
            Assert.That(e.Message, Does.Contain(bad[..Math.Min(20, bad.Length)]), "snippet of the line");
            Assert.That((e.Path, e.LineNumber, e.Reason), Is.EqualTo((path, 3L, reason)));
        }
    }

    [Test]
    public void LenientModeSkipsAndCountsEveryBadLineByReason()
    {
        var lines = new List<string> { GoodReview };
        lines.AddRange(BadReviewLines.Select(b => b.Line));
        lines.Add("");
        lines.Add(GoodReview);
        string path = _files.Write("mixed.json.gz", lines, gzip: true);
        var reader = new Amazon2018ReviewReader(path, new RawReadOptions { Lenient = true, MaxExamples = 100 });
        var got = reader.ReadAll();
        Assert.That(got, Has.Count.EqualTo(2));
        var r = reader.Report;
        foreach (var reason in Enum.GetValues<RawSkipReason>())
            Assert.That(r.Skipped(reason), Is.EqualTo(BadReviewLines.Count(b => b.Reason == reason)), reason.ToString());
        Assert.That(r.Lines, Is.EqualTo(r.Records + r.BlankLines + r.SkippedTotal));
        Assert.That(r.Lines, Is.EqualTo(lines.Count));
        Assert.That(r.Examples, Has.Count.EqualTo(BadReviewLines.Length));
        Assert.That(r.Examples[0], Does.StartWith($"{path}:2: MalformedLine"));
        Assert.That(r.ToString(), Does.Contain("MissingField: 3"));
    }

    [Test]
    public void BadMeta2018LinesAreReported()
    {
        var cases = new (string Line, RawSkipReason Reason, string Detail)[]
        {
            ("""{"title": "no asin"}""", RawSkipReason.MissingField, "'asin'"),
            ("""{"asin": "B1", "category": "not a list"}""", RawSkipReason.WrongType, "'category'"),
            ("""{"asin": "B1", "imageURL": [1, 2]}""", RawSkipReason.WrongType, "'imageURL'"),
            ("""{"asin": "B1", "description": 5}""", RawSkipReason.WrongType, "'description'"),
            ("""{"asin": "B1", "title": "x\q"}""", RawSkipReason.MalformedLine, "invalid JSON"),
        };
        foreach (var (bad, reason, detail) in cases)
        {
            string path = _files.Write("m.json", new[] { """{"asin": "OK"}""", bad });
            var e = Assert.Throws<RawDataException>(() => new Amazon2018MetaReader(path).ReadAll(), bad)!;
            Assert.That(e.Message, Does.StartWith($"{path}:2: {reason}:").And.Contain(detail), bad);
        }
    }

    [Test]
    public void TruncatedGzipIsAnErrorNamingFileAndLastLine()
    {
        var lines = Enumerable.Range(0, 20_000).Select(i => $$"""{"reviewerID": "U{{i}}", "asin": "I{{i % 97}}", "overall": 4.0, "unixReviewTime": {{1_400_000_000 + i}}}""").ToList();
        string full = _files.Write("full.json.gz", lines, gzip: true);
        Assert.That(new Amazon2018ReviewReader(full).Read().Count(), Is.EqualTo(20_000));

        byte[] bytes = File.ReadAllBytes(full);
        foreach (int keep in new[] { bytes.Length - 4, bytes.Length / 2, 30 })
        {
            string cut = Path.Combine(_files.Dir, $"cut{keep}.json.gz");
            File.WriteAllBytes(cut, bytes[..keep]);
            long seen = 0;
            var reader = new Amazon2018ReviewReader(cut, RawReadOptions.LenientDefault); // truncation is fatal even when lenient
            var e = Assert.Throws<InvalidDataException>(() => { foreach (var _ in reader.Read()) seen++; })!;
            Assert.That(e.Message, Does.StartWith(cut).And.Contain("truncated gzip"));
            Assert.That(e.Message, Does.Contain($"last complete line read: {seen}"));
            if (seen > 0) Assert.That(e.Message, Does.Contain($"U{seen - 1}\""), "snippet of the last line");
            // Cut inside the 8-byte trailer: every line arrived, but the file is still reported as truncated.
            Assert.That(seen, keep > bytes.Length - 8 ? Is.EqualTo(20_000) : Is.LessThan(20_000));
        }
    }

    [Test]
    public void CorruptGzipIsAnErrorNamingTheFile()
    {
        string full = _files.Write("c.json.gz", Enumerable.Repeat(GoodReview, 1000), gzip: true);
        byte[] bytes = File.ReadAllBytes(full);
        bytes[^6] ^= 0xFF; // inside the CRC32 trailer
        File.WriteAllBytes(full, bytes);
        var e = Assert.Throws<InvalidDataException>(() => new Amazon2018ReviewReader(full).ReadAll())!;
        Assert.That(e.Message, Does.StartWith(full).And.Contain("corrupt gzip"));
    }

    [Test]
    public void ConcatenatedGzipMembersAreAllRead()
    {
        string path = Path.Combine(_files.Dir, "multi.json.gz");
        using (var f = File.Create(path))
        {
            for (int m = 0; m < 3; m++)
            {
                using var gz = new GZipStream(f, CompressionLevel.Fastest, leaveOpen: true);
                gz.Write(System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(GoodReview + "\n", 5))));
            }
        }
        Assert.That(new Amazon2018ReviewReader(path).ReadAll(), Has.Count.EqualTo(15));
    }

    [Test]
    public void MissingFileIsReported()
    {
        string path = Path.Combine(_files.Dir, "none.json");
        var e = Assert.Throws<FileNotFoundException>(() => new Amazon2018ReviewReader(path).ReadAll())!;
        Assert.That(e.Message, Does.Contain(path));
    }

    [Test]
    public void LongLinesCrLfAndBomAreHandled()
    {
        string longText = new string('x', 3_000_000); // longer than the 1 MiB line buffer
        string path = Path.Combine(_files.Dir, "long.json");
        File.WriteAllText(path, "\uFEFF" + GoodReview + "\r\n" + $$"""{"reviewerID": "L", "asin": "B", "overall": 1, "unixReviewTime": 2, "reviewText": "{{longText}}"}""" + "\r\n" + GoodReview,
            new System.Text.UTF8Encoding(false));
        var got = new Amazon2018ReviewReader(path).ReadAll();
        Assert.That(got.Select(r => r.UserId), Is.EqualTo(new[] { "OK", "L", "OK" }));
    }
}
