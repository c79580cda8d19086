using Cdsr.Semantics.Glove;

namespace Cdsr.Tests.Semantics;

/// <summary>Shared inputs of the semantics tests: the real GloVe vectors (loaded once per process from the binary
/// cache) and the LLMCDSR Food/Kitchen titles read straight from the release's items_A.tsv / items_B.tsv.</summary>
internal static class SemanticsTestData
{
    /// <summary>The real vectors, or Assert.Ignore naming the missing files (scripts/setup.sh fetches them).</summary>
    public static GloveVectors Glove()
    {
        if (!GloveStore.Available)
            Assert.Ignore($"GloVe vectors absent: neither {GloveStore.BinaryPath} nor {GloveStore.PackagePath} exists (scripts/setup.sh fetches them)");
        return GloveStore.Open(TestContext.Progress);
    }

    /// <summary>(domain 0 = Food / 1 = Kitchen, asin, title) of every LLMCDSR item, or Assert.Ignore when the release is absent.</summary>
    public static IReadOnlyList<(int Domain, string Asin, string Title)> LlmcdsrTitles()
    {
        var dir = Path.Combine(SharedData.DatasetsRoot, "llmcdsr-food-kitchen");
        if (!Directory.Exists(dir)) Assert.Ignore($"shared dataset absent: {dir}");
        var r = new List<(int, string, string)>();
        foreach (var (file, domain) in new[] { ("items_A.tsv", 0), ("items_B.tsv", 1) })
        {
            var lines = File.ReadAllLines(Path.Combine(dir, file));
            Assert.That(lines[0], Is.EqualTo("id\tasin\ttitle"), file);
            for (int i = 1; i < lines.Length; i++)
            {
                var f = lines[i].Split('\t');
                Assert.That(f, Has.Length.EqualTo(3), $"{file}:{i + 1}");
                r.Add((domain, f[1], f[2]));
            }
        }
        return r;
    }
}
