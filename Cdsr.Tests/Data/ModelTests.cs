using Cdsr.Data;
using Cdsr.Data.Model;

namespace Cdsr.Tests.Data;

public class ModelTests
{
    internal static DomainVocabulary Vocab(string name, int n) =>
        new(name, Enumerable.Range(1, n).Select(i => new ItemInfo($"{name[0]}{i}", Title: $"{name} item {i}")).ToArray());

    internal static Interaction A(int item, long t) => new(t, item, Domain.A);
    internal static Interaction B(int item, long t) => new(t, item, Domain.B);

    /// <summary>Two users: u0 = A1 B2 A3 B1 (times 1..4), u1 = B3 B4 A2.</summary>
    internal static DatasetBuilder Tiny()
    {
        var b = new DatasetBuilder("tiny", "test", TimeKind.UnixSeconds) { DomainA = Vocab("Food", 5), DomainB = Vocab("Kitchen", 6) };
        int u0 = b.AddUser("u0", [A(1, 1), B(2, 2), A(3, 3), B(1, 4)]);
        int u1 = b.AddUser("u1", [B(3, 1), B(4, 2), A(2, 3)]);
        b.AddInstance(new Instance(u0, 2, 2, SplitPart.Train));
        b.AddInstance(new Instance(u0, 3, 3, SplitPart.Test));
        b.AddInstance(new Instance(u1, 2, 2, SplitPart.Valid));
        return b;
    }

    [Test]
    public void Views_are_slices_of_the_stored_array()
    {
        var d = Tiny().Build();
        Assert.That(d.UserCount, Is.EqualTo(2));
        Assert.That(d.InteractionCount, Is.EqualTo(7));
        Assert.That(d.Sequence(0).ToArray().Select(x => x.Item), Is.EqualTo(new[] { 1, 2, 3, 1 }));
        Assert.That(d.Sequence(0, Domain.A).ToItemArray(), Is.EqualTo(new[] { 1, 3 }));
        Assert.That(d.Sequence(0, Domain.B).ToItemArray(), Is.EqualTo(new[] { 2, 1 }));
        Assert.That(d.Sequence(1, Domain.A).Count, Is.EqualTo(1));
        // The mixed view points into the one stored array (no copy).
        Assert.That(System.Runtime.CompilerServices.Unsafe.AreSame(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(d.Sequence(1)),
            ref System.Runtime.CompilerServices.Unsafe.AsRef(in d.Interactions[4])), Is.True);
    }

    [Test]
    public void History_and_target_follow_the_instance()
    {
        var d = Tiny().Build();
        var test = d.Instances[1];
        Assert.That(d.Target(test), Is.EqualTo(B(1, 4)));
        Assert.That(d.History(test).ToArray(), Is.EqualTo(new[] { A(1, 1), B(2, 2), A(3, 3) }));
        Assert.That(d.History(test).ItemsOf(Domain.A), Is.EqualTo(new[] { 1, 3 }));
        // "Everything else" history: target in the middle, HistoryEnd = length.
        var all = new Instance(0, 1, 4, SplitPart.Valid);
        Assert.That(d.History(all).ToArray(), Is.EqualTo(new[] { A(1, 1), A(3, 3), B(1, 4) }));
        Assert.That(d.InstancesOf(SplitPart.Valid), Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public void Shared_ids_offset_domain_B_by_the_size_of_A()
    {
        var d = Tiny().Build();
        Assert.That(d.SharedItemCount, Is.EqualTo(11));
        Assert.That(d.SharedId(Domain.A, 5), Is.EqualTo(5));
        Assert.That(d.SharedId(Domain.B, 1), Is.EqualTo(6));
        Assert.That(d.SharedId(Domain.B, 0), Is.EqualTo(0));
        Assert.That(d.FromSharedId(6), Is.EqualTo((Domain.B, 1)));
        Assert.That(d.FromSharedId(5), Is.EqualTo((Domain.A, 5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => d.FromSharedId(12));
    }

    [Test]
    public void Vocabulary_finds_items_by_original_id()
    {
        var v = Vocab("Food", 3);
        Assert.That(v.Find("F2"), Is.EqualTo(2));
        Assert.That(v.Find("nope"), Is.EqualTo(0));
        Assert.That(v[3].Title, Is.EqualTo("Food item 3"));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = v[0]);
    }

    [Test]
    public void Duplicate_user_id_is_an_error()
    {
        var b = Tiny();
        var e = Assert.Throws<CdsrDataException>(() => b.AddUser("u1", [A(1, 1)]));
        Assert.That(e!.Message, Does.Contain("duplicate user id 'u1'"));
    }

    [Test]
    public void Empty_sequence_is_an_error()
    {
        var e = Assert.Throws<CdsrDataException>(() => Tiny().AddUser("u9", []));
        Assert.That(e!.Message, Does.Contain("user 'u9' has an empty sequence"));
    }

    [Test]
    public void Unknown_item_is_an_error()
    {
        var b = Tiny();
        b.AddUser("u2", [A(1, 1), B(7, 2)]);
        var e = Assert.Throws<CdsrDataException>(() => b.Build());
        Assert.That(e!.Message, Does.Contain("user 'u2' position 1: unknown item 7 of domain Kitchen (ids 1..6)"));
    }

    [Test]
    public void Duplicate_original_item_id_is_an_error()
    {
        var b = Tiny();
        b.DomainA = new DomainVocabulary("Food", [new ItemInfo("X"), new ItemInfo("Y"), new ItemInfo("X"), new ItemInfo("Z")]);
        var e = Assert.Throws<CdsrDataException>(() => b.Build());
        Assert.That(e!.Message, Does.Contain("duplicate original item id 'X' (items 1 and 3)"));
    }

    [Test]
    public void Out_of_order_timestamps_are_an_error()
    {
        var b = Tiny();
        b.AddUser("u2", [A(1, 5), B(1, 4)]);
        var e = Assert.Throws<CdsrDataException>(() => b.Build());
        Assert.That(e!.Message, Does.Contain("user 'u2' position 1: timestamp 4 before the previous 5"));
    }

    [Test]
    public void Instance_outside_its_sequence_is_an_error()
    {
        var b = Tiny();
        b.AddInstance(new Instance(1, 3, 3, SplitPart.Test));
        var e = Assert.Throws<CdsrDataException>(() => b.Build());
        Assert.That(e!.Message, Does.Contain("instance 3 (user 'u1'): target position 3 outside its sequence of 3"));
    }
}
