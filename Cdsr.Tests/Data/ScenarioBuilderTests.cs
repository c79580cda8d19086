using Cdsr.Data;
using Cdsr.Data.Model;
using Cdsr.Data.Scenario;

namespace Cdsr.Tests.Data;

/// <summary>The scenario builder on in-memory reviews whose outcome is computed by hand in the comments:
/// de-duplication, time window, iterated k-core, per-domain minimum, overlapped-only, max length, the three splits,
/// K_u, metadata and the manifest.</summary>
public sealed class ScenarioBuilderTests
{
    private static readonly ScenarioOptions Base = new() { Negatives = 0 };

    private static RawEvent E(string user, string item, long time) => new(user, item, time);

    private static string[] Users(CdsrDataset d) => d.UserIds.ToArray();

    /// <summary>
    /// KCoreItem 2, KCoreUser 3 (overall). Round 1 removes the once-seen items a3, a4, b3. Round 2: u3 (a1, b2) and
    /// u4 (b1, b2) fall below 3 and go. Round 3: b2 is left with u2 only and goes. Round 4 changes nothing.
    /// Left: u1 (a1, a2, b1) and u2 (a1, a2, b1).
    /// </summary>
    [Test]
    public void KCore_IteratesUntilStable()
    {
        RawEvent[] a = [E("u1", "a1", 1), E("u1", "a2", 2), E("u1", "a3", 3), E("u2", "a1", 4), E("u2", "a2", 5), E("u3", "a1", 6), E("u3", "a4", 7)];
        RawEvent[] b = [E("u1", "b1", 10), E("u2", "b1", 11), E("u2", "b2", 12), E("u3", "b2", 13), E("u4", "b3", 14), E("u4", "b1", 15), E("u4", "b2", 16)];
        var r = ScenarioBuilder.Build(Base with { KCoreItem = 2, KCoreUser = 3 }, a, b);
        var c = r.Manifest.Counts;
        Assert.That(c.FilterRounds, Is.EqualTo(3));
        Assert.That(c.RemovedByFilters, Is.EqualTo(new[] { 3, 5 }));
        Assert.That(Users(r.Dataset), Is.EqualTo(new[] { "u1", "u2" }));
        Assert.That(c.Items, Is.EqualTo(new[] { 2, 1 }));
        Assert.That(c.Interactions, Is.EqualTo(new[] { 4, 2 }));
        Assert.That(c.OverlappedUsers, Is.EqualTo(2));
        Assert.That(c.Instances, Is.EqualTo(new[] { 2, 2, 2 }));
        Assert.That(c.TestTargets, Is.EqualTo(new[] { 0, 2 }));
        Assert.That(r.Dataset.DomainA.Items.ToArray().Select(i => i.OriginalId), Is.EqualTo(new[] { "a1", "a2" }));
        Assert.That(r.Dataset.Notes, Has.Some.EqualTo("filters removed 3 (A) + 5 (B) reviews in 3 round(s)"));

        // A single pass would have kept u3 and u4: the iteration is what removes them.
        var onePassUsers = new[] { "u1", "u2", "u3", "u4" };
        Assert.That(Users(r.Dataset), Is.Not.EqualTo(onePassUsers));
    }

    /// <summary>
    /// MinPerDomain 2 + overlapped only. Round 1: u1's single B review and u3's single A review go. Round 2: u1 and u3
    /// are single-domain now, so their remaining 3 A and 2 B reviews go. Only u2 (x1, x2 | y1, y2) is left.
    /// </summary>
    [Test]
    public void MinPerDomainAndOverlappedOnly_IterateTogether()
    {
        RawEvent[] a = [E("u1", "x1", 1), E("u1", "x2", 2), E("u1", "x3", 3), E("u2", "x1", 1), E("u2", "x2", 2), E("u3", "x3", 1)];
        RawEvent[] b = [E("u1", "y1", 5), E("u2", "y1", 5), E("u2", "y2", 6), E("u3", "y2", 5), E("u3", "y3", 6)];
        var r = ScenarioBuilder.Build(Base with { MinPerDomain = 2, OverlappedOnly = true }, a, b);
        var c = r.Manifest.Counts;
        Assert.That(c.FilterRounds, Is.EqualTo(2));
        Assert.That(c.RemovedByFilters, Is.EqualTo(new[] { 4, 3 }));
        Assert.That(Users(r.Dataset), Is.EqualTo(new[] { "u2" }));
        Assert.That(c.Items, Is.EqualTo(new[] { 2, 2 }));
        Assert.That(c.Interactions, Is.EqualTo(new[] { 2, 2 }));
    }

    /// <summary>Per-domain k-core 2: u1 has 3 A and 1 B review, so only u1's B part goes; u1 stays, single-domain.</summary>
    [Test]
    public void KCorePerDomain_RemovesOnlyTheThinDomainPart()
    {
        RawEvent[] a = [E("u1", "x1", 1), E("u1", "x2", 2), E("u1", "x3", 3), E("u2", "x1", 3), E("u2", "x2", 4)];
        RawEvent[] b = [E("u1", "y1", 5), E("u2", "y1", 6), E("u2", "y2", 7)];
        var r = ScenarioBuilder.Build(Base with { KCoreUser = 2, KCoreScope = KCoreScope.PerDomain }, a, b);
        var c = r.Manifest.Counts;
        Assert.That(c.RemovedByFilters, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(c.OverlappedUsers, Is.EqualTo(1));
        Assert.That(c.OnlyAUsers, Is.EqualTo(1));
        // Overall scope counts 3 for u1 and keeps everything.
        var overall = ScenarioBuilder.Build(Base with { KCoreUser = 2, KCoreScope = KCoreScope.Overall }, a, b);
        Assert.That(overall.Manifest.Counts.RemovedByFilters, Is.EqualTo(new[] { 0, 0 }));
    }

    [Test]
    public void Deduplication_TimeWindow_AndMaxLength_AreCounted()
    {
        // u1: 6 A reviews (one exact duplicate of t=1) + 1 B review at t=100 (outside TimeTo = 50).
        RawEvent[] a = [E("u1", "x1", 1), E("u1", "x1", 1), E("u1", "x2", 2), E("u1", "x3", 3), E("u1", "x4", 4), E("u1", "x5", 5), E("u1", "x1", 6)];
        RawEvent[] b = [E("u1", "y1", 100)];
        var r = ScenarioBuilder.Build(Base with { TimeTo = 50, MaxLength = 4 }, a, b);
        var c = r.Manifest.Counts;
        Assert.That(c.RawReviews, Is.EqualTo(new[] { 7, 1 }));
        Assert.That(c.Duplicates, Is.EqualTo(new[] { 1, 0 }));
        Assert.That(c.OutsideTimeWindow, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(c.TruncatedByMaxLength, Is.EqualTo(2));
        // Latest 4 of x1@1 x2@2 x3@3 x4@4 x5@5 x1@6 (the re-review at another time is not a duplicate).
        var seq = r.Dataset.Sequence(0).ToArray();
        Assert.That(seq.Select(x => x.Timestamp), Is.EqualTo(new long[] { 3, 4, 5, 6 }));
        Assert.That(r.Dataset.DomainB.Count, Is.EqualTo(0));
        Assert.That(r.Dataset.Notes, Has.Some.EqualTo("de-duplication removed 1 (A) + 0 (B) repeated (user, item, timestamp) reviews"));

        var kept = ScenarioBuilder.Build(Base with { Deduplicate = false }, a, b);
        Assert.That(kept.Manifest.Counts.Interactions, Is.EqualTo(new[] { 7, 1 }));
    }

    [Test]
    public void LeaveOneOut_LastIsTest_SecondLastValid_ThirdLastTrain_ShortUsersCounted()
    {
        RawEvent[] a = [E("u1", "x1", 1), E("u1", "x2", 3), E("u2", "x1", 1)];
        RawEvent[] b = [E("u1", "y1", 2), E("u1", "y2", 4), E("u2", "y1", 2)];
        var r = ScenarioBuilder.Build(Base, a, b);
        var d = r.Dataset;
        Assert.That(Users(d), Is.EqualTo(new[] { "u1" }));
        Assert.That(r.Manifest.Counts.UsersDroppedBySplit, Is.EqualTo(1));
        Assert.That(d.Instances.ToArray(), Is.EqualTo(new[]
        {
            new Instance(0, 1, 1, SplitPart.Train), new Instance(0, 2, 2, SplitPart.Valid), new Instance(0, 3, 3, SplitPart.Test),
        }));
        Assert.That(d.Target(d.Instances[2]), Is.EqualTo(new Interaction(4, 2, Domain.B)));
    }

    [Test]
    public void UserDisjoint_SplitsUsersBySeed_80_10_10()
    {
        var a = Enumerable.Range(0, 21).SelectMany(u => u == 20
            ? new[] { E($"u{u:D2}", "x1", 1) }
            : new[] { E($"u{u:D2}", "x1", 1), E($"u{u:D2}", "x2", 2) }).ToArray();
        var o = Base with { Split = SplitMode.UserDisjoint, Seed = 5 };
        var r = ScenarioBuilder.Build(o, a, []);
        var c = r.Manifest.Counts;
        Assert.That(c.UsersDroppedBySplit, Is.EqualTo(1));
        Assert.That(c.Instances, Is.EqualTo(new[] { 16, 2, 2 }));
        var parts = r.Dataset.Instances.ToArray().ToDictionary(x => r.Dataset.UserIds[x.User], x => x.Part);
        Assert.That(parts, Has.Count.EqualTo(20), "one instance per user: the parts are user-disjoint");
        Assert.That(r.Dataset.Instances.ToArray().All(x => x.TargetIndex == 1 && x.HistoryEnd == 1));

        var again = ScenarioBuilder.Build(o, a, []);
        Assert.That(again.Manifest.ContentHash, Is.EqualTo(r.Manifest.ContentHash));
        var other = ScenarioBuilder.Build(o with { Seed = 6 }, a, []);
        var otherParts = other.Dataset.Instances.ToArray().ToDictionary(x => other.Dataset.UserIds[x.User], x => x.Part);
        Assert.That(otherParts, Is.Not.EqualTo(parts));
    }

    /// <summary>ValidFrom 100, TestFrom 200. u1 (10, 20, 150, 250, 260): train target 20, valid 150, test 250.
    /// u2 (150, 250): no train target (nothing before 100 after position 0), the 150 is position 0 so no valid; test 250.
    /// u3 (10, 20): train only. u4 (300): nothing, dropped.</summary>
    [Test]
    public void TimeSplit_UsesCutTimestamps()
    {
        RawEvent[] a = [E("u1", "x1", 10), E("u1", "x2", 20), E("u1", "x3", 150), E("u2", "x1", 150), E("u3", "x1", 10), E("u3", "x2", 20), E("u4", "x1", 300)];
        RawEvent[] b = [E("u1", "y1", 250), E("u1", "y2", 260), E("u2", "y1", 250)];
        var r = ScenarioBuilder.Build(Base with { Split = SplitMode.Time, ValidFrom = 100, TestFrom = 200 }, a, b);
        var d = r.Dataset;
        Assert.That(Users(d), Is.EqualTo(new[] { "u1", "u2", "u3" }));
        Assert.That(r.Manifest.Counts.UsersDroppedBySplit, Is.EqualTo(1));
        Assert.That(d.Instances.ToArray(), Is.EqualTo(new[]
        {
            new Instance(0, 1, 1, SplitPart.Train), new Instance(0, 2, 2, SplitPart.Valid), new Instance(0, 3, 3, SplitPart.Test),
            new Instance(1, 1, 1, SplitPart.Test),
            new Instance(2, 1, 1, SplitPart.Train),
        }));
    }

    /// <summary>4 overlapped users and 8 single-domain ones (4 only A, 4 only B), each with 4 interactions.
    /// Leave-one-out gives every user one train, valid and test instance; K_u keeps train/valid of round(K_u * 8)
    /// single-domain users, the test keeps all 12.</summary>
    [TestCase(0.0, 4)]
    [TestCase(0.5, 8)]
    [TestCase(1.0, 12)]
    public void NonOverlapRatio_ThinsTrainAndValid_TestKeepsEveryone(double ku, int trainUsers)
    {
        var a = new List<RawEvent>();
        var b = new List<RawEvent>();
        for (int u = 0; u < 12; u++)
            for (int k = 0; k < 4; k++)
            {
                bool toA = u < 4 ? k % 2 == 0 : u < 8;
                (toA ? a : b).Add(E($"u{u:D2}", $"i{k}", k + 1));
            }
        var r = ScenarioBuilder.Build(Base with { NonOverlapRatio = ku, Seed = 9 }, a, b);
        var c = r.Manifest.Counts;
        Assert.That(c.Users, Is.EqualTo(12));
        Assert.That(c.OverlappedUsers, Is.EqualTo(4));
        Assert.That(c.Instances, Is.EqualTo(new[] { trainUsers, trainUsers, 12 }));
        Assert.That(c.KuEligibleUsers, Is.EqualTo(8));
        Assert.That(c.KuKeptUsers, Is.EqualTo(trainUsers - 4));
        // Every overlapped user keeps its train instance whatever K_u.
        var d = r.Dataset;
        var trainIds = d.InstancesOf(SplitPart.Train).Select(i => d.UserIds[d.Instances[i].User]).ToHashSet();
        Assert.That(new[] { "u00", "u01", "u02", "u03" }.All(trainIds.Contains));
    }

    [Test]
    public void NonOverlapRatio_WithUserDisjointSplit_RemovesUnkeptTrainUsers()
    {
        var a = new List<RawEvent>();
        var b = new List<RawEvent>();
        for (int u = 0; u < 40; u++)
        {
            a.Add(E($"u{u:D2}", "x1", 1));
            (u < 20 ? b : a).Add(E($"u{u:D2}", u < 20 ? "y1" : "x2", 2));
        }
        var o = Base with { Split = SplitMode.UserDisjoint, Seed = 3 };
        var all = ScenarioBuilder.Build(o, a, b);
        var none = ScenarioBuilder.Build(o with { NonOverlapRatio = 0 }, a, b);
        var d = none.Dataset;
        Assert.That(none.Manifest.Counts.Instances[2], Is.EqualTo(all.Manifest.Counts.Instances[2]), "test keeps all users");
        foreach (var x in d.Instances)
            if (x.Part != SplitPart.Test) Assert.That(SplitOverlapped(d, x.User), Is.True, $"user {d.UserIds[x.User]} in {x.Part}");
        int singleTrainValid = all.Dataset.Instances.ToArray().Count(x => x.Part != SplitPart.Test && !SplitOverlapped(all.Dataset, x.User));
        Assert.That(none.Manifest.Counts.UsersRemovedByKu, Is.EqualTo(singleTrainValid));
        Assert.That(none.Manifest.Counts.Users, Is.EqualTo(40 - singleTrainValid));
    }

    private static bool SplitOverlapped(CdsrDataset d, int user)
    {
        var s = d.Sequence(user).ToArray();
        return s.Any(x => x.Domain == Domain.A) && s.Any(x => x.Domain == Domain.B);
    }

    [Test]
    public void Metadata_FillsItemInfo_AndMissingEntriesAreCounted()
    {
        RawEvent[] a = [E("u1", "x1", 1), E("u1", "x2", 2), E("u1", "x3", 3)];
        var meta = new Dictionary<string, ItemInfo> { ["x1"] = new("ignored", Title: "Red Shirt", Categories: ["Clothing", "Shirts"]) };
        var r = ScenarioBuilder.Build(Base, a, [], meta, new Dictionary<string, ItemInfo>());
        Assert.That(r.Dataset.DomainA[1], Is.EqualTo(new ItemInfo("x1", Title: "Red Shirt", Categories: ["Clothing", "Shirts"])));
        Assert.That(r.Dataset.DomainA[2].Title, Is.Null);
        Assert.That(r.Manifest.Counts.ItemsWithoutMetadata, Is.EqualTo(new[] { 2, 0 }));
    }

    [Test]
    public void Manifest_RoundTrips_AndContentHashFollowsTheData()
    {
        RawEvent[] a = [E("u1", "x1", 1), E("u1", "x2", 2), E("u2", "x1", 1), E("u2", "x2", 3)];
        RawEvent[] b = [E("u1", "y1", 5), E("u2", "y1", 6), E("u2", "y2", 7)];
        var r = ScenarioBuilder.Build(Base with { Name = "tiny" }, a, b);
        string path = Path.Combine(Path.GetTempPath(), $"cdsr-manifest-{Guid.NewGuid():N}.json");
        try
        {
            r.Manifest.Write(path);
            var back = ScenarioManifest.Read(path);
            Assert.That(back.Options, Is.EqualTo(r.Manifest.Options));
            Assert.That(back.ContentHash, Is.EqualTo(r.Manifest.ContentHash).And.Length.EqualTo(64));
            Assert.That(back.Counts.Interactions, Is.EqualTo(new[] { 4, 3 }));
            Assert.That(File.ReadAllText(path), Does.Contain("\"split\": \"LeaveOneOut\""));

            string text = File.ReadAllText(path);
            File.WriteAllText(path, text.Replace("\"kCoreUser\": 0", "\"kCoreUser\": 0, \"kcoreUsr\": 3"));
            var unknown = Assert.Throws<CdsrDataException>(() => ScenarioManifest.Read(path));
            Assert.That(unknown!.Message, Does.StartWith(path + ":").And.Contains("kcoreUsr"));

            File.WriteAllText(path, text.Replace("\"version\": 1", "\"version\": 9"));
            var ex = Assert.Throws<CdsrDataException>(() => ScenarioManifest.Read(path));
            Assert.That(ex!.Message, Is.EqualTo($"{path}:1: scenario manifest version 9, this build reads version 1"));
        }
        finally { File.Delete(path); }

        Assert.That(ScenarioBuilder.Build(Base with { Name = "tiny" }, a, b).Manifest.ContentHash, Is.EqualTo(r.Manifest.ContentHash));
        var changed = ScenarioBuilder.Build(Base with { Name = "tiny" }, a, b.Append(E("u1", "y2", 8)));
        Assert.That(changed.Manifest.ContentHash, Is.Not.EqualTo(r.Manifest.ContentHash));
    }

    [Test]
    public void SampledCandidates_AreAttached_WhenTheDomainsAreLargeEnough()
    {
        var a = Enumerable.Range(0, 30).Select(i => E("u1", $"x{i:D2}", i)).Concat(Enumerable.Range(0, 30).Select(i => E("u2", $"x{i:D2}", i)));
        var r = ScenarioBuilder.Build(new ScenarioOptions { Negatives = 20, Seed = 1 }, a, []);
        var cands = r.Dataset.Candidates!;
        Assert.That(cands.Negatives, Is.EqualTo(20));
        Assert.That(cands.RowCount, Is.EqualTo(4), "valid + test of 2 users");
        var tooFew = Assert.Throws<CdsrDataException>(() => ScenarioBuilder.Build(new ScenarioOptions { Negatives = 999 }, a, []));
        Assert.That(tooFew!.Message, Does.Contain("fewer than 999 negatives"));
    }

    [TestCase("KCoreUser", "scenario option KCoreUser: expected >= 0, got -1")]
    [TestCase("Ku", "scenario option NonOverlapRatio (K_u): expected 0..1, got 1.5")]
    [TestCase("Time", "scenario option ValidFrom/TestFrom: the time split needs both cut timestamps")]
    [TestCase("Fractions", "scenario option ValidFraction: expected >= 0 with TrainFraction + ValidFraction < 1, got 0.3 (train 0.8)")]
    public void InvalidOptions_AreRejected(string which, string message)
    {
        var o = which switch
        {
            "KCoreUser" => Base with { KCoreUser = -1 },
            "Ku" => Base with { NonOverlapRatio = 1.5 },
            "Time" => Base with { Split = SplitMode.Time, ValidFrom = 5 },
            _ => Base with { Split = SplitMode.UserDisjoint, ValidFraction = 0.3 },
        };
        var ex = Assert.Throws<CdsrDataException>(() => ScenarioBuilder.Build(o, [], []));
        Assert.That(ex!.Message, Is.EqualTo(message));
    }
}
