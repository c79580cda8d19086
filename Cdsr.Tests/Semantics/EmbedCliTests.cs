using System.Xml.Linq;
using Cdsr.Cli.Commands;
using Cdsr.Data.Evaluation;
using Cdsr.Data.Model;
using Cdsr.Data.Storage;
using Cdsr.Semantics.Features;

namespace Cdsr.Tests.Semantics;

/// <summary><c>cdsr embed items</c> and <c>cdsr embed plot</c> end to end on a small dataset with titles.</summary>
[NonParallelizable]
public class EmbedCliTests
{
    private string _dir = null!;

    [SetUp] public void Make() => _dir = Directory.CreateTempSubdirectory("cdsr-embedcli-").FullName;
    [TearDown] public void Clean() => Directory.Delete(_dir, true);

    private static readonly string[] FoodTitles = ["organic green tea bags", "dark chocolate bar", "roasted coffee beans", "pasta sauce with basil", "honey roasted peanuts", "earl grey tea", "maple syrup", "spicy potato chips"];
    private static readonly string[] KitchenTitles = ["stainless steel frying pan", "nonstick skillet", "chef knife", "cutting board", "measuring cups", "cast iron dutch oven", "silicone spatula", "glass mixing bowls"];

    /// <summary>8 Food and 9 Kitchen items; Kitchen item 9 has no text at all.</summary>
    private string WriteDataset()
    {
        var a = FoodTitles.Select((t, i) => new ItemInfo($"F{i + 1}", t)).ToArray();
        var b = KitchenTitles.Select((t, i) => new ItemInfo($"K{i + 1}", t)).Append(new ItemInfo("K9")).ToArray();
        var builder = new DatasetBuilder("tiny-titles", "test", TimeKind.UnixSeconds) { DomainA = new DomainVocabulary("Food", a), DomainB = new DomainVocabulary("Kitchen", b) };
        var rng = new SplitMix64(2);
        for (int u = 0; u < 6; u++)
        {
            var seq = Enumerable.Range(0, 4).Select(i => new Interaction(100 + i, 1 + rng.NextInt(8), i % 2 == 0 ? Domain.A : Domain.B)).ToArray();
            int user = builder.AddUser($"u{u}", seq);
            builder.AddInstance(new Instance(user, 3, 4, SplitPart.Test));
        }
        var path = Path.Combine(_dir, "data");
        DatasetStore.Write(builder.Build(), path);
        return path;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = CdsrCommandLine.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Test]
    public void Glove_items_report_coverage_write_features_and_the_plot_shows_both_domains()
    {
        SemanticsTestData.Glove();
        var data = WriteDataset();
        var features = Path.Combine(_dir, "f.parquet");
        var (code, output, err) = Run("embed", "items", "--provider", "glove", "--data", data, "--out", features);
        Assert.That(code, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("Food: 8 of 8 items embedded (100.00%)"));
        Assert.That(output, Does.Contain("Kitchen: 8 of 9 items embedded (88.89%)"));
        Assert.That(output, Does.Contain("not embedded: Kitchen item 9 (K9): no title, brand, categories or description"));
        var f = ItemFeatureFile.Read(features);
        Assert.That(f.Vectors.Rows, Is.EqualTo(16));
        Assert.That(f.Find("Kitchen", "K9"), Is.EqualTo(-1), "no empty-string vector for the item without text");
        Assert.That(File.ReadAllText(ItemFeatureFile.SidecarPath(features)), Does.Contain("\"item_id\": \"K9\""));

        // aligned to the dataset's shared ids: K9 is missing, so strict alignment fails naming it, lenient leaves it zero
        var dataset = DatasetStore.Read(data);
        var ex = Assert.Throws<Cdsr.Semantics.SemanticsException>(() => f.AlignTo(dataset, source: "f.parquet"));
        Assert.That(ex!.Message, Is.EqualTo("f.parquet: 1 of 17 items of dataset tiny-titles have no vector (first: Kitchen item 9 (K9))"));
        var aligned = f.AlignTo(dataset, allowMissing: true);
        Assert.That((aligned.Rows, aligned.Dims, aligned.Missing), Is.EqualTo((18, 100, 1)));
        Assert.That(aligned.Present[0] || aligned.Present[dataset.SharedId(Domain.B, 9)], Is.False);
        int k3 = dataset.SharedId(Domain.B, 3);
        Assert.That(aligned.Matrix.AsSpan(k3 * 100, 100).ToArray(), Is.EqualTo(f.Vectors.Row(f.Find("Kitchen", "K3")).ToArray()));

        var (code2, _, err2) = Run("embed", "items", "--provider", "glove", "--data", data, "--out", features, "--require-full-coverage");
        Assert.That(code2, Is.EqualTo(1));
        Assert.That(err2, Does.Contain("1 of 17 items have no vector (--require-full-coverage)"));

        var svg = Path.Combine(_dir, "plot.svg");
        var (code3, out3, err3) = Run("embed", "plot", "--features", features, "--out", svg);
        Assert.That(code3, Is.EqualTo(0), err3);
        var doc = XDocument.Load(svg); // well-formed XML
        XNamespace ns = "http://www.w3.org/2000/svg";
        var groups = doc.Root!.Elements(ns + "g").ToArray();
        Assert.That(groups.Select(g => (string?)g.Attribute("fill")), Is.EqualTo(new[] { "#d95f02", "#1b9e77" }));
        Assert.That(groups.Sum(g => g.Elements(ns + "circle").Count()), Is.LessThanOrEqualTo(16).And.GreaterThanOrEqualTo(12), "points (the 1% tails may be cut)");
        Assert.That(doc.Descendants(ns + "text").Select(t => t.Value), Does.Contain("Food (8)").And.Contain("Kitchen (8)"));
        Assert.That(out3, Does.Contain("purity"));

        var tsneSvg = Path.Combine(_dir, "tsne.svg");
        var (code4, out4, err4) = Run("embed", "plot", "--features", features, "--out", tsneSvg, "--method", "tsne", "--perplexity", "3", "--iterations", "200");
        Assert.That(code4, Is.EqualTo(0), err4);
        Assert.That(out4, Does.Contain("t-SNE of 16 sampled items"));
        Assert.That(XDocument.Load(tsneSvg).Descendants(ns + "circle").Count(), Is.GreaterThanOrEqualTo(12));
    }

    [Test]
    public void Onnx_items_run_a_local_encoder_folder_and_reuse_the_cache()
    {
        var model = Path.Combine(_dir, "encoder");
        Directory.CreateDirectory(model);
        File.WriteAllBytes(Path.Combine(model, "model.onnx"), OnnxSentenceEncoderTests.TinyEncoder().ToBytes());
        File.WriteAllLines(Path.Combine(model, "vocab.txt"), OnnxSentenceEncoderTests.Vocab);
        var data = WriteDataset();
        var features = Path.Combine(_dir, "onnx.parquet");
        string[] args = ["embed", "items", "--provider", "onnx", "--model-dir", model, "--data", data, "--out", features, "--cache", Path.Combine(_dir, "cache")];
        var (code, output, err) = Run(args);
        Assert.That(code, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("cache: 0 hits, 16 misses"));
        var f = ItemFeatureFile.Read(features);
        Assert.That((f.Vectors.Rows, f.Vectors.Dims), Is.EqualTo((16, 3)));
        (code, output, err) = Run(args);
        Assert.That(code, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("cache: 16 hits, 0 misses"));
        Assert.That(ItemFeatureFile.Read(features).Vectors.Data, Is.EqualTo(f.Vectors.Data));
    }

    [Test]
    public void Unknown_provider_and_missing_folders_are_usage_errors()
    {
        var (code, _, err) = Run("embed", "items", "--provider", "bert", "--data", _dir);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("bert"));
        (code, _, err) = Run("embed", "plot", "--features", Path.Combine(_dir, "none.parquet"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(err, Does.Contain("none.parquet: feature file not found"));
        var data = WriteDataset();
        (code, _, err) = Run("embed", "items", "--provider", "onnx", "--data", data);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--provider onnx needs --model-dir"));
        (code, _, err) = Run("embed", "items", "--provider", "openai", "--data", data, "--key-env", "CDSR_TEST_UNSET_KEY_VARIABLE");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(err, Is.EqualTo("cdsr: error: environment variable CDSR_TEST_UNSET_KEY_VARIABLE is not set: export the API key there (any non-empty value for servers that need no key)" + Environment.NewLine));
    }

    [Test]
    public void Openai_items_use_the_cache_on_rerun_and_never_write_the_key()
    {
        const string secret = "sk-cli-SECRET-777";
        Environment.SetEnvironmentVariable("CDSR_TEST_CLI_KEY", secret);
        try
        {
            using var server = new FakeOpenAiServer();
            var data = WriteDataset();
            var features = Path.Combine(_dir, "oa.parquet");
            var cache = Path.Combine(_dir, "cache");
            string[] args = ["embed", "items", "--provider", "openai", "--data", data, "--out", features, "--cache", cache,
                "--endpoint", server.Endpoint.ToString(), "--model", "fake-embed", "--key-env", "CDSR_TEST_CLI_KEY", "--batch-size", "5"];
            var (code, output, err) = Run(args);
            Assert.That(code, Is.EqualTo(0), err);
            Assert.That(server.RequestCount, Is.EqualTo(4), "16 texts in batches of 5");
            Assert.That(output, Does.Contain("usage: 4 requests (0 retries)"));
            (code, output, err) = Run(args);
            Assert.That(code, Is.EqualTo(0), err);
            Assert.That(server.RequestCount, Is.EqualTo(4), "the rerun sends nothing");
            Assert.That(output, Does.Contain("cache: 16 hits, 0 misses"));
            foreach (var f in Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories))
                Assert.That(File.ReadAllText(f), Does.Not.Contain(secret), f);
            Assert.That(output + err, Does.Not.Contain(secret));
        }
        finally { Environment.SetEnvironmentVariable("CDSR_TEST_CLI_KEY", null); }
    }
}
