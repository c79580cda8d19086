using Cdsr.Onnx.Runtime;
using Cdsr.Tests.Trainers;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Models;

namespace Cdsr.Tests.Onnx;

/// <summary>CDSRNP exports through the same tracer with no export code of its own: its Score (domain split by a buffer,
/// flip/cumsum ranks, two masked encoders, support-set latent, scaled dot-product attention, MLP decoder) runs in ONNX
/// Runtime like libtorch, for batch and candidate sizes other than the trace's.</summary>
[NonParallelizable]
public class CdsrNpExportTests
{
    [TestCase(CdsrNpEmbedding.SpecificAndShared, true)]
    [TestCase(CdsrNpEmbedding.SharedOnly, false)]
    public void OnnxRuntimeScoresEqualLibtorchScores(CdsrNpEmbedding embedding, bool adaptive)
    {
        var dataset = TinyDatasets.Planted(users: 120);
        var data = SequenceData.Build(dataset, SequenceView.Mixed, 12);
        Cdsr.Torch.torch.manual_seed(4);
        using var model = new CdsrNp(new CdsrNpOptions
        {
            HiddenSize = 16, DomainLength = 5, MaxLength = 12, SupportSize = 8, Embedding = embedding, InterestAdaptive = adaptive,
        }, data.ItemCount);
        model.Attach(data);
        model.eval();
        using var session = OnnxSession.FromBytes(ExportTestModels.ExportBytes(model, "cdsrnp"));
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
            var diff = ExportTestModels.MaxAbsDiff(got.Floats, expected);
            TestContext.Out.WriteLine($"cdsrnp ({embedding}, adaptive {adaptive}), {users} users x {perRow} candidates: max |onnx - libtorch| = {diff:E2}");
            Assert.That(diff, Is.LessThanOrEqualTo(1e-4f));
            Assert.That(expected.Distinct().Count(), Is.GreaterThan(users), "scores differ across users and items");
        }
    }
}
