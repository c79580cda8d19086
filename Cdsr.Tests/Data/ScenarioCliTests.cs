using Cdsr.Cli.Commands;
using Cdsr.Data.Model;
using Cdsr.Data.Scenario;
using Cdsr.Data.Storage;
using Cdsr.Data.Synthetic;

namespace Cdsr.Tests.Data;

/// <summary><c>cdsr data generate</c> then <c>cdsr data build</c>, run in-process, and the dataset folder loaded back.</summary>
public sealed class ScenarioCliTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    [Test]
    public void GenerateThenBuild_WritesALoadableDataset()
    {
        using var dir = new TempDir();
        string raw = dir.Sub("raw"), ds = dir.Sub("ds");
        var gen = Cli("data", "generate", "--out", raw, "--seed", "5", "--users", "300", "--items-a", "200", "--items-b", "150", "--gzip");
        Assert.That(gen.Code, Is.EqualTo(0), gen.Err);
        Assert.That(gen.Err, Is.Empty);

        // The same options in-process give the same files, and the expected counts.
        var expected = SyntheticGenerator.Generate(new SyntheticOptions { Seed = 5, Users = 300, ItemsA = 200, ItemsB = 150, Compress = true }, dir.Sub("ref"));
        Assert.That(File.ReadAllBytes(Path.Combine(raw, Path.GetFileName(expected.ReviewsB))), Is.EqualTo(File.ReadAllBytes(expected.ReviewsB)));

        var build = Cli("data", "build", "--format", "amazon2018",
            "--domain-a", Path.Combine(raw, "Clothing_Shoes_and_Jewelry.json.gz"), "--domain-b", Path.Combine(raw, "Sports_and_Outdoors.json.gz"),
            "--meta-a", Path.Combine(raw, "meta_Clothing_Shoes_and_Jewelry.json.gz"), "--meta-b", Path.Combine(raw, "meta_Sports_and_Outdoors.json.gz"),
            "--out", ds, "--name-a", "Cloth", "--name-b", "Sport", "--negatives", "100", "--seed", "7", "--ku", "0.5");
        Assert.That(build.Code, Is.EqualTo(0), build.Err);
        Assert.That(build.Out, Does.Contain($"built ds: 300 users ({expected.OverlappedUsers} overlapped"));

        var data = DatasetStore.Read(ds);
        var manifest = ScenarioManifest.ReadFor(ds, data); // checks the hash against the loaded data
        Assert.That(manifest.ContentHash, Is.EqualTo(DatasetStore.ContentHash(data)));
        Assert.That(manifest.Inputs.Select(i => i.Role), Is.EqualTo(new[] { "reviews-a", "reviews-b", "meta-a", "meta-b" }));
        Assert.That(manifest.Options.NonOverlapRatio, Is.EqualTo(0.5));
        var storeConfig = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(ds, DatasetStore.ManifestFile)))!["config"]!;
        Assert.That((string?)storeConfig["builder"], Is.EqualTo("scenario"));
        Assert.That((double?)storeConfig["options"]!["nonOverlapRatio"], Is.EqualTo(0.5));
        Assert.That(data.UserCount, Is.EqualTo(300), "generated sequences are >= 5 long: every user has a leave-one-out split");
        Assert.That(data.InteractionCount, Is.EqualTo(expected.InteractionsA + expected.InteractionsB));
        Assert.That(data.DomainA.Name, Is.EqualTo("Cloth"));
        Assert.That(data.DomainA[1].Categories![0], Is.EqualTo("Clothing Shoes and Jewelry"));
        Assert.That(data.InstancesOf(SplitPart.Test), Has.Length.EqualTo(300));
        int singleDomain = 300 - expected.OverlappedUsers;
        Assert.That(data.InstancesOf(SplitPart.Train), Has.Length.EqualTo(expected.OverlappedUsers + (int)Math.Round(0.5 * singleDomain, MidpointRounding.AwayFromZero)));
        var cands = data.Candidates!;
        Assert.That(cands.Negatives, Is.EqualTo(100));
        Assert.That(cands.RowCount, Is.EqualTo(data.InstancesOf(SplitPart.Valid).Length + 300));

        // A scenario.json from another build does not pass for this folder.
        var other = Cli("data", "build", "--format", "amazon2018",
            "--domain-a", Path.Combine(raw, "Clothing_Shoes_and_Jewelry.json.gz"), "--domain-b", Path.Combine(raw, "Sports_and_Outdoors.json.gz"),
            "--out", dir.Sub("other"), "--negatives", "0");
        Assert.That(other.Code, Is.EqualTo(0), other.Err);
        File.Copy(Path.Combine(dir.Sub("other"), ScenarioManifest.FileName), Path.Combine(ds, ScenarioManifest.FileName), overwrite: true);
        var ex = Assert.Throws<Cdsr.Data.CdsrDataException>(() => ScenarioManifest.ReadFor(ds, data));
        Assert.That(ex!.Message, Does.Contain("does not match the dataset's"));
    }

    [Test]
    public void BadInputs_AreOneLineErrors_WithNonZeroExit()
    {
        using var dir = new TempDir();
        string a = dir.Write("a.csv", "u1,i1,5,1\n"), b = dir.Write("b.csv", "u1,j1,5,2\n");

        var missing = Cli("data", "build", "--format", "csv", "--domain-a", dir.Sub("none.csv"), "--domain-b", b, "--out", dir.Sub("o"));
        Assert.That(missing.Code, Is.EqualTo(1));
        Assert.That(missing.Err, Is.EqualTo($"cdsr: error: {dir.Sub("none.csv")}: reviews-a file not found" + Environment.NewLine));

        var ku = Cli("data", "build", "--format", "csv", "--domain-a", a, "--domain-b", b, "--out", dir.Sub("o"), "--ku", "25");
        Assert.That(ku.Code, Is.EqualTo(2));
        Assert.That(ku.Err.TrimEnd(), Is.EqualTo("cdsr: error: invalid option: NonOverlapRatio (K_u): expected 0..1, got 25"));

        var format = Cli("data", "build", "--format", "parquet", "--domain-a", a, "--domain-b", b, "--out", dir.Sub("o"));
        Assert.That(format.Code, Is.EqualTo(2));
        Assert.That(format.Err.TrimEnd(), Is.EqualTo("cdsr: error: --format must be one of amazon2018, amazon2014, csv; got 'parquet'"));

        var halfMeta = Cli("data", "build", "--format", "csv", "--domain-a", a, "--domain-b", b, "--meta-a", a, "--out", dir.Sub("o"));
        Assert.That(halfMeta.Code, Is.EqualTo(2));
        Assert.That(halfMeta.Err.TrimEnd(), Is.EqualTo("cdsr: error: give both --meta-a and --meta-b, or neither"));

        string bad = dir.Write("bad.csv", "u1,i1,5,1\nu2,i2,five,2\n");
        var line = Cli("data", "build", "--format", "csv", "--domain-a", bad, "--domain-b", b, "--out", dir.Sub("o"));
        Assert.That(line.Code, Is.EqualTo(1));
        Assert.That(line.Err, Does.StartWith($"cdsr: error: {bad}:2:"));

        var gen = Cli("data", "generate", "--out", dir.Sub("g"), "--users", "0");
        Assert.That(gen.Code, Is.EqualTo(2));
        Assert.That(gen.Err.TrimEnd(), Is.EqualTo("cdsr: error: synthetic option Users: expected >= 1, got 0"));
    }
}
