using Cdsr.Data;
using Cdsr.Data.Import;
using Cdsr.Data.Model;

namespace Cdsr.Tests.Data;

public class ImportTests
{
    private static readonly ImportOptions NoCandidates = new() { BuildCandidates = false };

    private static int[] Items(CdsrDataset d, int user) => d.Sequence(user).ToArray().Select(x => d.SharedId(x.Domain, x.Item)).ToArray();

    private static CdsrDataException Fails(string format, TempDir d, ImportOptions? o = null) =>
        Assert.Throws<CdsrDataException>(() => DatasetImporters.Import(format, d.Path, o ?? NoCandidates))!;

    // ---- c2dsr ----

    [Test]
    public void C2dsr_sorts_by_time_and_takes_the_last_item_as_target()
    {
        using var d = new TempDir();
        Fixtures.C2dsr(d);
        var data = DatasetImporters.Import("c2dsr", d.Path, NoCandidates);
        Assert.That(data.DomainA.Count, Is.EqualTo(3));
        Assert.That(data.DomainB.Count, Is.EqualTo(2));
        Assert.That(data.DomainB[1].OriginalId, Is.EqualTo("KA"));
        Assert.That(data.UserIds.ToArray(), Is.EqualTo(new[] { "R0", "R1" }));
        // Valid user: file order 0|100, 3|300, 1|200 -> time order A1, A2, B1; target B1.
        Assert.That(Items(data, 0), Is.EqualTo(new[] { 1, 2, 4 }));
        var valid = data.Instances[0];
        Assert.That(valid.Part, Is.EqualTo(SplitPart.Valid));
        Assert.That(data.Target(valid), Is.EqualTo(new Interaction(300, 1, Domain.B)));
        Assert.That(data.History(valid).Count, Is.EqualTo(2));
        // Test user: a tie at t=30 keeps file order (0 then 1), so the target is Food item id 1 (dense 2).
        var test = data.Instances[1];
        Assert.That(test.Part, Is.EqualTo(SplitPart.Test));
        Assert.That(data.Target(test), Is.EqualTo(new Interaction(30, 2, Domain.A)));
        Assert.That(data.Protocol.Negatives, Is.EqualTo(999));
        Assert.That(data.Protocol.Exclusion, Is.EqualTo(NegativeExclusion.Target));
    }

    [Test]
    public void C2dsr_bad_item_names_file_and_line()
    {
        using var d = new TempDir();
        Fixtures.C2dsr(d);
        d.Write("validdata_new.txt", "0\t5\t0|100|d|\n1\t6\t2|10|d|\tx|20|d|\n");
        var e = Fails("c2dsr", d);
        Assert.That(e.Message, Does.Contain("validdata_new.txt:2:"));
        Assert.That(e.Message, Does.Contain("expected an integer, got 'x'"));
        Assert.That(e.Line, Is.EqualTo(2));
    }

    [Test]
    public void C2dsr_item_outside_the_lists_names_file_and_line()
    {
        using var d = new TempDir();
        Fixtures.C2dsr(d);
        d.Write("testdata_new.txt", "1\t6\t2|10|d|\t5|20|d|\n");
        var e = Fails("c2dsr", d);
        Assert.That(e.Message, Does.Contain("testdata_new.txt:1:"));
        Assert.That(e.Message, Does.Contain("item id 5 outside 0..4"));
    }

    [Test]
    public void C2dsr_duplicate_item_id_names_file_and_line()
    {
        using var d = new TempDir();
        Fixtures.C2dsr(d);
        d.Write("Blist.txt", "20\tKA\t0\n21\tKB\t0\n");
        var e = Fails("c2dsr", d);
        Assert.That(e.Message, Does.Contain("Blist.txt:2: duplicate item id 0 (first on line 1)"));
    }

    // ---- abxi ----

    [Test]
    public void Abxi_is_leave_one_out_with_titles()
    {
        using var d = new TempDir();
        Fixtures.Abxi(d);
        var data = DatasetImporters.Import("abxi", d.Path, NoCandidates);
        Assert.That(data.DomainA.Count, Is.EqualTo(2));
        Assert.That(data.DomainB.Count, Is.EqualTo(3));
        Assert.That(data.DomainA[1], Is.EqualTo(new ItemInfo("FA", "Tea")));
        Assert.That(data.DomainA[2].Title, Is.Null);
        Assert.That(data.DomainB[2], Is.EqualTo(new ItemInfo("KB", "Pot")));
        Assert.That(Items(data, 0), Is.EqualTo(new[] { 1, 3, 2, 4 }));
        Assert.That(data.UserIds.ToArray(), Is.EqualTo(new[] { "R0", "R1" }));
        var parts = data.Instances.ToArray().Where(x => x.User == 0).ToArray();
        Assert.That(parts.Select(x => (x.Part, x.TargetIndex, x.HistoryEnd)),
            Is.EqualTo(new[] { (SplitPart.Train, 1, 1), (SplitPart.Valid, 2, 2), (SplitPart.Test, 3, 3) }));
        Assert.That(data.Target(parts[2]), Is.EqualTo(new Interaction(40, 2, Domain.B)));
        Assert.That(data.Protocol.Exclusion, Is.EqualTo(NegativeExclusion.History));
    }

    [Test]
    public void Abxi_out_of_order_timestamps_name_file_and_line()
    {
        using var d = new TempDir();
        Fixtures.Abxi(d);
        d.Write("afk_50_preprocessed.txt", "0 1|10 3|20 2|30 4|40\n1 5|1 4|5 3|3 1|4\n");
        var e = Fails("abxi", d);
        Assert.That(e.Message, Does.Contain("afk_50_preprocessed.txt:2: pair 3: timestamp 3 before the previous 5"));
    }

    [Test]
    public void Abxi_items_tsv_disagreeing_with_the_map_names_file_and_line()
    {
        using var d = new TempDir();
        Fixtures.Abxi(d);
        d.Write("items.tsv", "id\tdomain\tasin\ttitle\n1\t0\tFA\tTea\n2\t0\tXX\t\n");
        var e = Fails("abxi", d);
        Assert.That(e.Message, Does.Contain("items.tsv:3: id 2: asin/domain 'XX'/0 disagree with map_item_50.txt ('FB'/0)"));
    }

    [Test]
    public void Abxi_bad_json_names_file_and_line()
    {
        using var d = new TempDir();
        Fixtures.Abxi(d);
        d.Write("map_user_50.txt", "{\"R0\": 0,\n \"R1\": }");
        var e = Fails("abxi", d);
        Assert.That(e.Message, Does.Contain("map_user_50.txt:2: invalid JSON"));
    }

    // ---- llmcdsr ----

    [Test]
    public void Llmcdsr_reads_three_training_files_and_valid_test_targets()
    {
        using var d = new TempDir();
        Fixtures.Llmcdsr(d);
        var data = DatasetImporters.Import("llmcdsr", d.Path, NoCandidates);
        Assert.That(data.UserIds.ToArray(), Is.EqualTo(new[] { "train_A/1", "train_B/1", "train_overlap/1", "valid/1", "test/1" }));
        Assert.That(Items(data, 2), Is.EqualTo(new[] { 1, 3, 2, 5 }));
        Assert.That(data.DomainB[3], Is.EqualTo(new ItemInfo("KC", "Cup")));
        var inst = data.Instances.ToArray();
        Assert.That(inst.Select(x => x.Part), Is.EqualTo(new[] { SplitPart.Train, SplitPart.Train, SplitPart.Train, SplitPart.Valid, SplitPart.Test }));
        Assert.That(data.Target(inst[3]), Is.EqualTo(new Interaction(2, 1, Domain.A)));
        Assert.That(data.Target(inst[4]), Is.EqualTo(new Interaction(2, 2, Domain.B)));
        Assert.That(data.History(inst[4]).Count, Is.EqualTo(2));
        Assert.That(data.TimeKind, Is.EqualTo(TimeKind.Ordinal));
    }

    [Test]
    public void Llmcdsr_kitchen_item_in_train_A_names_file_and_line()
    {
        using var d = new TempDir();
        Fixtures.Llmcdsr(d);
        d.Write("train_A.txt", "1\t0,1,3\n");
        var e = Fails("llmcdsr", d);
        Assert.That(e.Message, Does.Contain("train_A.txt:1: item 3: id 3 is not a Food item"));
    }

    [Test]
    public void Llmcdsr_malformed_line_names_file_and_line()
    {
        using var d = new TempDir();
        Fixtures.Llmcdsr(d);
        d.Write("test.txt", "1\t0,4,3\n2\t0,,3\n");
        var e = Fails("llmcdsr", d);
        Assert.That(e.Message, Does.Contain("test.txt:2: item 2: expected an integer, got ''"));
    }

    [Test]
    public void Llmcdsr_user_count_disagreeing_with_instance_num_is_an_error()
    {
        using var d = new TempDir();
        Fixtures.Llmcdsr(d);
        d.Write("instance_num.txt", "1\n2\n1\n");
        var e = Fails("llmcdsr", d);
        Assert.That(e.Message, Does.Contain("instance_num.txt:2: train_B.txt has 1 users, instance_num.txt says 2"));
    }

    // ---- amid ----

    [Test]
    public void Amid_rows_are_instances_whose_history_is_everything_else()
    {
        using var d = new TempDir();
        Fixtures.Amid(d);
        var data = DatasetImporters.Import("amid", d.Path, NoCandidates with { AmidValidFraction = 0 });
        // Cloth ids seen: 10, 11, 12, 50 -> 1..4; Sport ids: 50, 60, 61, 62 -> 1..4.
        Assert.That(data.DomainA.Items.ToArray().Select(i => i.OriginalId), Is.EqualTo(new[] { "10", "11", "12", "50" }));
        Assert.That(data.DomainB.Items.ToArray().Select(i => i.OriginalId), Is.EqualTo(new[] { "50", "60", "61", "62" }));
        Assert.That(data.UserIds.ToArray(), Is.EqualTo(new[] { "7", "8", "9" }), "user 7 is stored once although it has three rows");
        Assert.That(data.Sequence(0).ToArray(), Is.EqualTo(new[]
        {
            new Interaction(0, 1, Domain.A), new Interaction(1, 4, Domain.A), new Interaction(2, 2, Domain.A),
            new Interaction(0, 2, Domain.B), new Interaction(1, 3, Domain.B),
        }));
        var inst = data.Instances.ToArray();
        Assert.That(inst.Select(x => x.Part), Is.EqualTo(new[] { SplitPart.Train, SplitPart.Train, SplitPart.Train, SplitPart.Test, SplitPart.Test }));
        // Row 1: Cloth target = last Cloth item (11 -> 2); history = the other four.
        Assert.That(data.Target(inst[0]), Is.EqualTo(new Interaction(2, 2, Domain.A)));
        Assert.That(data.History(inst[0]).ToArray().Select(x => (x.Domain, x.Item)),
            Is.EqualTo(new[] { (Domain.A, 1), (Domain.A, 4), (Domain.B, 2), (Domain.B, 3) }));
        // Row 2: Sport target = 61 -> 3.
        Assert.That(data.Target(inst[1]), Is.EqualTo(new Interaction(1, 3, Domain.B)));
        Assert.That(data.History(inst[1]).Count, Is.EqualTo(4));
        Assert.That(data.Notes, Has.Some.Contains("1 item ids occur in both a Cloth and a Sport list (e.g. 50)"));
    }

    [Test]
    public void Amid_validation_is_a_seeded_share_of_training_users()
    {
        using var d = new TempDir();
        Fixtures.Amid(d);
        var a = DatasetImporters.Import("amid", d.Path, NoCandidates with { AmidValidFraction = 0.5, Seed = 1 });
        var b = DatasetImporters.Import("amid", d.Path, NoCandidates with { AmidValidFraction = 0.5, Seed = 1 });
        Assert.That(a.Instances.ToArray(), Is.EqualTo(b.Instances.ToArray()));
        var valid = a.Instances.ToArray().Where(x => x.Part == SplitPart.Valid).Select(x => x.User).Distinct().ToArray();
        Assert.That(valid, Has.Length.EqualTo(1), "round(2 training users x 0.5) = 1 validation user");
        // All rows of that user are validation rows; none of its rows stays in training.
        Assert.That(a.Instances.ToArray().Where(x => x.User == valid[0] && x.Part == SplitPart.Train), Is.Empty);
    }

    [Test]
    public void Amid_bad_domain_names_file_and_line()
    {
        using var d = new TempDir();
        Fixtures.Amid(d);
        d.Write("cloth_sport_test.csv", "user_id,seq_d1,seq_d2,domain_id\n9,[],\"[50, 62]\",1\n10,[1],[2],2\n");
        var e = Fails("amid", d);
        Assert.That(e.Message, Does.Contain("cloth_sport_test.csv:3: domain_id: expected 0 (Cloth) or 1 (Sport), got 2"));
    }

    [Test]
    public void Amid_empty_target_list_names_file_and_line()
    {
        using var d = new TempDir();
        Fixtures.Amid(d);
        d.Write("cloth_sport_train25.csv", "user_id,seq_d1,seq_d2,domain_id\n8,\"[12, 10]\",[],1\n");
        var e = Fails("amid", d);
        Assert.That(e.Message, Does.Contain("cloth_sport_train25.csv:2: domain_id 1: the target domain's list is empty"));
    }

    [Test]
    public void Amid_user_rows_with_different_lists_name_both_places()
    {
        using var d = new TempDir();
        Fixtures.Amid(d);
        d.Write("cloth_sport_test.csv", "user_id,seq_d1,seq_d2,domain_id\n7,\"[10, 11]\",\"[60, 61]\",1\n");
        var e = Fails("amid", d);
        Assert.That(e.Message, Does.Contain("cloth_sport_test.csv:2: user 7: sequences differ from the user's row at"));
        Assert.That(e.Message, Does.Contain("cloth_sport_train25.csv:2"));
    }

    [Test]
    public void Amid_broken_list_names_file_and_line()
    {
        using var d = new TempDir();
        Fixtures.Amid(d);
        d.Write("cloth_sport_train25.csv", "user_id,seq_d1,seq_d2,domain_id\n8,\"[12, 10\",[],0\n");
        var e = Fails("amid", d);
        Assert.That(e.Message, Does.Contain("cloth_sport_train25.csv:2: seq_d1: expected a JSON list"));
    }

    // ---- common ----

    [Test]
    public void Missing_file_is_named()
    {
        using var d = new TempDir();
        Fixtures.Abxi(d);
        File.Delete(Path.Combine(d.Path, "items.tsv"));
        var e = Fails("abxi", d);
        Assert.That(e.Message, Does.Contain(Path.Combine(d.Path, "items.tsv") + ": file not found"));
    }

    [Test]
    public void Unknown_format_lists_the_known_ones()
    {
        using var d = new TempDir();
        var e = Assert.Throws<CdsrDataException>(() => DatasetImporters.Import("movielens", d.Path));
        Assert.That(e!.Message, Is.EqualTo("unknown format 'movielens' (expected one of: c2dsr, amid, abxi, llmcdsr)"));
    }
}
