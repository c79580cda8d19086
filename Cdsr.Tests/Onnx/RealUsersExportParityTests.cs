using Cdsr.Data.Storage;
using Cdsr.Onnx.Runtime;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Models;

namespace Cdsr.Tests.Onnx;

/// <summary>
/// Parity on real test users: the first 1,000 test instances of an imported ABXI dataset (their real histories, left-
/// padded to 50, and their persisted 1 + 999 candidates), scored by the exported file in ONNX Runtime and by libtorch.
/// The dataset is the one <c>cdsr data import --format abxi</c> writes; the test looks in $CDSR_TEST_ABXI, then
/// /work/data/abxi, and is Ignored with that reason when neither exists. With $CDSR_TEST_RUN naming a run folder trained on
/// that dataset, a third case scores its best checkpoint (trained weights) the same way.
/// </summary>
[NonParallelizable]
public class RealUsersExportParityTests
{
    private static string? Locate() =>
        new[] { Environment.GetEnvironmentVariable("CDSR_TEST_ABXI"), "/work/data/abxi" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(Path.Combine(p, "manifest.json")));

    [TestCase("sasrec")]
    [TestCase("gru4rec")]
    [TestCase("run")]
    public void ThousandRealTestUsersWith999NegativesScoreTheSame(string name)
    {
        var path = Locate();
        if (path is null) Assert.Ignore("real-user parity skipped: no imported ABXI dataset in $CDSR_TEST_ABXI or /work/data/abxi (cdsr data import --format abxi ...)");
        Cdsr.Trainers.Training.RunConfig? run = null;
        var runPath = Environment.GetEnvironmentVariable("CDSR_TEST_RUN");
        if (name == "run")
        {
            if (string.IsNullOrEmpty(runPath)) Assert.Ignore("trained-run parity skipped: set $CDSR_TEST_RUN to a run folder trained on the ABXI dataset");
            run = new Cdsr.Trainers.Training.RunFolder(runPath).ReadConfig();
        }
        var dataset = DatasetStore.Read(path);
        int L = run?.ModelOptions.MaxLength ?? 50;
        const int users = 1000, batch = 250;
        var data = SequenceData.Build(dataset, run?.View ?? SequenceView.Mixed, L);
        var examples = data.EvalExamples(Cdsr.Data.Model.SplitPart.Test).Take(users).ToList();
        Assert.That(examples, Has.Count.EqualTo(users));
        var cands = dataset.Candidates!;
        var rowOf = new Dictionary<int, int>();
        for (int r = 0; r < cands.InstanceIndices.Length; r++) rowOf[cands.InstanceIndices[r]] = r;
        int c = cands.RowLength;
        Assert.That(c, Is.EqualTo(1000));

        using var model = run is null ? ExportTestModels.Create(name, data.ItemCount, L, hidden: 64, seed: 21)
            : ModelCatalog.Get(run.Model).Create(run.ModelOptions, data.ItemCount);
        if (run is not null)
        {
            Cdsr.Torch.Serialization.Checkpoint.Load(new Cdsr.Trainers.Training.RunFolder(runPath!).BestCheckpoint, model, restore_rng: false);
            model.eval();
            name = $"{run.Model} (trained: {runPath})";
        }
        using var session = OnnxSession.FromBytes(ExportTestModels.ExportBytes(model, name));
        float worst = 0;
        for (int start = 0; start < users; start += batch)
        {
            var part = examples.GetRange(start, batch);
            var hist = new long[batch * L];
            var ids = new long[batch * c];
            for (int b = 0; b < batch; b++)
            {
                var h = part[b].History;
                for (int t = 0; t < h.Length; t++) hist[b * L + L - h.Length + t] = h[t];
                var row = cands.Row(rowOf[part[b].Instance]);
                for (int j = 0; j < c; j++) ids[b * c + j] = dataset.SharedId(part[b].TargetDomain, row[j]);
            }
            var expected = ExportTestModels.TorchScores(model, hist, ids, batch);
            var got = session.Run([NamedTensor.Int64("histories", hist, batch, L), NamedTensor.Int64("candidates", ids, batch, c)])[0];
            worst = Math.Max(worst, ExportTestModels.MaxAbsDiff(got.Floats, expected));
        }
        TestContext.Out.WriteLine($"{name} on {dataset.Name}: {users} real test users x {c} candidates, max |onnx - libtorch| = {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4f));
    }
}
