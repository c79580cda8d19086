using Cdsr.Cli.Commands;
using Cdsr.Data.Storage;

namespace Cdsr.Tests.Data;

/// <summary>The cdsr command line, run in-process with captured output.</summary>
public class CliTests
{
    private static (int Code, string Out, string Err) Cdsr(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CdsrCommandLine.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>A usage or data error: exit code, exactly one line on stderr, nothing that looks like a stack trace.</summary>
    private static string AssertOneLineError((int Code, string Out, string Err) r, int code)
    {
        Assert.That(r.Code, Is.EqualTo(code), r.Err);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), r.Err);
        Assert.That(lines[0], Does.StartWith("cdsr: error: "));
        Assert.That(r.Err, Does.Not.Contain("   at "));
        return lines[0];
    }

    [Test]
    public void Stats_of_a_release_prints_the_table()
    {
        using var d = new TempDir();
        Fixtures.Abxi(d);
        var r = Cdsr("data", "stats", "--format", "abxi", "--input", d.Path);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("users 2: overlapped 2, Food-only 0, Kitchen-only 0"));
        Assert.That(r.Out, Does.Contain("interactions 8; sequence length min 4, max 4, mean 4.00"));
        Assert.That(r.Err, Is.Empty);
    }

    [Test]
    public void Import_writes_a_dataset_folder_that_stats_reads()
    {
        using var d = new TempDir();
        Fixtures.Llmcdsr(d);
        var outDir = d.Sub("out");
        var r = Cdsr("data", "import", "--format", "llmcdsr", "--input", d.Path, "--out", outDir, "--negatives", "0", "--exclude", "history", "--seed", "5");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("candidates: full ranking for 2 valid/test instances (exclude history)"));
        var stored = DatasetStore.Read(outDir);
        Assert.That(stored.Candidates!.Seed, Is.EqualTo(5UL));
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "manifest.json")))!;
        Assert.That((string?)manifest["config"]!["format"], Is.EqualTo("llmcdsr"));
        Assert.That((string?)manifest["config"]!["exclude"], Is.EqualTo("history"));
        Assert.That((int?)manifest["config"]!["negatives"], Is.EqualTo(0));
        var fromFolder = Cdsr("data", "stats", "--data", outDir);
        var fromRelease = Cdsr("data", "stats", "--format", "llmcdsr", "--input", d.Path);
        Assert.That(fromFolder.Code, Is.EqualTo(0), fromFolder.Err);
        Assert.That(fromFolder.Out, Is.EqualTo(fromRelease.Out));
        Assert.That(fromFolder.Out, Does.Contain("users 5: overlapped 3, Food-only 1, Kitchen-only 1"));
    }

    [Test]
    public void Unknown_option_is_a_one_line_usage_error()
    {
        var line = AssertOneLineError(Cdsr("data", "stats", "--bogus", "1"), 2);
        Assert.That(line, Does.Contain("--bogus"));
    }

    [Test]
    public void Missing_required_option_is_a_one_line_usage_error()
    {
        using var d = new TempDir();
        var line = AssertOneLineError(Cdsr("data", "import", "--format", "abxi", "--input", d.Path), 2);
        Assert.That(line, Does.Contain("--out"));
    }

    [TestCase("--negatives", "50", "--negatives must be 100 or 999")]
    [TestCase("--exclude", "everything", "everything")]
    [TestCase("--negative-pool", "test-file", "test-file")]
    [TestCase("--format", "movielens", "movielens")]
    [TestCase("--seed", "-3", "-3")]
    public void Bad_values_are_one_line_usage_errors(string option, string value, string expected)
    {
        using var d = new TempDir();
        var args = new List<string> { "data", "import", "--format", "abxi", "--input", d.Path, "--out", d.Sub("o") };
        int at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = value; else args.AddRange([option, value]);
        var line = AssertOneLineError(Cdsr([.. args]), 2);
        Assert.That(line, Does.Contain(expected));
    }

    [Test]
    public void Missing_input_folder_is_a_one_line_error_naming_it()
    {
        using var d = new TempDir();
        var missing = d.Sub("nope");
        var line = AssertOneLineError(Cdsr("data", "stats", "--format", "c2dsr", "--input", missing), 1);
        Assert.That(line, Does.Contain(missing));
    }

    [Test]
    public void Malformed_release_is_a_one_line_error_naming_file_and_line()
    {
        using var d = new TempDir();
        Fixtures.Llmcdsr(d);
        d.Write("valid.txt", "1\t1,3,0\n2\tnot-a-list\n");
        var line = AssertOneLineError(Cdsr("data", "stats", "--format", "llmcdsr", "--input", d.Path), 1);
        Assert.That(line, Does.Contain("valid.txt:2: item 1: expected an integer, got 'not-a-list'"));
    }

    [Test]
    public void Too_few_items_for_999_negatives_is_a_one_line_error()
    {
        using var d = new TempDir();
        Fixtures.Abxi(d);
        var line = AssertOneLineError(Cdsr("data", "import", "--format", "abxi", "--input", d.Path, "--out", d.Sub("o")), 1);
        Assert.That(line, Does.Contain("fewer than 999 negatives"));
    }

    [Test]
    public void Stats_needs_exactly_one_source()
    {
        var line = AssertOneLineError(Cdsr("data", "stats"), 2);
        Assert.That(line, Does.Contain("give either --data"));
        using var d = new TempDir();
        line = AssertOneLineError(Cdsr("data", "stats", "--data", d.Path), 1);
        Assert.That(line, Does.Contain("manifest.json: file not found"));
    }

    [Test]
    public void Data_subcommands_come_from_one_list()
    {
        var ctx = new CliContext(TextWriter.Null, TextWriter.Null);
        var data = DataCommand.Create(ctx);
        Assert.That(data.Subcommands.Select(c => c.Name), Is.EqualTo(DataCommand.Subcommands.Select(f => f(ctx).Name)));
        Assert.That(data.Subcommands.Select(c => c.Name), Is.SupersetOf(new[] { "import", "stats" }));
    }
}
