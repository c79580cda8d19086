using System.Text;
using Cdsr.Semantics;
using Cdsr.Semantics.Glove;

namespace Cdsr.Tests.Semantics;

/// <summary>The package JSON parser and the binary cache, on small documents (the real package is tested in GloveTests).</summary>
public class GloveFormatTests
{
    private const string Doc =
        "{\"precision\":8,\"l2NormIndex\":2,\"wordIndex\":3,\"size\":3,\"dimensions\":2,\"words\":[\"the\",\"pan\",\"caf\\u00e9\"]," +
        "\"vectors\":{\"pan\":[0.5,-1.25,1.3,1],\"the\":[1e-2,2,2,0],\"caf\\u00e9\":[3,4,5,2]},\"unkVector\":[0,0,-1]}";

    /// <summary>Returns at most <c>chunk</c> bytes per Read, to cross every token boundary.</summary>
    private sealed class Trickle(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(4096)]
    public void Streams_the_package_json_into_rank_order(int chunk)
    {
        var v = GloveCacheBuilder.ParseJson(new Trickle(Encoding.UTF8.GetBytes(Doc), chunk), "doc");
        Assert.That(v.Rows, Is.EqualTo(3));
        Assert.That(v.Dims, Is.EqualTo(2));
        Assert.That(new[] { v.Word(0), v.Word(1), v.Word(2) }, Is.EqualTo(new[] { "the", "pan", "caf\u00e9" }));
        Assert.That(v.Vector("pan").ToArray(), Is.EqualTo(new[] { 0.5f, -1.25f }));
        Assert.That(v.Vector(0).ToArray(), Is.EqualTo(new[] { 0.01f, 2f }));
        Assert.That(v.Rank("café"), Is.EqualTo(2));
        Assert.That(v.Rank("pot"), Is.EqualTo(-1));
    }

    [Test]
    public void Missing_or_duplicate_ranks_and_wrong_lengths_are_errors_naming_the_word()
    {
        var missing = Doc.Replace("\"the\":[1e-2,2,2,0],", "");
        Assert.That(Assert.Throws<SemanticsException>(() => Parse(missing))!.Message, Does.Contain("2 vectors for size 3 (first missing rank 0)"));
        var dup = Doc.Replace("[3,4,5,2]", "[3,4,5,1]");
        Assert.That(Assert.Throws<SemanticsException>(() => Parse(dup))!.Message, Does.Contain("rank 1 given to both 'pan' and 'café'"));
        var shortVec = Doc.Replace("[0.5,-1.25,1.3,1]", "[0.5,1.3,1]");
        Assert.That(Assert.Throws<SemanticsException>(() => Parse(shortVec))!.Message, Does.Contain("vector of 'pan' has 3 numbers, expected 4"));
        var truncated = Doc[..(Doc.Length / 2)];
        Assert.That(Assert.Throws<SemanticsException>(() => Parse(truncated))!.Message, Does.StartWith("doc: "));
    }

    private static GloveVectors Parse(string s) => GloveCacheBuilder.ParseJson(new MemoryStream(Encoding.UTF8.GetBytes(s)), "doc");

    [Test]
    public void Binary_cache_round_trips_and_detects_corruption_and_truncation()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cdsr-glove-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(dir, "v.bin");
            var v = Parse(Doc);
            GloveCacheBuilder.Write(v, path);
            Assert.That(Directory.GetFiles(dir), Is.EqualTo(new[] { path }), "no temporary file is left behind");
            var back = GloveVectors.Load(path);
            Assert.That(back.Vector("café").ToArray(), Is.EqualTo(new[] { 3f, 4f }));
            Assert.That(back.Word(1), Is.EqualTo("pan"));

            var bytes = File.ReadAllBytes(path);
            bytes[GloveVectors.HeaderBytes + 3] ^= 0x40; // flip a bit inside the first vector
            File.WriteAllBytes(path, bytes);
            Assert.That(Assert.Throws<SemanticsException>(() => GloveVectors.Load(path))!.Message, Does.Contain("SHA-256 check failed"));

            File.WriteAllBytes(path, bytes[..30]);
            Assert.That(Assert.Throws<SemanticsException>(() => GloveVectors.Load(path))!.Message, Does.Contain("truncated"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void Tokenizer_lowercases_splits_punctuation_and_keeps_known_compounds()
    {
        var vocab = new HashSet<string> { "stainless-steel", "2.5", "'s", "n't" };
        var t = new GloveTokenizer(vocab.Contains);
        Assert.That(t.Tokenize("Women's STAINLESS-Steel 2.5-Qt Pot (Pack of 2), don't"),
            Is.EqualTo(new[] { "women", "'s", "stainless-steel", "2.5", "qt", "pot", "pack", "of", "2", "do", "n't" }));
        Assert.That(t.Tokenize("non-stick e.g."), Is.EqualTo(new[] { "non", "stick", "e", "g" }), "unknown compounds fall back to parts");
        Assert.That(t.Tokenize(" ,;() "), Is.Empty);
    }
}
