using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Cdsr.Data.Synthetic;

namespace Cdsr.Tests.Data;

/// <summary>The synthetic raw-dump generator: byte-level determinism, the Amazon 2018 shape of what it writes
/// (read back here with System.Text.Json, independently of Cdsr's readers), and the planted cross-domain signal.</summary>
public sealed class SyntheticGeneratorTests
{
    private string _dir = "";

    [SetUp] public void SetUp() => _dir = Directory.CreateTempSubdirectory("cdsr-synth-").FullName;
    [TearDown] public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static string[] Hashes(SyntheticDataset d) => [Hash(d.ReviewsA), Hash(d.MetaA), Hash(d.ReviewsB), Hash(d.MetaB)];

    [TestCase(false)]
    [TestCase(true)]
    public void SameSeedWritesSameBytes_OtherSeedDiffers(bool compress)
    {
        var o = new SyntheticOptions { Seed = 7, Users = 300, ItemsA = 200, ItemsB = 150, Compress = compress };
        var first = Hashes(SyntheticGenerator.Generate(o, Path.Combine(_dir, "a")));
        var second = Hashes(SyntheticGenerator.Generate(o, Path.Combine(_dir, "b")));
        var other = Hashes(SyntheticGenerator.Generate(o with { Seed = 8 }, Path.Combine(_dir, "c")));
        Assert.That(second, Is.EqualTo(first));
        Assert.That(other[0], Is.Not.EqualTo(first[0]));
        Assert.That(other[2], Is.Not.EqualTo(first[2]));
    }

    private sealed record Line(string User, string Asin, long Time, int Domain);

    private static IEnumerable<JsonElement> ReadJsonLines(string path)
    {
        using Stream file = File.OpenRead(path);
        using Stream s = path.EndsWith(".gz") ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(s);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            using var doc = JsonDocument.Parse(line);
            yield return doc.RootElement.Clone();
        }
    }

    private static List<Line> ReadReviews(string path, int domain) =>
        ReadJsonLines(path).Select(e => new Line(
            e.GetProperty("reviewerID").GetString()!, e.GetProperty("asin").GetString()!,
            e.GetProperty("unixReviewTime").GetInt64(), domain)).ToList();

    private static Dictionary<string, string> ReadCategoryLeaf(string path) =>
        ReadJsonLines(path).ToDictionary(e => e.GetProperty("asin").GetString()!,
            e => e.GetProperty("category").EnumerateArray().Last().GetString()!);

    [Test]
    public void WritesAmazon2018ShapedFiles_WithIncreasingTimesAndPlantedCounts()
    {
        var o = new SyntheticOptions { Seed = 3, Users = 400, ItemsA = 120, ItemsB = 90, SingleDomainShare = 0.5, Compress = true };
        var d = SyntheticGenerator.Generate(o, _dir);
        Assert.That(Path.GetFileName(d.ReviewsA), Is.EqualTo("Clothing_Shoes_and_Jewelry.json.gz"));
        Assert.That(Path.GetFileName(d.MetaB), Is.EqualTo("meta_Sports_and_Outdoors.json.gz"));

        var first = ReadJsonLines(d.ReviewsA).First();
        foreach (var field in new[] { "overall", "verified", "reviewTime", "reviewerID", "asin", "reviewerName", "reviewText", "summary", "unixReviewTime" })
            Assert.That(first.TryGetProperty(field, out _), Is.True, $"review field {field}");
        var meta = ReadJsonLines(d.MetaA).First();
        foreach (var field in new[] { "asin", "title", "brand", "main_cat", "category", "description", "price" })
            Assert.That(meta.TryGetProperty(field, out _), Is.True, $"meta field {field}");

        var a = ReadReviews(d.ReviewsA, 0);
        var b = ReadReviews(d.ReviewsB, 1);
        Assert.That(a, Has.Count.EqualTo(d.InteractionsA));
        Assert.That(b, Has.Count.EqualTo(d.InteractionsB));
        Assert.That(ReadCategoryLeaf(d.MetaA), Has.Count.EqualTo(120));
        Assert.That(ReadCategoryLeaf(d.MetaB), Has.Count.EqualTo(90));

        var users = a.Concat(b).GroupBy(l => l.User).ToList();
        Assert.That(users, Has.Count.EqualTo(400));
        int overlapped = users.Count(g => g.Select(l => l.Domain).Distinct().Count() == 2);
        Assert.That(overlapped, Is.EqualTo(d.OverlappedUsers));
        Assert.That(overlapped, Is.InRange(150, 250), "SingleDomainShare = 0.5 of 400 users");
        foreach (var g in users)
        {
            var times = g.Select(l => l.Time).OrderBy(t => t).ToList();
            Assert.That(times.Distinct().Count(), Is.EqualTo(times.Count), $"user {g.Key}: timestamps strictly increasing");
            Assert.That(times.Count, Is.InRange(o.MinLength, o.MaxLength), $"user {g.Key}: length");
            Assert.That(g.Select(l => (l.Domain, l.Asin)).Distinct().Count(), Is.EqualTo(g.Count()), $"user {g.Key}: no repeated item");
        }
    }

    /// <summary>
    /// The planted cross-domain signal is measurable without any neural model. For each user with a domain-B item and earlier domain-A history,
    /// the last B item is held out and all B items are ranked by p(topic | history) (recency-weighted, decay 0.7) * p(item | topic) with topics read
    /// from the metadata category and in-topic popularity counted on the remaining interactions. Using the mixed
    /// (A + B) history must beat the B-only history on HR@10.
    /// </summary>
    [Test]
    public void CrossDomainHistoryBeatsTargetOnlyHistory_OnHeldOutNextItems()
    {
        var o = new SyntheticOptions { Seed = 11, Users = 3000, ItemsA = 600, ItemsB = 600 };
        var d = SyntheticGenerator.Generate(o, _dir);
        var leaf = ReadCategoryLeaf(d.MetaA).Concat(ReadCategoryLeaf(d.MetaB)).ToDictionary(kv => kv.Key, kv => kv.Value);
        var topicOf = leaf.Values.Distinct().Order(StringComparer.Ordinal).Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i);
        int topics = topicOf.Count;
        var all = ReadReviews(d.ReviewsA, 0).Concat(ReadReviews(d.ReviewsB, 1));
        var sequences = all.GroupBy(l => l.User).Select(g => g.OrderBy(l => l.Time).ToList()).ToList();

        // Hold out each user's last B interaction; count B popularity on everything else.
        var heldOut = new List<(List<Line> Seq, int Index)>();
        var popularity = new Dictionary<string, int>();
        foreach (var seq in sequences)
        {
            int last = seq.FindLastIndex(l => l.Domain == 1);
            // Evaluated: overlapped users (some A history before the held-out B item); single-domain users would
            // see the same history under both predictors.
            if (last >= 0 && seq.Take(last).Any(l => l.Domain == 0)) heldOut.Add((seq, last));
            for (int k = 0; k < seq.Count; k++)
                if (seq[k].Domain == 1 && k != last) popularity[seq[k].Asin] = popularity.GetValueOrDefault(seq[k].Asin) + 1;
        }
        var itemsB = ReadCategoryLeaf(d.MetaB).Keys.ToArray();
        var topicTotal = new double[topics];
        foreach (var asin in itemsB) topicTotal[topicOf[leaf[asin]]] += popularity.GetValueOrDefault(asin) + 0.5;

        double Hr10(bool crossDomain)
        {
            int hits = 0;
            var affinity = new double[topics];
            foreach (var (seq, index) in heldOut)
            {
                Array.Fill(affinity, 0.1);
                var history = seq.Take(index).Where(l => crossDomain || l.Domain == 1).ToList();
                double weight = 1;
                for (int k = history.Count - 1; k >= 0; k--, weight *= 0.7) affinity[topicOf[leaf[history[k].Asin]]] += weight;
                var seen = history.Where(l => l.Domain == 1).Select(l => l.Asin).ToHashSet();
                double Score(string asin)
                {
                    int t = topicOf[leaf[asin]];
                    return affinity[t] * (popularity.GetValueOrDefault(asin) + 0.5) / topicTotal[t];
                }
                string target = seq[index].Asin;
                double s = Score(target);
                // Pessimistic rank: ties count against the target.
                int better = itemsB.Count(a => a != target && !seen.Contains(a) && Score(a) >= s);
                if (better < 10) hits++;
            }
            return (double)hits / heldOut.Count;
        }

        double cross = Hr10(true), targetOnly = Hr10(false);
        TestContext.Out.WriteLine($"held-out users {heldOut.Count}: HR@10 mixed history {cross:F4}, target-only history {targetOnly:F4}, gain {cross - targetOnly:F4}");
        Assert.That(heldOut.Count, Is.GreaterThan(1500));
        Assert.That(cross, Is.GreaterThan(targetOnly + 0.04), "the planted cross-domain taste must be measurable");
    }

    [Test]
    public void InvalidOptions_AreRejectedNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => SyntheticGenerator.Generate(new SyntheticOptions { Topics = 0 }, _dir));
        Assert.That(ex!.Message, Is.EqualTo("synthetic option Topics: expected 1..64, got 0"));
        ex = Assert.Throws<ArgumentException>(() => SyntheticGenerator.Generate(new SyntheticOptions { ItemsA = 10, ItemsB = 10, MaxLength = 30 }, _dir));
        Assert.That(ex!.Message, Does.StartWith("synthetic option MaxLength: expected <= the smaller item count (10)"));
        ex = Assert.Throws<ArgumentException>(() => SyntheticGenerator.Generate(new SyntheticOptions { DomainB = "Clothing_Shoes_and_Jewelry" }, _dir));
        Assert.That(ex!.Message, Does.Contain("DomainB"));
    }
}
