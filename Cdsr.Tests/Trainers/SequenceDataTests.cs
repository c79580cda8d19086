using Cdsr.Data.Model;
using Cdsr.Trainers.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Tests.Trainers;

public class SequenceDataTests
{
    private static Interaction A(int item, long t) => new(t, item, Domain.A);
    private static Interaction B(int item, long t) => new(t, item, Domain.B);

    /// <summary>Food has 4 items (shared ids 1..4), Kitchen 3 (shared 5..7).
    /// u0 = A1 B1 A2 A3 B2 A4 (train target index 3 = A3, valid 4 = B2, test 5 = A4); u1 = B3 B1 (train target 1).</summary>
    private static CdsrDataset Fixture()
    {
        var b = new DatasetBuilder("seq", "test", TimeKind.UnixSeconds) { DomainA = TinyDatasets.Vocab("Food", 4), DomainB = TinyDatasets.Vocab("Kitchen", 3) };
        int u0 = b.AddUser("u0", [A(1, 1), B(1, 2), A(2, 3), A(3, 4), B(2, 5), A(4, 6)]);
        int u1 = b.AddUser("u1", [B(3, 1), B(1, 2)]);
        b.AddInstance(new Instance(u0, 3, 3, SplitPart.Train));
        b.AddInstance(new Instance(u0, 4, 4, SplitPart.Valid));
        b.AddInstance(new Instance(u0, 5, 5, SplitPart.Test));
        b.AddInstance(new Instance(u1, 1, 1, SplitPart.Train));
        return b.Build();
    }

    [Test]
    public void Mixed_view_trains_on_prefixes_up_to_the_target_in_shared_ids()
    {
        var d = SequenceData.Build(Fixture(), SequenceView.Mixed, maxLength: 10);
        Assert.That(d.ItemCount, Is.EqualTo(7));
        Assert.That(d.TrainSequences, Has.Count.EqualTo(2));
        Assert.That(d.TrainSequences[0], Is.EqualTo(new[] { 1, 5, 2, 3 }));  // A1 B1 A2 A3
        Assert.That(d.TrainSequences[1], Is.EqualTo(new[] { 7, 5 }));        // B3 B1
    }

    [Test]
    public void Single_domain_view_filters_items_and_targets()
    {
        var d = SequenceData.Build(Fixture(), SequenceView.A, maxLength: 10);
        // u0's A items up to A3; u1's target is Kitchen: left out and counted.
        Assert.That(d.TrainSequences.Select(s => s.ToArray()), Is.EqualTo(new[] { new[] { 1, 2, 3 } }));
        Assert.That(d.FilteredInstances, Is.EqualTo(1));
        Assert.That(d.EvalExamples(SplitPart.Valid), Is.Empty, "the valid target B2 is not a Food item");
        var test = d.EvalExamples(SplitPart.Test).Single();
        Assert.That(test.History, Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That((test.TargetDomain, test.TargetLocal), Is.EqualTo((Domain.A, 4)));

        var kb = SequenceData.Build(Fixture(), SequenceView.B, maxLength: 10);
        Assert.That(kb.TrainSequences.Select(s => s.ToArray()), Is.EqualTo(new[] { new[] { 7, 5 } }), "u0's train target A3 is not Kitchen");
        Assert.That(kb.FilteredInstances, Is.EqualTo(1));
        Assert.That(kb.EvalExamples(SplitPart.Valid).Single().History, Is.EqualTo(new[] { 5 }));
    }

    [Test]
    public void Truncation_keeps_the_most_recent_items_and_batches_are_left_padded()
    {
        var d = SequenceData.Build(Fixture(), SequenceView.Mixed, maxLength: 2);
        Assert.That(d.TrainSequences[0], Is.EqualTo(new[] { 5, 2, 3 }), "MaxLength + 1 most recent items");
        Assert.That(d.EvalExamples(SplitPart.Test).Single().History, Is.EqualTo(new[] { 3, 6 }), "history A3 B2, most recent last");

        var batches = d.TrainBatches(batchSize: 8, seed: 1, epoch: 1).ToList();
        Assert.That(batches, Has.Count.EqualTo(1));
        using var batch = batches[0];
        Assert.That(batch.Inputs.shape, Is.EqualTo(new long[] { 2, 2 }));
        var inputs = batch.Inputs.data<long>().ToArray();
        var pos = batch.Positives.data<long>().ToArray();
        var neg = batch.Negatives.data<long>().ToArray();
        // Rows come shuffled: find each sequence's row by its last positive.
        var rows = Enumerable.Range(0, 2).ToDictionary(r => pos[r * 2 + 1], r => r);
        int r0 = rows[3], r1 = rows[5];
        Assert.That(new[] { inputs[r0 * 2], inputs[r0 * 2 + 1] }, Is.EqualTo(new long[] { 5, 2 }));
        Assert.That(new[] { pos[r0 * 2], pos[r0 * 2 + 1] }, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(new[] { inputs[r1 * 2], inputs[r1 * 2 + 1] }, Is.EqualTo(new long[] { 0, 7 }), "left padding");
        Assert.That(new[] { pos[r1 * 2], neg[r1 * 2] }, Is.EqualTo(new long[] { 0, 0 }), "no target, no negative at padding");
        for (int i = 0; i < 4; i++)
        {
            if (pos[i] == 0) continue;
            Assert.That(neg[i], Is.Not.EqualTo(pos[i]));
            bool posInA = pos[i] <= 4, negInA = neg[i] <= 4;
            Assert.That(negInA, Is.EqualTo(posInA), $"negative {neg[i]} must come from the domain of positive {pos[i]}");
            Assert.That(neg[i], Is.InRange(1, 7));
        }
    }

    [Test]
    public void Last_only_batches_keep_the_inputs_and_target_only_the_final_position()
    {
        var d = SequenceData.Build(TinyDatasets.Planted(users: 40), SequenceView.Mixed, maxLength: 8);
        var all = d.TrainBatches(16, seed: 5, epoch: 1).ToList();
        var last = d.TrainBatches(16, seed: 5, epoch: 1, lastOnly: true).ToList();
        Assert.That(last, Has.Count.EqualTo(all.Count));
        int targets = 0;
        for (int k = 0; k < all.Count; k++)
        {
            using var a = all[k];
            using var b = last[k];
            Assert.That(b.Inputs.data<long>().ToArray(), Is.EqualTo(a.Inputs.data<long>().ToArray()), "same sequences in the same order");
            var pa = a.Positives.data<long>().ToArray();
            var pb = b.Positives.data<long>().ToArray();
            var nb = b.Negatives.data<long>().ToArray();
            for (int r = 0; r < b.Sequences; r++)
            {
                int end = (r + 1) * 8 - 1;                       // left padding: the final position is the row's last slot
                Assert.That(pb[end], Is.EqualTo(pa[end]).And.Not.EqualTo(0), "the final target is kept");
                Assert.That(nb[end], Is.Not.EqualTo(0).And.Not.EqualTo(pb[end]));
                for (int t = r * 8; t < end; t++) Assert.That((pb[t], nb[t]), Is.EqualTo((0L, 0L)), $"row {r} position {t - r * 8} is no target");
                targets++;
            }
        }
        Assert.That(targets, Is.EqualTo(d.TrainSequences.Count));
    }

    [Test]
    public void Epoch_batches_depend_only_on_seed_and_epoch()
    {
        var d = SequenceData.Build(TinyDatasets.Planted(users: 40), SequenceView.Mixed, maxLength: 8);
        long[] Flat(ulong seed, int epoch)
        {
            var all = new List<long>();
            foreach (var b in d.TrainBatches(16, seed, epoch))
                using (b)
                {
                    all.AddRange(b.Inputs.data<long>().ToArray());
                    all.AddRange(b.Negatives.data<long>().ToArray());
                }
            return all.ToArray();
        }
        Assert.That(Flat(3, 2), Is.EqualTo(Flat(3, 2)));
        Assert.That(Flat(3, 2), Is.Not.EqualTo(Flat(3, 3)), "another epoch reshuffles");
        Assert.That(Flat(3, 2), Is.Not.EqualTo(Flat(4, 2)), "another seed reshuffles");
    }

    [Test]
    public void PadHistories_rejects_a_history_longer_than_the_maximum()
    {
        var d = SequenceData.Build(Fixture(), SequenceView.Mixed, maxLength: 2);
        var e = Assert.Throws<ArgumentException>(() => d.PadHistories([[1, 2, 3]]).Dispose());
        Assert.That(e!.Message, Does.Contain("3 items, more than the maximum length 2"));
        using var t = d.PadHistories([[4], []]);
        Assert.That(t.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 4, 0, 0 }));
    }
}
