using Cdsr.Data;
using Cdsr.Data.Model;
using Cdsr.Data.Raw;
using Cdsr.Data.Scenario;

namespace Cdsr.Tests.Data;

/// <summary>
/// Scenarios built from small raw dumps written here in every raw format (Amazon 2018 JSON, Amazon 2014 JSON reviews
/// with Python-literal metadata, ratings CSV; plain and gzip). The dump (time in Unix seconds):
/// <code>
/// Cloth (A): u1 a1@100 a2@200 a3@300 | u2 a1@110 a2@210 | u3 a1@120 | u5 a1@130 a2@230 a3@330
/// Sport (B): u1 b1@150 b2@250 | u2 b1@160 b2@260 b3@360 (+ b1@160 repeated) | u4 b1@170 b2@270 b3@370
/// </code>
/// Metadata: Cloth a1, a2 (a3 has none); Sport b1, b2, b3 (+ b2 repeated).
/// Hand-computed for leave-one-out without filters: u3 (1 interaction) has no instance; u1, u2 overlapped, u4 only
/// Sport, u5 only Cloth; items 3 / 3; interactions Cloth 3 + 2 + 3 = 8, Sport 2 + 3 + 3 = 8; test targets u1 a3, u2 b3,
/// u4 b3, u5 a3.
/// </summary>
public sealed class RawDumpScenarioTests
{
    private static readonly (string U, string I, long T)[] ClothReviews =
        [("u1", "a1", 100), ("u1", "a2", 200), ("u1", "a3", 300), ("u2", "a1", 110), ("u2", "a2", 210), ("u3", "a1", 120), ("u5", "a1", 130), ("u5", "a2", 230), ("u5", "a3", 330)];
    private static readonly (string U, string I, long T)[] SportReviews =
        [("u1", "b1", 150), ("u1", "b2", 250), ("u2", "b1", 160), ("u2", "b2", 260), ("u2", "b3", 360), ("u2", "b1", 160), ("u4", "b1", 170), ("u4", "b2", 270), ("u4", "b3", 370)];
    private static readonly (string Asin, string Title, string Leaf)[] ClothMeta = [("a1", "Red Shirt", "Shirts"), ("a2", "Blue Cap", "Hats")];
    private static readonly (string Asin, string Title, string Leaf)[] SportMeta = [("b1", "Trail Bottle", "Hydration"), ("b2", "Yoga Mat", "Yoga"), ("b3", "Bike Light", "Cycling"), ("b2", "Yoga Mat", "Yoga")];

    private static readonly ScenarioOptions Base = new() { Name = "raw", DomainAName = "Cloth", DomainBName = "Sport", Negatives = 0 };

    private static IEnumerable<string> Reviews(RawFormat f, (string U, string I, long T)[] rows) => rows.Select(r => f switch
    {
        RawFormat.Amazon2018 => $"{{\"overall\": 5.0, \"verified\": true, \"reviewTime\": \"01 1, 1970\", \"reviewerID\": \"{r.U}\", \"asin\": \"{r.I}\", \"style\": {{\"Size:\": \" M\"}}, \"reviewText\": \"ok\", \"unixReviewTime\": {r.T}}}",
        RawFormat.Amazon2014 => $"{{\"reviewerID\": \"{r.U}\", \"asin\": \"{r.I}\", \"reviewerName\": \"N\", \"helpful\": [0, 0], \"reviewText\": \"ok\", \"overall\": 4.0, \"summary\": \"s\", \"unixReviewTime\": {r.T}, \"reviewTime\": \"01 1, 1970\"}}",
        _ => $"{r.U},{r.I},3.0,{r.T}",
    });

    private static IEnumerable<string> Meta(RawFormat f, string root, (string Asin, string Title, string Leaf)[] rows) => rows.Select(m => f == RawFormat.Amazon2014
        ? $"{{'asin': '{m.Asin}', 'title': \"{m.Title}\", 'salesRank': {{'{root}': 12}}, 'categories': [['{root}', '{m.Leaf}']], 'related': {{'also_bought': ['x']}}}}"
        : $"{{\"category\": [\"{root}\", \"{m.Leaf}\"], \"description\": [], \"title\": \"{m.Title}\", \"also_buy\": [], \"asin\": \"{m.Asin}\"}}");

    private static RawScenarioFiles Write(RawTestFiles dir, RawFormat f, bool gzip)
    {
        string ext = (f == RawFormat.Csv ? ".csv" : ".json") + (gzip ? ".gz" : "");
        string metaExt = (f == RawFormat.Amazon2014 ? ".py" : ".json") + (gzip ? ".gz" : "");
        return new RawScenarioFiles(f,
            dir.Write("cloth" + ext, Reviews(f, ClothReviews), gzip), dir.Write("sport" + ext, Reviews(f, SportReviews), gzip),
            dir.Write("meta_cloth" + metaExt, Meta(f, "Clothing", ClothMeta), gzip), dir.Write("meta_sport" + metaExt, Meta(f, "Sports", SportMeta), gzip));
    }

    private static string? _referenceHash;

    private static string ReferenceHash()
    {
        using var dir = new RawTestFiles();
        return _referenceHash ??= RawScenario.Build(Base, Write(dir, RawFormat.Amazon2018, false)).Manifest.ContentHash;
    }

    [TestCase(RawFormat.Amazon2018, false)]
    [TestCase(RawFormat.Amazon2018, true)]
    [TestCase(RawFormat.Amazon2014, false)]
    [TestCase(RawFormat.Amazon2014, true)]
    [TestCase(RawFormat.Csv, false)]
    [TestCase(RawFormat.Csv, true)]
    public void EveryFormat_BuildsTheHandComputedScenario(RawFormat format, bool gzip)
    {
        using var dir = new RawTestFiles();
        var files = Write(dir, format, gzip);
        var r = RawScenario.Build(Base, files);
        var c = r.Manifest.Counts;
        Assert.That(c.RawReviews, Is.EqualTo(new[] { 9, 9 }));
        Assert.That(c.Duplicates, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(c.UsersDroppedBySplit, Is.EqualTo(1), "u3");
        Assert.That(c.Users, Is.EqualTo(4));
        Assert.That(c.OverlappedUsers, Is.EqualTo(2));
        Assert.That(c.OnlyAUsers, Is.EqualTo(1));
        Assert.That(c.OnlyBUsers, Is.EqualTo(1));
        Assert.That(c.Items, Is.EqualTo(new[] { 3, 3 }));
        Assert.That(c.Interactions, Is.EqualTo(new[] { 8, 8 }));
        Assert.That(c.Instances, Is.EqualTo(new[] { 4, 4, 4 }));
        Assert.That(c.TestTargets, Is.EqualTo(new[] { 2, 2 }));
        Assert.That(c.ItemsWithoutMetadata, Is.EqualTo(new[] { 1, 0 }), "a3 has no metadata");
        Assert.That(c.DuplicateMetadata, Is.EqualTo(new[] { 0, 1 }), "b2 listed twice");

        var d = r.Dataset;
        Assert.That(d.UserIds.ToArray(), Is.EqualTo(new[] { "u1", "u2", "u4", "u5" }));
        Assert.That(d.DomainA.Name, Is.EqualTo("Cloth"));
        Assert.That(d.DomainA[1], Is.EqualTo(new ItemInfo("a1", "Red Shirt", Categories: ["Clothing", "Shirts"])));
        Assert.That(d.DomainB[3].Title, Is.EqualTo("Bike Light"));
        // u1's mixed sequence, time order: a1 b1 a2 b2 a3.
        Assert.That(d.Sequence(0).ToArray(), Is.EqualTo(new[]
        {
            new Interaction(100, 1, Domain.A), new Interaction(150, 1, Domain.B), new Interaction(200, 2, Domain.A),
            new Interaction(250, 2, Domain.B), new Interaction(300, 3, Domain.A),
        }));
        Assert.That(r.Manifest.Inputs.Select(i => i.Role), Is.EqualTo(new[] { "reviews-a", "reviews-b", "meta-a", "meta-b" }));
        Assert.That(r.Manifest.Inputs.All(i => i.Sha256.Length == 64 && i.Format == RawScenario.FormatName(format)));
        Assert.That(r.Manifest.ContentHash, Is.EqualTo(ReferenceHash()), "every format and compression gives the same dataset");
    }

    /// <summary>KCoreUser 4 (overall): u3 (1), u4 (3) and u5 (3) go in one round; u1 and u2 (5 each) stay, with every
    /// item they touch (a1-a3 through u1, b1-b3 through u2).</summary>
    [Test]
    public void KCoreOnRawDump()
    {
        using var dir = new RawTestFiles();
        var r = RawScenario.Build(Base with { KCoreUser = 4 }, Write(dir, RawFormat.Amazon2018, true));
        var c = r.Manifest.Counts;
        Assert.That(c.FilterRounds, Is.EqualTo(1));
        Assert.That(c.RemovedByFilters, Is.EqualTo(new[] { 4, 3 }));
        Assert.That(c.Users, Is.EqualTo(2));
        Assert.That(c.OverlappedUsers, Is.EqualTo(2));
        Assert.That(c.Items, Is.EqualTo(new[] { 3, 3 }));
        Assert.That(c.Interactions, Is.EqualTo(new[] { 5, 5 }));
        Assert.That(c.Instances, Is.EqualTo(new[] { 2, 2, 2 }));

        // Items >= 3 as well: a3 (u1, u5) and b3 (u2, u4) have 2 and go in round 1 with u3/u4/u5; then a1, a2,
        // b1, b2 keep only u1 and u2 (2 each) and go in round 2: nothing is left.
        var empty = RawScenario.Build(Base with { KCoreUser = 4, KCoreItem = 3 }, Write(dir, RawFormat.Amazon2018, false));
        Assert.That(empty.Manifest.Counts.FilterRounds, Is.EqualTo(2));
        Assert.That(empty.Manifest.Counts.Users, Is.EqualTo(0));
        Assert.That(empty.Manifest.Counts.RemovedByFilters, Is.EqualTo(new[] { 9, 8 }), "all 9 Cloth reviews; 9 Sport lines less the duplicate");
    }

    /// <summary>K_u over the two single-domain users u4, u5 (u3 has no instance): 0 keeps neither in train/valid,
    /// 0.5 keeps round(1) = 1, 1 keeps both; the test always has all 4 users.</summary>
    [TestCase(0.0, 2)]
    [TestCase(0.5, 3)]
    [TestCase(1.0, 4)]
    public void NonOverlapRatioOnRawDump(double ku, int trainValidUsers)
    {
        using var dir = new RawTestFiles();
        var r = RawScenario.Build(Base with { NonOverlapRatio = ku }, Write(dir, RawFormat.Amazon2014, false));
        var c = r.Manifest.Counts;
        Assert.That(c.KuEligibleUsers, Is.EqualTo(2));
        Assert.That(c.KuKeptUsers, Is.EqualTo(trainValidUsers - 2));
        Assert.That(c.Instances, Is.EqualTo(new[] { trainValidUsers, trainValidUsers, 4 }));
        Assert.That(c.Users, Is.EqualTo(4));
    }

    /// <summary>User-disjoint 50/25/25 over the 4 users with >= 2 interactions: 2 train, 1 valid, 1 test.</summary>
    [Test]
    public void UserDisjointSplitOnRawDump()
    {
        using var dir = new RawTestFiles();
        var r = RawScenario.Build(Base with { Split = SplitMode.UserDisjoint, TrainFraction = 0.5, ValidFraction = 0.25 }, Write(dir, RawFormat.Csv, true));
        var c = r.Manifest.Counts;
        Assert.That(c.UsersDroppedBySplit, Is.EqualTo(1));
        Assert.That(c.Instances, Is.EqualTo(new[] { 2, 1, 1 }));
        Assert.That(r.Dataset.Instances.ToArray().Select(x => x.User).Distinct().Count(), Is.EqualTo(4));
    }

    /// <summary>ValidFrom 250, TestFrom 300. u1: train a2@200, valid b2@250, test a3@300. u2: train a2@210, valid
    /// b2@260, test b3@360. u4: no train target (b1@170 is first), valid b2@270, test b3@370. u5: train a2@230, no valid
    /// target, test a3@330. u3: nothing.</summary>
    [Test]
    public void TimeSplitOnRawDump()
    {
        using var dir = new RawTestFiles();
        var r = RawScenario.Build(Base with { Split = SplitMode.Time, ValidFrom = 250, TestFrom = 300 }, Write(dir, RawFormat.Csv, false));
        var c = r.Manifest.Counts;
        Assert.That(c.Instances, Is.EqualTo(new[] { 3, 3, 4 }));
        Assert.That(c.UsersDroppedBySplit, Is.EqualTo(1));
        var d = r.Dataset;
        var targets = d.Instances.ToArray().Select(x => (d.UserIds[x.User], x.Part, d.Target(x).Timestamp)).ToArray();
        Assert.That(targets, Is.EquivalentTo(new[]
        {
            ("u1", SplitPart.Train, 200L), ("u1", SplitPart.Valid, 250L), ("u1", SplitPart.Test, 300L),
            ("u2", SplitPart.Train, 210L), ("u2", SplitPart.Valid, 260L), ("u2", SplitPart.Test, 360L),
            ("u4", SplitPart.Valid, 270L), ("u4", SplitPart.Test, 370L),
            ("u5", SplitPart.Train, 230L), ("u5", SplitPart.Test, 330L),
        }));
    }

    [Test]
    public void BadLineAndMissingFile_AreErrorsNamingTheFile()
    {
        using var dir = new RawTestFiles();
        var files = Write(dir, RawFormat.Amazon2018, false);
        string broken = dir.Write("broken.json", [.. Reviews(RawFormat.Amazon2018, ClothReviews).Take(2), "{\"reviewerID\": \"u9\", \"asin\": "]);
        var ex = Assert.Throws<RawDataException>(() => RawScenario.Build(Base, files with { ReviewsA = broken }));
        Assert.That(ex!.Message, Does.StartWith(broken + ":3:"));

        var missing = Assert.Throws<CdsrDataException>(() => RawScenario.Build(Base, files with { ReviewsB = dir.Dir + "/nope.json" }));
        Assert.That(missing!.Message, Is.EqualTo(dir.Dir + "/nope.json: reviews-b file not found"));

        var half = Assert.Throws<CdsrDataException>(() => RawScenario.Build(Base, files with { MetaB = null }));
        Assert.That(half!.Message, Is.EqualTo("metadata: give both domains' metadata files or neither"));
    }
}
