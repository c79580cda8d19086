using Cdsr.Onnx.Recommenders;
using Cdsr.Onnx.Runtime;

namespace Cdsr.Tests.Onnx;

/// <summary>A truncated or corrupt file, a wrong input shape and an unknown item id each give a clear error, and the
/// process carries on scoring afterwards.</summary>
[NonParallelizable]
public class ExportedModelBadInputTests
{
    private string _dir = "";
    private string _good = "";

    [OneTimeSetUp]
    public void Export()
    {
        Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"cdsr_export_bad_{Guid.NewGuid():N}"));
        using var model = ExportTestModels.Create("sasrec", items: 60, length: 8, hidden: 16);
        File.WriteAllBytes(_good = Path.Combine(_dir, "good.onnx"), ExportTestModels.ExportBytes(model, "sasrec"));
    }

    [OneTimeTearDown] public void TearDown() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    private static float[] ScoreOnce(OnnxRecommender r) => r.Score(new long[8] { 0, 0, 0, 0, 5, 6, 7, 8 }, [1, 2, 3], 1, 3);

    private void AssertStillServes()
    {
        using var r = OnnxRecommender.Load(_good);
        Assert.That(ScoreOnce(r), Has.Length.EqualTo(3), "a good model still loads and scores after the failure");
    }

    [TestCase(0.5, TestName = "TruncatedFileIsAClearError")]
    [TestCase(0.02, TestName = "FileCutInsideTheHeaderIsAClearError")]
    public void TruncatedFile(double keep)
    {
        var bytes = File.ReadAllBytes(_good);
        string bad = Path.Combine(_dir, $"truncated_{keep}.onnx");
        File.WriteAllBytes(bad, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<OnnxRecommenderException>(() => OnnxRecommender.Load(bad));
        Assert.That(e!.Message, Does.StartWith($"{bad}: cannot load the model: "));
        AssertStillServes();
    }

    [Test]
    public void CorruptBytesAreAClearError()
    {
        var bytes = File.ReadAllBytes(_good);
        var rng = new Random(5);
        for (int i = 0; i < 64; i++) bytes[rng.Next(0, 64)] = (byte)rng.Next(256);  // scramble the protobuf header
        string bad = Path.Combine(_dir, "corrupt.onnx");
        File.WriteAllBytes(bad, bytes);
        var e = Assert.Throws<OnnxRecommenderException>(() => OnnxRecommender.Load(bad));
        Assert.That(e!.Message, Does.StartWith($"{bad}: "));
        AssertStillServes();
    }

    [Test]
    public void AnOnnxFileThatIsNotARecommenderIsNamed()
    {
        string other = Path.Combine(_dir, "mlp.onnx");
        OnnxTestModels.Mlp().Model.Save(other);
        var e = Assert.Throws<OnnxRecommenderException>(() => OnnxRecommender.Load(other));
        Assert.That(e!.Message, Is.EqualTo($"{other}: not a Cdsr recommender (metadata 'cdsr.format' is missing)"));
    }

    [Test]
    public void MissingFileIsNamed()
    {
        string missing = Path.Combine(_dir, "nope.onnx");
        var e = Assert.Throws<OnnxRecommenderException>(() => OnnxRecommender.Load(missing));
        Assert.That(e!.Message, Does.Contain(missing).And.Contain("does not exist"));
    }

    [Test]
    public void WrongHistoryLengthIsAClearErrorFromOnnxRuntime()
    {
        using var s = OnnxSession.FromFile(_good);
        var e = Assert.Throws<OnnxRuntimeException>(() => s.Run([
            NamedTensor.Int64("histories", new long[2 * 9], 2, 9),
            NamedTensor.Int64("candidates", new long[] { 1, 2, 3, 4 }, 2, 2)]));
        Assert.That(e!.Message, Does.Contain("histories").And.Contain("index: 1 Got: 9 Expected: 8"));
        var rank = Assert.Throws<OnnxRuntimeException>(() => s.Run([
            NamedTensor.Int64("histories", new long[8], 8),
            NamedTensor.Int64("candidates", new long[] { 1 }, 1, 1)]));
        Assert.That(rank!.Message, Does.Contain("Invalid rank for input: histories Got: 1 Expected: 2"));
        var batch = Assert.Throws<OnnxRuntimeException>(() => s.Run([
            NamedTensor.Int64("histories", new long[16], 2, 8),
            NamedTensor.Int64("candidates", new long[] { 1, 2, 3 }, 3, 1)]));
        Assert.That(batch!.Message, Does.StartWith("onnxruntime Run failed"), "histories and candidates disagree on the batch size");
        AssertStillServes();
    }

    [Test]
    public void WrongCountsAndUnknownIdsAreCaughtBeforeOnnxRuntime()
    {
        using var r = OnnxRecommender.Load(_good);
        var count = Assert.Throws<OnnxRecommenderException>(() => r.Score(new long[9], [1, 2], 1, 2));
        Assert.That(count!.Message, Is.EqualTo("histories: expected 1 x 8 = 8 ids, got 9"));
        var id = Assert.Throws<OnnxRecommenderException>(() => r.Score(new long[8], [1, 61], 1, 2));
        Assert.That(id!.Message, Is.EqualTo("row 0: candidates: unknown item id 61 (this sasrec model knows items 1..60)"));
        var negative = Assert.Throws<OnnxRecommenderException>(() => r.Score([0, 0, 0, 0, 0, 0, 0, -3], [1, 2], 1, 2));
        Assert.That(negative!.Message, Is.EqualTo("row 0: history: unknown item id -3 (this sasrec model knows items 1..60)"));
        Assert.That(ScoreOnce(r), Has.Length.EqualTo(3));
    }

    [Test]
    public void UnknownItemIdInAJsonLineNamesTheLineAndTheId()
    {
        using var r = OnnxRecommender.Load(_good);
        var input = new StringReader("{\"user\":\"a\",\"history\":[1,2],\"candidates\":[3,4]}\n\n{\"user\":\"b\",\"history\":[1,999],\"candidates\":[3]}\n");
        var output = new StringWriter();
        var e = Assert.Throws<OnnxRecommenderException>(() => new JsonLinesScorer(r).Run(input, output));
        Assert.That(e!.Message, Is.EqualTo("line 3: history: unknown item id 999 (this sasrec model knows items 1..60)"));
    }

    [Test]
    public void ABadLineStillLeavesEveryEarlierAnswerWritten()
    {
        using var r = OnnxRecommender.Load(_good);
        // Same candidate count on both lines, so they would share one batch: the bad line 2 must not swallow line 1's answer.
        var input = new StringReader("{\"user\":\"a\",\"history\":[1,2],\"candidates\":[3,4]}\n{\"user\":\"b\",\"history\":[1,999],\"candidates\":[3,4]}\n");
        var output = new StringWriter();
        var e = Assert.Throws<OnnxRecommenderException>(() => new JsonLinesScorer(r).Run(input, output));
        Assert.That(e!.Message, Does.StartWith("line 2: history: unknown item id 999"));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1));
        Assert.That(lines[0], Does.StartWith("{\"user\":\"a\",\"top\":[{\"item\":"));
    }

    /// <summary>Hands out lines one at a time and records how many answers were written before each read.</summary>
    private sealed class WaitingClient(string[] lines, StringWriter output) : TextReader
    {
        private int next;
        public List<int> AnswersBeforeRead { get; } = [];
        public override string? ReadLine()
        {
            AnswersBeforeRead.Add(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            return next < lines.Length ? lines[next++] : null;
        }
    }

    [Test]
    public void EachLineModeAnswersARequestBeforeReadingTheNext()
    {
        using var r = OnnxRecommender.Load(_good);
        var line = "{\"history\":[1,2],\"candidates\":[3,4]}";
        var output = new StringWriter();
        var client = new WaitingClient([line, line, line], output);
        Assert.That(new JsonLinesScorer(r) { AnswerEachLine = true }.Run(client, output), Is.EqualTo(3));
        Assert.That(client.AnswersBeforeRead, Is.EqualTo(new[] { 0, 1, 2, 3 }));
        var batched = new WaitingClient([line, line, line], output = new StringWriter());
        new JsonLinesScorer(r).Run(batched, output);
        Assert.That(batched.AnswersBeforeRead, Is.EqualTo(new[] { 0, 0, 0, 0 }), "by default equal-sized requests share one call");
    }

    [Test]
    public void ExternalIdsThatNameTwoItemsAreAmbiguous()
    {
        using var model = ExportTestModels.Create("sasrec", items: 4, length: 8, hidden: 16);
        string path = Path.Combine(_dir, "vocab.onnx");
        Cdsr.Onnx.Recommenders.RecommenderOnnx.Export(model, new() { Model = "sasrec", ItemIds = ["a", "b", "a", "c"] }).Save(path);
        using var r = OnnxRecommender.Load(path);
        Assert.That(r.ExternalIds, Is.EqualTo(new[] { "a", "b", "a", "c" }));
        var output = new StringWriter();
        new JsonLinesScorer(r).Run(new StringReader("{\"history\":[\"b\"],\"candidates\":[\"c\",1]}"), output);
        Assert.That(output.ToString(), Does.Contain("\"item\":4,\"id\":\"c\"").And.Contain("\"item\":1,\"id\":\"a\""));
        var e = Assert.Throws<OnnxRecommenderException>(() => new JsonLinesScorer(r).Run(new StringReader("{\"history\":[\"a\"],\"candidates\":[2]}"), new StringWriter()));
        Assert.That(e!.Message, Is.EqualTo("line 1: history[0]: item \"a\" is ambiguous (two items share it); give its integer id"));
        Assert.Throws<ArgumentException>(() => Cdsr.Onnx.Recommenders.RecommenderOnnx.Export(model, new() { Model = "sasrec", ItemIds = ["a"] }));
    }

    [TestCase("{\"history\":[1,2],\"candidates\":[3]", "line 1: invalid JSON: ")]
    [TestCase("[1,2]", "line 1: expected a JSON object {\"user\", \"history\", \"candidates\"}")]
    [TestCase("{\"candidates\":[3]}", "line 1: field 'history' is missing")]
    [TestCase("{\"history\":[1,\"x\"],\"candidates\":[3]}", "line 1: history[1]: \"x\" is not an item id: this model has no external id vocabulary (cdsr.item_ids), give integer ids")]
    [TestCase("{\"history\":[1,true],\"candidates\":[3]}", "line 1: history[1]: expected an integer item id, got true")]
    [TestCase("{\"history\":[1],\"candidates\":[2.5]}", "line 1: candidates[0]: expected an integer item id, got 2.5")]
    [TestCase("{\"history\":[1]}", "line 1: field 'candidates' is missing and no shared candidates were given (--candidates)")]
    [TestCase("{\"history\":[1],\"candidates\":[]}", "line 1: candidates: the list is empty")]
    [TestCase("{\"history\":[1],\"candidates\":[2],\"items\":[3]}", "line 1: unknown field 'items' (expected user, history, candidates)")]
    public void MalformedJsonLinesAreNamed(string line, string message)
    {
        using var r = OnnxRecommender.Load(_good);
        var e = Assert.Throws<OnnxRecommenderException>(() => new JsonLinesScorer(r).Run(new StringReader(line), new StringWriter()));
        Assert.That(e!.Message, Does.StartWith(message));
    }
}
