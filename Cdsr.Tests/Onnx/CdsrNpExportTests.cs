using Cdsr.Onnx.Runtime;
using Cdsr.Tests.Trainers;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Models;

namespace Cdsr.Tests.Onnx;

/// <summary>CDSRNP's builder (Cdsr.Onnx/Export/CdsrNpOnnx.cs: domain split by the item->domain table, reverse-cumsum
/// ranks, two masked encoders per domain, support-set attention, MLP decoder) scores in ONNX Runtime like eager TorchSharp,
/// with the fixed support set's F_S and mu_s baked into the file as constants.</summary>
[NonParallelizable]
public class CdsrNpExportTests
{
    [TestCase(CdsrNpEmbedding.SpecificAndShared, true)]
    [TestCase(CdsrNpEmbedding.SharedOnly, false)]
    public void OnnxRuntimeScoresEqualLibtorchScores(CdsrNpEmbedding embedding, bool adaptive)
    {
        var dataset = TinyDatasets.Planted(users: 120);
        var data = SequenceData.Build(dataset, SequenceView.Mixed, 12);
        TorchSharp.torch.manual_seed(4);
        using var model = new CdsrNp(new CdsrNpOptions
        {
            HiddenSize = 16, DomainLength = 5, MaxLength = 12, SupportSize = 8, Embedding = embedding, InterestAdaptive = adaptive,
        }, data.ItemCount);
        model.Attach(data);
        model.eval();
        var onnx = Cdsr.Onnx.Recommenders.RecommenderOnnx.Export(model, new() { Model = "cdsrnp", Dataset = "synthetic-test", DatasetHash = "0123abcd" });
        // The support set is baked in: its histories are not in the file, and one constant holds F_S [S, D].
        Assert.That(onnx.Initializers.Select(t => t.Name), Has.None.Contains("support_histories"));
        if (adaptive) // only the interest adaptive layer reads F_S
            Assert.That(onnx.Initializers.Any(t => t.Dims.SequenceEqual(new long[] { 8, 16 })), Is.True, "F_S of 8 support samples x 16");
        using var session = OnnxSession.FromBytes(onnx.ToBytes());
        var examples = data.EvalExamples(Cdsr.Data.Model.SplitPart.Test);
        int users = examples.Count, L = 12;
        var hist = new long[users * L];
        for (int u = 0; u < users; u++)
        {
            var h = examples[u].History;
            for (int t = 0; t < h.Length; t++) hist[u * L + L - h.Length + t] = h[t];
        }
        foreach (var perRow in new[] { 10, data.ItemCount })
        {
            var cand = ExportTestModels.Candidates(users, perRow, data.ItemCount, seed: perRow);
            var expected = ExportTestModels.TorchScores(model, hist, cand, users);
            var got = session.Run([NamedTensor.Int64("histories", hist, users, L), NamedTensor.Int64("candidates", cand, users, perRow)])[0];
            var diff = OnnxTestModels.MaxAbsDiff(got.Floats, expected);
            TestContext.Out.WriteLine($"cdsrnp ({embedding}, adaptive {adaptive}), {users} users x {perRow} candidates: max |onnx - eager| = {diff:E2}");
            Assert.That(diff, Is.LessThanOrEqualTo(1e-4f));
            Assert.That(expected.Distinct().Count(), Is.GreaterThan(users), "scores differ across users and items");
        }
    }
}
