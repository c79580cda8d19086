using Cdsr.Data.Import;
using Cdsr.Data.Model;
using Cdsr.Data.Storage;
using Cdsr.Onnx.Runtime;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Models;

namespace Cdsr.Tests.Onnx;

/// <summary>
/// Parity on real test users: the first 1,000 test instances of ABXI Food–Kitchen (their real histories, left-padded
/// to 50, and their persisted 1 + 999 candidates), scored by the exported file in ONNX Runtime and by libtorch. The
/// dataset is imported from ../shared/datasets in memory (or read from $CDSR_TEST_ABXI, a folder written by
/// <c>cdsr data import --format abxi</c>). Untrained SASRec and GRU4Rec, and a SASRec trained for one epoch by the
/// Trainer (or, with $CDSR_TEST_RUN, the best checkpoint of that run folder), so trained weights are covered too.
/// </summary>
[NonParallelizable]
public class RealUsersExportParityTests
{
    private static CdsrDataset? _abxi;

    private static CdsrDataset Abxi()
    {
        var stored = Environment.GetEnvironmentVariable("CDSR_TEST_ABXI");
        return _abxi ??= !string.IsNullOrEmpty(stored) && File.Exists(Path.Combine(stored, "manifest.json"))
            ? DatasetStore.Read(stored)
            : DatasetImporters.Import("abxi", SharedData.Dataset("abxi-food-kitchen"), new ImportOptions { Negatives = 999 });
    }

    [TestCase("sasrec")]
    [TestCase("gru4rec")]
    [TestCase("cdsrnp")]
    [TestCase("run")]
    public void ThousandRealTestUsersWith999NegativesScoreTheSame(string name)
    {
        var dataset = Abxi();
        Cdsr.Trainers.Training.RunConfig? run = null;
        var runPath = Environment.GetEnvironmentVariable("CDSR_TEST_RUN");
        string? scratch = null;
        if (name == "run")
        {
            if (string.IsNullOrEmpty(runPath))
            {
                // One epoch of SASRec (d = 64) on ABXI by the Trainer itself: real, trained weights in a real run folder.
                scratch = Directory.CreateTempSubdirectory("cdsr-export-run-").FullName;
                runPath = Path.Combine(scratch, "run");
                var config = Cdsr.Trainers.Training.Trainer.Configure("sasrec", new SasRecOptions { HiddenSize = 64 },
                    new Cdsr.Trainers.Training.TrainerOptions { Epochs = 1, BatchSize = 256, Seed = 3 }, SequenceView.Mixed, dataset, Path.Combine(scratch, "data"));
                new Cdsr.Trainers.Training.Trainer(config, dataset).Run(runPath);
            }
            run = new Cdsr.Trainers.Training.RunFolder(runPath).ReadConfig();
        }
        try { Check(name, dataset, run, runPath); }
        finally { if (scratch is not null) Directory.Delete(scratch, true); }
    }

    private static void Check(string name, CdsrDataset dataset, Cdsr.Trainers.Training.RunConfig? run, string? runPath)
    {
        // CDSRNP reads the mixed history (L = 100 by default) and splits it by domain itself.
        int L = run?.ModelOptions.MaxLength ?? (name == "cdsrnp" ? new CdsrNpOptions().MaxLength : 50);
        const int users = 1000, batch = 250;
        var data = SequenceData.Build(dataset, run?.View ?? SequenceView.Mixed, L);
        var examples = data.EvalExamples(SplitPart.Test).Take(users).ToList();
        Assert.That(examples, Has.Count.EqualTo(users));
        var cands = dataset.Candidates!;
        var rowOf = new Dictionary<int, int>();
        for (int r = 0; r < cands.InstanceIndices.Length; r++) rowOf[cands.InstanceIndices[r]] = r;
        int c = cands.RowLength;
        Assert.That(c, Is.EqualTo(1000));

        using var model = run is not null ? ModelCatalog.Get(run.Model).Create(run.ModelOptions, data.ItemCount)
            : name == "cdsrnp" ? RealCdsrNp(data) : ExportTestModels.Create(name, data.ItemCount, L, hidden: 64, seed: 21);
        if (run is not null)
        {
            Cdsr.Trainers.Serialization.Checkpoint.Load(new Cdsr.Trainers.Training.RunFolder(runPath!).BestCheckpoint, model, restore_rng: false);
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
            worst = Math.Max(worst, OnnxTestModels.MaxAbsDiff(got.Floats, expected));
        }
        TestContext.Out.WriteLine($"{name} on {dataset.Name}: {users} real test users x {c} candidates, max |onnx - libtorch| = {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4f));
    }

    /// <summary>An untrained CDSRNP (D = 64) attached to the real data: its item->domain map and its fixed inference support
    /// set of 20 overlapped users come from ABXI, so the baked-in F_S and mu_s are those of real histories.</summary>
    private static CdsrNp RealCdsrNp(SequenceData data)
    {
        TorchSharp.torch.manual_seed(21);
        var model = new CdsrNp(new CdsrNpOptions { HiddenSize = 64 }, data.ItemCount);
        model.Attach(data);
        model.eval();
        return model;
    }
}
