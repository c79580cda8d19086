using TorchSharp;
using Cdsr.Trainers.Serialization;
using static TorchSharp.torch;

namespace Cdsr.Tests.Torch;

public class CheckpointTests
{
    private string dir = "";

    [SetUp]
    public void MakeDir()
    {
        dir = Path.Combine(Path.GetTempPath(), "cdsr-checkpoint-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
    }

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    [Test]
    public void ResumedRunIsBitIdenticalToAnUninterruptedOne()
    {
        const int n = 12, m = 10;
        var threads = get_num_threads();
        set_num_threads(1);
        try
        {
            // Uninterrupted: n + m steps.
            float[] straightLosses, straightWeights;
            var (model, opt) = TinyAttentionModel.Build(seed: 7);
            using (model)
            using (opt)
            {
                straightLosses = Enumerable.Range(0, n + m).Select(_ => model.TrainStep(opt)).ToArray();
                straightWeights = model.Snapshot();
            }

            // Interrupted: n steps, checkpoint, throw everything away.
            var path = Path.Combine(dir, "run.ckpt.safetensors");
            (model, opt) = TinyAttentionModel.Build(seed: 7);
            using (model)
            using (opt)
            {
                var first = Enumerable.Range(0, n).Select(_ => model.TrainStep(opt)).ToArray();
                Assert.That(first, Is.EqualTo(straightLosses.Take(n)));
                Checkpoint.Save(path, model, opt, metadata: new Dictionary<string, string> { ["note"] = "after 12 steps" });
            }

            // Resume into differently seeded objects (different weights and RNG state) and continue m steps.
            (model, opt) = TinyAttentionModel.Build(seed: 12345);
            using (model)
            using (opt)
            {
                Assert.That(model.Snapshot(), Is.Not.EqualTo(straightWeights));
                var meta = Checkpoint.Load(path, model, opt);
                Assert.That(meta["note"], Is.EqualTo("after 12 steps"));
                using (var state = NewDisposeScope()) Assert.That(OptimizerStateDict.Save(opt)["state.0.step"].item<long>(), Is.EqualTo(n));
                var rest = Enumerable.Range(0, m).Select(_ => model.TrainStep(opt)).ToArray();
                Assert.That(rest, Is.EqualTo(straightLosses.Skip(n)), "losses after resuming");
                Assert.That(model.Snapshot(), Is.EqualTo(straightWeights), "weights after resuming");
            }
            // The losses must have moved, or equality proves little.
            Assert.That(straightLosses.Take(3).Average() - straightLosses.Skip(n + m - 3).Average(), Is.GreaterThan(0.01));
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    [Test]
    public void WithoutTheRngStateTheRunDiverges()
    {
        var path = Path.Combine(dir, "norng.safetensors");
        var (model, opt) = TinyAttentionModel.Build(seed: 3);
        float straight;
        using (model)
        using (opt)
        {
            model.TrainStep(opt);
            Checkpoint.Save(path, model, opt, include_rng: false);
            straight = model.TrainStep(opt);
        }
        (model, opt) = TinyAttentionModel.Build(seed: 4);
        using (model)
        using (opt)
        {
            Checkpoint.Load(path, model, opt);
            Assert.That(model.TrainStep(opt), Is.Not.EqualTo(straight), "a different batch and dropout mask are drawn");
        }
    }

    [Test]
    public void FileIsASafetensorsFileWithTheDocumentedLayout()
    {
        var path = Path.Combine(dir, "layout.safetensors");
        var (model, opt) = TinyAttentionModel.Build(seed: 1);
        using (model)
        using (opt)
        {
            model.TrainStep(opt);
            Checkpoint.Save(path, model, opt);
            var header = SafeTensors.ReadHeader(path);
            var names = header.Entries.Select(e => e.Name).ToHashSet();
            Assert.That(names, Does.Contain("model.items.weight").And.Contain("model.label_table").And.Contain("rng.cpu")
                .And.Contain("optim.state.0.exp_avg").And.Contain("optim.param_groups.0.lr"));
            Assert.That(names.Count(x => x.StartsWith("model.")), Is.EqualTo(model.state_dict().Count));
            Assert.That(header.Metadata["format"], Is.EqualTo(Checkpoint.Format));
            Assert.That(header.Metadata["version"], Is.EqualTo("1"));
        }
    }

    [Test]
    public void WrongFilesAndWrongModelsAreRejected()
    {
        var plain = Path.Combine(dir, "plain.safetensors");
        using (var t = zeros(2)) SafeTensors.Save(plain, new Dictionary<string, Tensor> { ["x"] = t });
        using var model = new TinyAttentionModel();
        var ex = Assert.Throws<SafeTensorsFormatException>(() => Checkpoint.Load(plain, model));
        Assert.That(ex!.Message, Is.EqualTo($"{plain}: not a checkpoint: metadata 'format' is absent, expected 'cdsr.checkpoint'"));

        var path = Path.Combine(dir, "lin.safetensors");
        using (var lin = nn.Linear(3, 4)) Checkpoint.Save(path, lin);
        using var other = nn.Linear(3, 5);
        var ex2 = Assert.Throws<SafeTensorsFormatException>(() => Checkpoint.Load(path, other));
        Assert.That(ex2!.Message, Does.StartWith(path).And.Contain("'weight' has shape [4, 3], the model's is [5, 3]"));
        using var opt = optim.Adam(other.parameters());
        using var same = nn.Linear(3, 4);
        using var sameOpt = optim.Adam(same.parameters());
        Assert.That(Assert.Throws<SafeTensorsFormatException>(() => Checkpoint.Load(path, same, sameOpt))!.Message, Does.Contain("holds no optimizer state"));

        Assert.That(Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, same, metadata: new Dictionary<string, string> { ["format"] = "x" }))!.Message,
            Does.Contain("'format' is reserved"));
    }
}
