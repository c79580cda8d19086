using Cdsr.Data.Import;
using Cdsr.Data.Model;
using Cdsr.Data.Stats;

namespace Cdsr.Tests.Data;

public class StatsTests
{
    [Test]
    public void Statistics_of_a_hand_built_dataset()
    {
        // u0 = A1 B2 A3 B1, u1 = B3 B4 A2 (ModelTests.Tiny); |A| = 5, |B| = 6.
        var s = DatasetStatistics.Compute(ModelTests.Tiny().Build());
        Assert.That((s.Users, s.OverlappedUsers, s.OnlyA, s.OnlyB, s.Interactions), Is.EqualTo((2, 2, 0, 0, 7L)));
        Assert.That((s.MinLength, s.MaxLength, s.MeanLength), Is.EqualTo((3, 4, 3.5)));
        Assert.That(s.A, Is.EqualTo(new DomainStatistics("Food", 2, 5, 3, 3, 1.5, 3.0 / 10)));
        Assert.That(s.B, Is.EqualTo(new DomainStatistics("Kitchen", 2, 6, 4, 4, 2.0, 4.0 / 12)));
        // Dominant share: u0 2/4 = 50% -> bin 5; u1 2/3 = 66.7% -> bin 6.
        Assert.That(s.DominantShareHistogram, Is.EqualTo(new[] { 0, 0, 0, 0, 0, 1, 1, 0, 0, 0 }));
        Assert.That(s.Splits.Select(p => p.Label), Is.EqualTo(new[] { "train", "valid", "test", "train+valid" }));
        // train: u0, history A1 B2, target A3.
        Assert.That(s.Splits[0], Is.EqualTo(new SplitStatistics("train", 1, 1, 0, 0, 1, 3, 3.0, 2, 1, 1, 1, 0)));
        // valid: u1, history B3 B4, target A2.
        Assert.That(s.Splits[1], Is.EqualTo(new SplitStatistics("valid", 1, 1, 0, 0, 1, 3, 3.0, 1, 2, 1, 1, 0)));
        // test: u0, history A1 B2 A3, target B1.
        Assert.That(s.Splits[2], Is.EqualTo(new SplitStatistics("test", 1, 1, 0, 0, 1, 4, 4.0, 2, 2, 1, 0, 1)));
    }

    [Test]
    public void A_single_domain_user_has_a_full_dominant_share()
    {
        var b = ModelTests.Tiny();
        b.AddUser("only-b", [ModelTests.B(1, 1), ModelTests.B(2, 2)]);
        var s = DatasetStatistics.Compute(b.Build());
        Assert.That((s.OverlappedUsers, s.OnlyB), Is.EqualTo((2, 1)));
        Assert.That(s.DominantShareHistogram[9], Is.EqualTo(1), "100% falls into the last bin (90-100%)");
        Assert.That(s.B.Users, Is.EqualTo(3));
    }

    [Test]
    public void Report_prints_the_table()
    {
        var text = StatisticsReport.Format(DatasetStatistics.Compute(ModelTests.Tiny().Build()), ["a note"]);
        Assert.That(text, Does.Contain("users 2: overlapped 2, Food-only 0, Kitchen-only 0"));
        Assert.That(text, Does.Match(@"Food\s+2\s+5\s+3\s+3\s+1\.50\s+0\.300000"));
        Assert.That(text, Does.Match(@"50-60%\s+1\s+50\.0%"));
        Assert.That(text, Does.Contain("note: a note"));
    }

    // ---- the README's counts on the real releases ----

    private static DatasetStatistics Real(string format, string name, ImportOptions? o = null)
    {
        var dir = RealData.Require(name);
        return DatasetStatistics.Compute(DatasetImporters.Import(format, dir, (o ?? new ImportOptions()) with { BuildCandidates = false }));
    }

    private static SplitStatistics Split(DatasetStatistics s, string label) => s.Splits.Single(p => p.Label == label);

    [Test]
    public void Abxi_counts_match_the_readme()
    {
        var s = Real("abxi", "abxi-food-kitchen");
        Assert.That((s.Users, s.OverlappedUsers), Is.EqualTo((7144, 7144)));
        Assert.That((s.A.Items, s.B.Items), Is.EqualTo((11837, 16258)));
        Assert.That((s.Interactions, s.A.Interactions, s.B.Interactions), Is.EqualTo((173548L, 83663L, 89885L)));
        Assert.That((s.MinLength, s.MaxLength), Is.EqualTo((10, 50)));
        Assert.That(s.MeanLength, Is.EqualTo(24.29).Within(0.005));
        Assert.That((Split(s, "train").Instances, Split(s, "valid").Instances, Split(s, "test").Instances), Is.EqualTo((7144, 7144, 7144)));
    }

    [Test]
    public void C2dsr_counts_match_the_readme()
    {
        var s = Real("c2dsr", "c2dsr-food-kitchen");
        Assert.That((s.A.Items, s.B.Items), Is.EqualTo((29207, 34886)));
        Assert.That(Split(s, "valid").Users, Is.EqualTo(8173));
        Assert.That(Split(s, "test").Users, Is.EqualTo(8406));
        Assert.That(s.Splits.Any(p => p.Label == "train"), Is.False, "the release has no training file");
    }

    [Test]
    public void Llmcdsr_counts_match_the_readme()
    {
        var dir = RealData.Require("llmcdsr-food-kitchen");
        var data = DatasetImporters.Import("llmcdsr", dir, new ImportOptions { BuildCandidates = false });
        var s = DatasetStatistics.Compute(data);
        Assert.That((s.A.Items, s.B.Items), Is.EqualTo((8661, 27637)));
        var train = Split(s, "train");
        Assert.That((train.OnlyA, train.OnlyB, train.Overlapped), Is.EqualTo((5472, 38191, 7501)));
        var valid = Split(s, "valid");
        var test = Split(s, "test");
        Assert.That((valid.Users, valid.Interactions), Is.EqualTo((960, 18133L)));
        Assert.That(valid.MeanLength, Is.EqualTo(18.89).Within(0.005));
        Assert.That((test.Users, test.Interactions), Is.EqualTo((937, 15726L)));
        Assert.That(test.MeanLength, Is.EqualTo(16.78).Within(0.005));
        // Per training file (the README's table): users, interactions and mean length.
        foreach (var (file, users, interactions, mean) in new[] { ("train_A/", 5472, 37281L, 6.81), ("train_B/", 38191, 265817L, 6.96), ("train_overlap/", 7501, 99170L, 13.22) })
        {
            var us = Enumerable.Range(0, data.UserCount).Where(u => data.UserIds[u].StartsWith(file, StringComparison.Ordinal)).ToArray();
            long n = us.Sum(u => (long)data.Sequence(u).Length);
            Assert.That((us.Length, n), Is.EqualTo((users, interactions)), file);
            Assert.That((double)n / us.Length, Is.EqualTo(mean).Within(0.005), file);
        }
    }

    [TestCase(25, 8119, 6340, 13000, 11052, 4478, 4034, 4085)]
    [TestCase(75, 15403, 13624, 16084, 12153, 4478, 7634, 7769)]
    public void Amid_counts_match_the_readme(int ku, int rows, int users, int cloth, int sport, int both, int tCloth, int tSport)
    {
        var s = Real("amid", "amid-cloth-sport", new ImportOptions { AmidKu = ku });
        // The release's training file = our train + carved validation parts.
        var train = Split(s, "train+valid");
        Assert.That((train.Instances, train.Users, train.ItemsA, train.ItemsB, train.BothDomains, train.TargetsA, train.TargetsB),
            Is.EqualTo((rows, users, cloth, sport, both, tCloth, tSport)));
        Assert.That(Split(s, "valid").Users, Is.EqualTo((int)Math.Round(users * 0.1)));
        var test = Split(s, "test");
        Assert.That((test.Instances, test.Users, test.ItemsA, test.ItemsB, test.BothDomains, test.TargetsA, test.TargetsB),
            Is.EqualTo((4762, 4630, 10426, 9178, 1184, 2339, 2423)));
    }

    [Test]
    public void Amid_reports_the_767_conflicting_ids()
    {
        var dir = RealData.Require("amid-cloth-sport");
        var data = DatasetImporters.Import("amid", dir, new ImportOptions { BuildCandidates = false });
        Assert.That(data.Notes, Has.Some.StartsWith("amid: 767 item ids occur in both a Cloth and a Sport list"));
    }
}
