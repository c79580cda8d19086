using Cdsr.Data;
using Cdsr.Data.Evaluation;
using Cdsr.Data.Import;
using Cdsr.Data.Model;

namespace Cdsr.Tests.Data;

public class CandidateTests
{
    /// <summary>40 users with 12 interactions each over |A| = sizeA, |B| = sizeB; leave-one-out split.</summary>
    private static CdsrDataset Synthetic(int sizeA = 300, int sizeB = 250)
    {
        var b = new DatasetBuilder("synthetic", "test", TimeKind.UnixSeconds) { DomainA = ModelTests.Vocab("Food", sizeA), DomainB = ModelTests.Vocab("Kitchen", sizeB) };
        var rng = new SplitMix64(7);
        for (int u = 0; u < 40; u++)
        {
            var seq = new Interaction[12];
            for (int i = 0; i < seq.Length; i++)
            {
                var d = rng.NextInt(2) == 0 ? Domain.A : Domain.B;
                seq[i] = new Interaction(i, 1 + rng.NextInt(d == Domain.A ? sizeA : sizeB), d);
            }
            int user = b.AddUser($"u{u}", seq);
            b.AddInstance(new Instance(user, 9, 9, SplitPart.Train));
            b.AddInstance(new Instance(user, 10, 10, SplitPart.Valid));
            b.AddInstance(new Instance(user, 11, 11, SplitPart.Test));
        }
        return b.Build();
    }

    private static CandidateSets Sample(CdsrDataset d, int n, NegativeExclusion ex, ulong seed) =>
        new CandidateSampler(new CandidateOptions(n, ex, seed)).Build(d);

    [Test]
    public void SplitMix64_matches_the_reference_sequence()
    {
        // Reference outputs of Vigna's splitmix64.c for seed 1234567 (also recomputed independently in Python).
        var g = new SplitMix64(1234567);
        Assert.That(new[] { g.NextUInt64(), g.NextUInt64(), g.NextUInt64() },
            Is.EqualTo(new[] { 6457827717110365317UL, 3203168211198807973UL, 9817491932198370423UL }));
    }

    [Test]
    public void NextInt_stays_in_range_and_hits_every_value()
    {
        var g = new SplitMix64(3);
        var counts = new int[7];
        for (int i = 0; i < 7000; i++) counts[g.NextInt(7)]++;
        Assert.That(counts, Has.All.InRange(850, 1150));
    }

    [TestCase(100, NegativeExclusion.Target)]
    [TestCase(100, NegativeExclusion.History)]
    [TestCase(200, NegativeExclusion.History)] // dense path: 2N > available items
    public void Rows_hold_the_target_first_and_distinct_negatives_of_its_domain(int n, NegativeExclusion ex)
    {
        var d = Synthetic();
        var c = Sample(d, n, ex, 11);
        Assert.That(c.RowCount, Is.EqualTo(80), "40 valid + 40 test instances");
        Assert.That(c.RowLength, Is.EqualTo(n + 1));
        for (int r = 0; r < c.RowCount; r++)
        {
            var x = d.Instances[c.InstanceIndices[r]];
            Assert.That(x.Part, Is.Not.EqualTo(SplitPart.Train));
            var target = d.Target(x);
            var row = c.Row(r).ToArray();
            Assert.That(row[0], Is.EqualTo(target.Item));
            var negatives = row[1..];
            Assert.That(negatives, Does.Not.Contain(target.Item), "the target is never a negative");
            Assert.That(negatives, Is.Unique);
            Assert.That(negatives, Has.All.InRange(1, d.Vocabulary(target.Domain).Count));
        }
    }

    [Test]
    public void History_exclusion_never_draws_a_user_item_and_target_exclusion_does()
    {
        var d = Synthetic(sizeA: 120, sizeB: 110); // small domains: with 100 negatives user items are hard to miss
        var hist = Sample(d, 100, NegativeExclusion.History, 5);
        var targ = Sample(d, 100, NegativeExclusion.Target, 5);
        int userItemsDrawn = 0;
        for (int r = 0; r < hist.RowCount; r++)
        {
            var x = d.Instances[hist.InstanceIndices[r]];
            var dom = d.Target(x).Domain;
            var userItems = d.Sequence(x.User, dom).ToItemArray().ToHashSet();
            Assert.That(hist.Row(r)[1..].ToArray().Where(userItems.Contains), Is.Empty, $"row {r}: History exclusion drew a user item");
            userItemsDrawn += targ.Row(r)[1..].ToArray().Count(i => userItems.Contains(i) && i != d.Target(x).Item);
        }
        Assert.That(userItemsDrawn, Is.GreaterThan(0), "Target exclusion leaves the user's other items drawable");
    }

    [Test]
    public void Same_seed_gives_identical_sets_and_another_seed_different_ones()
    {
        var d = Synthetic();
        var a = Sample(d, 100, NegativeExclusion.History, 42);
        var b = Sample(d, 100, NegativeExclusion.History, 42);
        var c = Sample(d, 100, NegativeExclusion.History, 43);
        Assert.That(b.Items.ToArray(), Is.EqualTo(a.Items.ToArray()));
        Assert.That(c.Items.ToArray(), Is.Not.EqualTo(a.Items.ToArray()));
        int differentRows = Enumerable.Range(0, a.RowCount).Count(r => !a.Row(r).SequenceEqual(c.Row(r)));
        Assert.That(differentRows, Is.EqualTo(a.RowCount), "every row changes with the seed");
    }

    [Test]
    public void Full_ranking_lists_the_instances_and_excludes_only_what_the_rule_says()
    {
        var d = Synthetic();
        var c = Sample(d, 0, NegativeExclusion.History, 1);
        Assert.That(c.IsFullRanking, Is.True);
        Assert.That(c.RowCount, Is.EqualTo(80));
        Assert.That(c.Items.Length, Is.Zero);
        Assert.Throws<InvalidOperationException>(() => c.Row(0).ToArray());
        var x = d.Instances[c.InstanceIndices[0]];
        var target = d.Target(x);
        var excluded = CandidateSets.Excluded(d, x, NegativeExclusion.History);
        Assert.That(excluded, Does.Not.Contain(target.Item));
        Assert.That(excluded, Is.EquivalentTo(d.Sequence(x.User, target.Domain).ToItemArray().Where(i => i != target.Item).Distinct()));
        Assert.That(CandidateSets.Excluded(d, x, NegativeExclusion.Target), Is.Empty);
    }

    [TestCase(40)]
    [TestCase(100)] // dense path: 2N > the items left
    public void Split_items_pool_draws_each_row_from_the_items_of_its_own_part(int n)
    {
        var d = Synthetic();
        var c = new CandidateSampler(new CandidateOptions(n, NegativeExclusion.History, 11, CandidatePool.SplitItems)).Build(d);
        var wide = Sample(d, n, NegativeExclusion.History, 11);
        Assert.That((c.Pool, wide.Pool), Is.EqualTo((CandidatePool.SplitItems, CandidatePool.Domain)));
        int outside = 0;
        for (int r = 0; r < c.RowCount; r++)
        {
            var x = d.Instances[c.InstanceIndices[r]];
            var target = d.Target(x);
            var part = CandidateSets.PartItems(d, x.Part, target.Domain);
            var user = CandidateSets.Excluded(d, x, NegativeExclusion.History); // the user's items of the domain, target aside
            var negatives = c.Row(r)[1..].ToArray();
            Assert.That(c.Row(r)[0], Is.EqualTo(target.Item));
            Assert.That(negatives, Is.Unique);
            Assert.That(negatives.All(part.Contains), Is.True, $"row {r}: a negative outside the {x.Part} part's items");
            Assert.That(negatives.Any(user.Contains), Is.False, $"row {r}: a negative the user has");
            outside += wide.Row(r)[1..].ToArray().Count(i => !part.Contains(i));
        }
        Assert.That(outside, Is.GreaterThan(0), "the domain pool draws items the part never touches: the two protocols differ on this data");
        Assert.That(CandidateSets.PartItems(d, SplitPart.Test, Domain.A).Count, Is.LessThan(d.DomainA.Count));

        var mislabelled = new CandidateSets(n, NegativeExclusion.History, 11, "sampled", wide.InstanceIndices.ToArray(), wide.Items.ToArray(), CandidatePool.SplitItems);
        var e = Assert.Throws<CdsrDataException>(() => d.WithCandidates(mislabelled));
        Assert.That(e!.Message, Does.Contain("split-items pool"));
        Assert.Throws<CdsrDataException>(() => new CandidateSampler(new CandidateOptions(0, NegativeExclusion.Target, 1, CandidatePool.SplitItems)).Build(d));
    }

    [Test]
    public void Too_small_a_domain_is_an_error()
    {
        var d = Synthetic(sizeA: 50, sizeB: 60);
        var e = Assert.Throws<CdsrDataException>(() => Sample(d, 100, NegativeExclusion.Target, 1));
        Assert.That(e!.Message, Does.Match(@"instance \d+ \(user 'u0'\): domain (Food|Kitchen) has \d+ items left after exclusion, fewer than 100 negatives"));
    }

    [Test]
    public void A_set_with_the_target_among_its_negatives_is_rejected()
    {
        var d = ModelTests.Tiny().Build();
        // Instances 1 (test, target Kitchen 1) and 2 (valid, target Food 2); one negative each.
        var bad = new CandidateSets(1, NegativeExclusion.Target, 0, "test", [1, 2], [1, 3, 2, 2]);
        var e = Assert.Throws<CdsrDataException>(() => d.WithCandidates(bad));
        Assert.That(e!.Message, Is.EqualTo("candidate row 1 (instance 2): the target 2 is among its negatives"));
        var history = new CandidateSets(1, NegativeExclusion.History, 0, "test", [1], [1, 2]);
        e = Assert.Throws<CdsrDataException>(() => d.WithCandidates(history));
        Assert.That(e!.Message, Is.EqualTo("candidate row 0 (instance 1): negative 2 is in the user's history"));
    }

    [Test]
    public void Real_abxi_candidates_follow_its_protocol()
    {
        var dir = RealData.Require("abxi-food-kitchen");
        var data = DatasetImporters.Import("abxi", dir, new ImportOptions { Seed = 9 });
        var c = data.Candidates!;
        // Validation inside WithCandidates already checked every row; here the settings and the shape.
        Assert.That((c.Negatives, c.Exclusion, c.Seed, c.RowCount), Is.EqualTo((999, NegativeExclusion.History, 9UL, 2 * 7144)));
        Assert.That(c.Items.Length, Is.EqualTo(2 * 7144 * 1000));
    }
}
