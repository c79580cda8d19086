using Cdsr.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;
using Cdsr.Onnx.Recommenders;
using Cdsr.Onnx.Runtime;

namespace Cdsr.Tests.Onnx;

/// <summary>
/// The exported file scores like the model it was built from: ONNX Runtime's scores against the eager Score on
/// 1,000 users, per-row candidates of 100 and 999 (999 x 1000 outnumber the 1,201 items, so the eager model takes its
/// one-GEMM-and-gather path while the graph gathers embeddings: two computations, one answer).
/// </summary>
[NonParallelizable]
public class RecommenderExportParityTests
{
    private const int Users = 1000;

    [TestCase("sasrec", 100)]
    [TestCase("sasrec", 999)]
    [TestCase("gru4rec", 100)]
    [TestCase("gru4rec", 999)]
    public void OnnxRuntimeScoresEqualLibtorchScores(string name, int perRow)
    {
        using var model = ExportTestModels.Create(name);
        var bytes = ExportTestModels.ExportBytes(model, name);
        using var session = OnnxSession.FromBytes(bytes);
        var hist = ExportTestModels.Histories(Users, ExportTestModels.Length, ExportTestModels.Items, seed: 3);
        var cand = ExportTestModels.Candidates(Users, perRow, ExportTestModels.Items, seed: 4);
        var expected = ExportTestModels.TorchScores(model, hist, cand, Users);
        var got = session.Run([
            NamedTensor.Int64("histories", hist, Users, ExportTestModels.Length),
            NamedTensor.Int64("candidates", cand, Users, perRow),
        ])[0];
        Assert.That(got.Shape, Is.EqualTo(new long[] { Users, perRow }));
        var diff = OnnxTestModels.MaxAbsDiff(got.Floats, expected);
        TestContext.Out.WriteLine($"{name}, {Users} users x {perRow} candidates: max |onnx - eager| = {diff:E2}");
        Assert.That(diff, Is.LessThanOrEqualTo(1e-4f));
        Assert.That(expected.Select(Math.Abs).Max(), Is.GreaterThan(1e-2f), "scores are not all (near) zero");
    }

    [TestCase("sasrec")]
    [TestCase("gru4rec")]
    public void OneUserAndOneCandidateRunThroughTheDynamicAxes(string name)
    {
        using var model = ExportTestModels.Create(name);
        using var session = OnnxSession.FromBytes(ExportTestModels.ExportBytes(model, name));
        var hist = ExportTestModels.Histories(1, ExportTestModels.Length, ExportTestModels.Items, seed: 8);
        var cand = new long[] { 17 };
        var got = session.Run([NamedTensor.Int64("histories", hist, 1, ExportTestModels.Length), NamedTensor.Int64("candidates", cand, 1, 1)])[0];
        Assert.That(got.Shape, Is.EqualTo(new long[] { 1, 1 }));
        Assert.That(OnnxTestModels.MaxAbsDiff(got.Floats, ExportTestModels.TorchScores(model, hist, cand, 1)), Is.LessThanOrEqualTo(1e-4f));
    }

    [TestCase("sasrec")]
    [TestCase("gru4rec")]
    public void Batch_and_candidate_counts_equal_to_model_sizes_stay_dynamic(string name)
    {
        // L 23 and hidden 29: batches of 23 or 29 rows or candidates must not be mistaken for a model size (a builder
        // that read a size on the host would fix it); the graph takes its batch and candidate sizes from the inputs.
        manual_seed(5);
        using SequentialRecommender model = name == "sasrec"
            ? new SasRec(new SasRecOptions { HiddenSize = 29, Blocks = 1, Heads = 1, MaxLength = 23 }, ExportTestModels.Items)
            : new Gru4Rec(new Gru4RecOptions { EmbeddingSize = 29, HiddenSize = 31, MaxLength = 23 }, ExportTestModels.Items);
        model.eval();
        using var session = OnnxSession.FromBytes(ExportTestModels.ExportBytes(model, name));
        foreach (var (users, perRow) in new[] { (3, 5), (4, 23), (29, 2), (23, 29) })
        {
            var hist = ExportTestModels.Histories(users, 23, ExportTestModels.Items, seed: users);
            var cand = ExportTestModels.Candidates(users, perRow, ExportTestModels.Items, seed: perRow);
            var got = session.Run([NamedTensor.Int64("histories", hist, users, 23), NamedTensor.Int64("candidates", cand, users, perRow)])[0];
            Assert.That(got.Shape, Is.EqualTo(new long[] { users, perRow }));
            Assert.That(OnnxTestModels.MaxAbsDiff(got.Floats, ExportTestModels.TorchScores(model, hist, cand, users)), Is.LessThanOrEqualTo(1e-4f),
                $"{users} x {perRow}");
        }
    }

    [Test]
    public void SignatureAndMetadataDescribeTheModel()
    {
        using var model = ExportTestModels.Create("sasrec");
        using var session = OnnxSession.FromBytes(ExportTestModels.ExportBytes(model, "sasrec"));
        Assert.That(session.Inputs.Select(i => i.ToString()), Is.EqualTo(new[] { "histories: Int64[batch, 20]", "candidates: Int64[batch, candidates]" }));
        Assert.That(session.Outputs.Select(i => i.ToString()), Is.EqualTo(new[] { "scores: Float32[batch, candidates]" }));
        Assert.That(session.Metadata["cdsr.format"], Is.EqualTo(RecommenderOnnx.Format));
        Assert.That(session.Metadata["cdsr.model"], Is.EqualTo("sasrec"));
        Assert.That(session.Metadata["cdsr.item_count"], Is.EqualTo("1200"));
        Assert.That(session.Metadata["cdsr.max_length"], Is.EqualTo("20"));
        Assert.That(session.Metadata["cdsr.dataset_hash"], Is.EqualTo("0123abcd"));
    }

    [Test]
    public void ExportLeavesTheModelAsItWas()
    {
        using var model = ExportTestModels.Create("sasrec");
        model.train();
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.data<float>().ToArray());
        ExportTestModels.ExportBytes(model, "sasrec");
        Assert.That(model.training, Is.True, "training mode is restored");
        foreach (var (k, v) in model.state_dict()) Assert.That(v.data<float>().ToArray(), Is.EqualTo(before[k]), k);
    }
}
