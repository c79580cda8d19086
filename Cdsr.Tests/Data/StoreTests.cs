using System.Text.Json.Nodes;
using Cdsr.Data;
using Cdsr.Data.Evaluation;
using Cdsr.Data.Import;
using Cdsr.Data.Model;
using Cdsr.Data.Storage;

namespace Cdsr.Tests.Data;

public class StoreTests
{
    /// <summary>Asserts that two datasets hold the same values everywhere (vocabularies with side information,
    /// users, interactions, instances, protocol, notes, candidates).</summary>
    internal static void AssertSame(CdsrDataset expected, CdsrDataset actual)
    {
        Assert.That((actual.Name, actual.SourceFormat, actual.TimeKind), Is.EqualTo((expected.Name, expected.SourceFormat, expected.TimeKind)));
        foreach (var d in new[] { Domain.A, Domain.B })
        {
            Assert.That(actual.Vocabulary(d).Name, Is.EqualTo(expected.Vocabulary(d).Name));
            Assert.That(actual.Vocabulary(d).Items.ToArray(), Is.EqualTo(expected.Vocabulary(d).Items.ToArray()), $"items of domain {d}");
        }
        Assert.That(actual.UserIds.ToArray(), Is.EqualTo(expected.UserIds.ToArray()));
        Assert.That(actual.UserOffsets.ToArray(), Is.EqualTo(expected.UserOffsets.ToArray()));
        Assert.That(actual.Interactions.SequenceEqual(expected.Interactions), Is.True, "interactions");
        Assert.That(actual.Instances.SequenceEqual(expected.Instances), Is.True, "instances");
        Assert.That(actual.Protocol, Is.EqualTo(expected.Protocol));
        Assert.That(actual.Notes, Is.EqualTo(expected.Notes));
        if (expected.Candidates is null) { Assert.That(actual.Candidates, Is.Null); return; }
        var (e, a) = (expected.Candidates, actual.Candidates!);
        Assert.That((a.Negatives, a.Exclusion, a.Seed, a.Source, a.Pool), Is.EqualTo((e.Negatives, e.Exclusion, e.Seed, e.Source, e.Pool)));
        Assert.That(a.InstanceIndices.SequenceEqual(e.InstanceIndices), Is.True, "candidate instances");
        Assert.That(a.Items.SequenceEqual(e.Items), Is.True, "candidate items");
    }

    private static CdsrDataset WithSideInfo()
    {
        var a = Enumerable.Range(1, 150).Select(i => new ItemInfo($"A{i}", $"Food {i}", i % 3 == 0 ? null : "Brand",
            i % 2 == 0 ? ["Grocery", $"Cat {i % 5}"] : null, i % 7 == 0 ? "line one\nline two, \"quoted\"" : null, i % 4 == 0 ? $"http://img/{i}.jpg" : null)).ToArray();
        var b = Enumerable.Range(1, 140).Select(i => new ItemInfo($"B{i}", i % 2 == 0 ? $"Kitchen ü {i}" : null)).ToArray();
        var builder = new DatasetBuilder("side", "test", TimeKind.UnixSeconds) { DomainA = new DomainVocabulary("Food", a), DomainB = new DomainVocabulary("Kitchen", b) };
        var rng = new SplitMix64(1);
        for (int u = 0; u < 30; u++)
        {
            var seq = Enumerable.Range(0, 5 + u % 4).Select(i => rng.NextInt(2) == 0 ? new Interaction(1000 + i, 1 + rng.NextInt(150), Domain.A) : new Interaction(1000 + i, 1 + rng.NextInt(140), Domain.B)).ToArray();
            int user = builder.AddUser($"user-{u}", seq);
            builder.AddInstance(new Instance(user, seq.Length - 3, seq.Length - 3, SplitPart.Train));
            builder.AddInstance(new Instance(user, seq.Length - 2, seq.Length - 2, SplitPart.Valid));
            builder.AddInstance(new Instance(user, seq.Length - 1, seq.Length, SplitPart.Test));
        }
        builder.AddNote("a note");
        var data = builder.Build();
        return data.WithCandidates(new CandidateSampler(new CandidateOptions(100, NegativeExclusion.History, 3)).Build(data));
    }

    [Test]
    public void Round_trip_keeps_everything_including_side_information_and_candidates()
    {
        using var dir = new TempDir();
        var data = WithSideInfo();
        DatasetStore.Write(data, dir.Path);
        var back = DatasetStore.Read(dir.Path);
        AssertSame(data, back);
        Assert.That(DatasetStore.ContentHash(back), Is.EqualTo(DatasetStore.ContentHash(data)));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "manifest.json")))!;
        Assert.That((int)manifest["version"]!, Is.EqualTo(DatasetStore.Version));
        Assert.That((int)manifest["counts"]!["interactions"]!, Is.EqualTo(data.InteractionCount));
        Assert.That((string)manifest["content_hash"]!, Is.EqualTo(DatasetStore.ContentHash(data)));
    }

    [Test]
    public void Rewriting_replaces_the_whole_folder_and_a_foreign_folder_is_refused()
    {
        using var dir = new TempDir();
        var target = Path.Combine(dir.Path, "ds");
        var data = WithSideInfo();
        DatasetStore.Write(data, target);
        File.WriteAllText(Path.Combine(target, "scenario.json"), "{}");   // stale file of an earlier build
        var plain = data.WithCandidates(null);
        DatasetStore.Write(plain, target);
        Assert.That(Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "ds" }),
            "no staging or replaced folder is left beside the dataset");
        Assert.That(File.Exists(Path.Combine(target, "scenario.json")), Is.False, "the stale scenario.json went with the old dataset");
        Assert.That(File.Exists(Path.Combine(target, "candidates.parquet")), Is.False);
        AssertSame(plain, DatasetStore.Read(target));

        var foreign = Path.Combine(dir.Path, "mine");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "notes.txt"), "keep me");
        var ex = Assert.Throws<IOException>(() => DatasetStore.Write(data, foreign));
        Assert.That(ex!.Message, Does.Contain("mine").And.Contain("notes.txt"));
        Assert.That(File.ReadAllText(Path.Combine(foreign, "notes.txt")), Is.EqualTo("keep me"));
    }

    [Test]
    public void Round_trip_of_full_ranking_and_of_no_candidates()
    {
        using var dir = new TempDir();
        var plain = WithSideInfo().WithCandidates(null);
        var full = plain.WithCandidates(new CandidateSampler(new CandidateOptions(0, NegativeExclusion.Target, 5)).Build(plain));
        foreach (var data in new[] { full, plain })
        {
            DatasetStore.Write(data, dir.Path);
            AssertSame(data, DatasetStore.Read(dir.Path));
        }
        Assert.That(File.Exists(Path.Combine(dir.Path, "candidates.parquet")), Is.False, "no candidate rows, no candidate file");
    }

    [Test]
    public void Round_trip_keeps_a_split_items_pool_and_the_domain_pool_is_the_default_of_a_manifest_without_one()
    {
        using var dir = new TempDir();
        var plain = WithSideInfo().WithCandidates(null);
        var split = plain.WithCandidates(new CandidateSampler(new CandidateOptions(3, NegativeExclusion.History, 5, CandidatePool.SplitItems)).Build(plain));
        DatasetStore.Write(split, dir.Path);
        var back = DatasetStore.Read(dir.Path);
        AssertSame(split, back);
        Assert.That(back.Candidates!.Pool, Is.EqualTo(CandidatePool.SplitItems));

        // A manifest written before pools existed has no "pool": it reads as the domain pool, with its hash unchanged.
        var domain = WithSideInfo();
        DatasetStore.Write(domain, dir.Path);
        var path = Path.Combine(dir.Path, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.That((string)manifest["candidates"]!["pool"]!, Is.EqualTo("Domain"));
        manifest["candidates"]!.AsObject().Remove("pool");
        File.WriteAllText(path, manifest.ToJsonString());
        Assert.That(DatasetStore.Read(dir.Path).Candidates!.Pool, Is.EqualTo(CandidatePool.Domain));
    }

    [Test]
    public void Content_hash_changes_with_any_value()
    {
        var data = WithSideInfo();
        var other = data.WithCandidates(new CandidateSampler(new CandidateOptions(100, NegativeExclusion.History, 4)).Build(data));
        Assert.That(DatasetStore.ContentHash(other), Is.Not.EqualTo(DatasetStore.ContentHash(data)));
    }

    [Test]
    public void A_tampered_manifest_hash_is_detected()
    {
        using var dir = new TempDir();
        DatasetStore.Write(WithSideInfo(), dir.Path);
        var path = Path.Combine(dir.Path, "manifest.json");
        var m = JsonNode.Parse(File.ReadAllText(path))!;
        m["content_hash"] = new string('0', 64);
        File.WriteAllText(path, m.ToJsonString());
        var e = Assert.Throws<CdsrDataException>(() => DatasetStore.Read(dir.Path));
        Assert.That(e!.Message, Does.Contain("does not match the manifest's 0000"));
    }

    [Test]
    public void Missing_manifest_or_table_and_unknown_version_are_named()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<CdsrDataException>(() => DatasetStore.Read(dir.Path));
        Assert.That(e!.Message, Does.Contain("manifest.json: file not found"));
        DatasetStore.Write(WithSideInfo(), dir.Path);
        var path = Path.Combine(dir.Path, "manifest.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"version\": 1", "\"version\": 9"));
        e = Assert.Throws<CdsrDataException>(() => DatasetStore.Read(dir.Path));
        Assert.That(e!.Message, Does.Contain("version 9 is not supported (this build reads version 1)"));
        DatasetStore.Write(WithSideInfo(), dir.Path);
        File.Delete(Path.Combine(dir.Path, "splits.parquet"));
        var ex = Assert.Catch(() => DatasetStore.Read(dir.Path));
        Assert.That(ex!.Message, Does.Contain("splits.parquet"));
    }

    [TestCase("abxi", "abxi-food-kitchen", 100)]
    [TestCase("amid", "amid-cloth-sport", 100)]
    public void Real_import_store_load_is_identical(string format, string name, int? negatives)
    {
        var src = RealData.Require(name);
        using var dir = new TempDir();
        var data = DatasetImporters.Import(format, src, new ImportOptions { Negatives = negatives, Seed = 17 });
        Assert.That(data.Candidates, Is.Not.Null);
        DatasetStore.Write(data, dir.Path);
        AssertSame(data, DatasetStore.Read(dir.Path));
    }
}
