using Cdsr.Data.Raw;

namespace Cdsr.Tests.Data;

public class RawRatingsCsvTests
{
    private RawTestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new RawTestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [TestCase(false)]
    [TestCase(true)]
    public void RatingsParseIncludingQuotedFields(bool gzip)
    {
        string path = _files.Write(gzip ? "r.csv.gz" : "r.csv", new[]
        {
            "A1,0000013714,5.0,1252800000",
            "\"A,2\",\"B\"\"quoted\"\"\",3,1",
            "",
            "A3,B3,4.5,-5",
        }, gzip);
        var reader = new RatingsCsvReader(path);
        Assert.That(reader.ReadAll(), Is.EqualTo(new[]
        {
            new RawReview("A1", "0000013714", 5f, 1252800000),
            new RawReview("A,2", "B\"quoted\"", 3f, 1),
            new RawReview("A3", "B3", 4.5f, -5),
        }));
        Assert.That((reader.Report.Lines, reader.Report.Records, reader.Report.BlankLines), Is.EqualTo((4L, 3L, 1L)));
    }

    private static readonly (string Line, RawSkipReason Reason, string Detail)[] BadLines =
    {
        ("A1,B1,5.0", RawSkipReason.WrongColumnCount, "found 3"),
        ("A1,B1,5.0,1,extra", RawSkipReason.WrongColumnCount, "found 5"),
        ("A1,B1,5.0,1,", RawSkipReason.WrongColumnCount, "found 5"),
        ("A1,B1,five,1", RawSkipReason.BadNumber, "rating 'five'"),
        ("A1,B1,NaN,1", RawSkipReason.BadNumber, "rating 'NaN'"),
        ("A1,B1,5.0,12.5", RawSkipReason.BadNumber, "timestamp '12.5'"),
        ("A1,B1,5.0,99999999999999999999", RawSkipReason.BadNumber, "timestamp"),
        (",B1,5.0,1", RawSkipReason.MissingField, "user is empty"),
        ("\"A1,B1,5.0,1", RawSkipReason.MalformedLine, "unterminated quoted field 1"),
        ("\"A1\"x,B1,5.0,1", RawSkipReason.MalformedLine, "after quoted field 1"),
        ("A\"1,B1,5.0,1", RawSkipReason.MalformedLine, "stray quote"),
    };

    [Test]
    public void EveryBadLineThrowsNamingFileAndLine()
    {
        foreach (var (bad, reason, detail) in BadLines)
        {
            string path = _files.Write("bad.csv", new[] { "A,B,1,1", bad });
            var e = Assert.Throws<RawDataException>(() => new RatingsCsvReader(path).ReadAll(), bad)!;
            Assert.That(e.Message, Does.StartWith($"{path}:2: {reason}:").And.Contain(detail), bad);
            Assert.That(e.Message, Does.Contain($"line: '{bad}'"));
        }
    }

    [Test]
    public void LenientModeCountsSkipsPerReason()
    {
        var lines = BadLines.Select(b => b.Line).Prepend("A,B,1,1").Append("C,D,2,2").ToList();
        string path = _files.Write("mixed.csv.gz", lines, gzip: true);
        var reader = new RatingsCsvReader(path, RawReadOptions.LenientDefault);
        Assert.That(reader.ReadAll().Select(r => r.UserId), Is.EqualTo(new[] { "A", "C" }));
        foreach (var reason in Enum.GetValues<RawSkipReason>())
            Assert.That(reader.Report.Skipped(reason), Is.EqualTo(BadLines.Count(b => b.Reason == reason)), reason.ToString());
        Assert.That(reader.Report.SkippedTotal + reader.Report.Records, Is.EqualTo(lines.Count));
    }

    [Test]
    public void AHeaderLineIsNotSilentlyAccepted()
    {
        string path = _files.Write("h.csv", new[] { "user,item,rating,timestamp", "A,B,1,1" });
        var e = Assert.Throws<RawDataException>(() => new RatingsCsvReader(path).ReadAll())!;
        Assert.That(e.Message, Does.StartWith($"{path}:1: BadNumber"));
    }
}
