using System.Diagnostics;
using Cdsr.Data.Model;
using Cdsr.Data.Storage;
using Cdsr.Trainers.Layers;
using Cdsr.Trainers.Serialization;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Evaluation;
using Cdsr.Trainers.Models;
using static TorchSharp.torch;

namespace Cdsr.Benchmarks;

/// <summary>
/// Per-phase wall-clock breakdown of the SASRec trainer's step (not a BenchmarkDotNet benchmark: a Stopwatch harness,
/// libtorch CPU ops being synchronous). Run:
/// <c>dotnet Cdsr.Benchmarks/bin/Release/net10.0/Cdsr.Benchmarks.dll profile-train DATASET_DIR [batches] [eval_users]</c>.
/// Phases: batch building (SequenceData.TrainBatches), forward (Encode), loss (BCE), backward, clip, optimizer
/// (zero_grad + step), item (loss to host), one checkpoint save, and sampled evaluation of the first eval_users
/// valid users.
/// </summary>
internal static class TrainingProfile
{
    public static void Run(string[] args)
    {
        string path = args[0];
        int batches = args.Length > 1 ? int.Parse(args[1]) : 40;
        int evalUsers = args.Length > 2 ? int.Parse(args[2]) : 2048;
        if (Environment.GetEnvironmentVariable("PROFILE_BASELINE") is null) Cdsr.Trainers.Training.TorchRuntime.Apply();
        var setup = Stopwatch.StartNew();
        var dataset = DatasetStore.Read(path);
        Console.WriteLine($"DatasetStore.Read: {setup.Elapsed.TotalMilliseconds:0} ms");
        setup.Restart();
        _ = DatasetStore.ContentHash(dataset);
        Console.WriteLine($"DatasetStore.ContentHash: {setup.Elapsed.TotalMilliseconds:0} ms");
        setup.Restart();
        _ = SequenceData.Build(dataset, SequenceView.Mixed, 50).EvalExamples(SplitPart.Valid);
        Console.WriteLine($"SequenceData.Build + EvalExamples(valid): {setup.Elapsed.TotalMilliseconds:0} ms");
        var options = new SasRecOptions { Dropout = double.Parse(Environment.GetEnvironmentVariable("PROFILE_DROPOUT") ?? "0.5", System.Globalization.CultureInfo.InvariantCulture) };
        var data = SequenceData.Build(dataset, SequenceView.Mixed, options.MaxLength);
        Console.WriteLine($"threads={get_num_threads()} train sequences={data.TrainSequences.Count} items={data.ItemCount}");
        manual_seed(42);
        using var model = new SasRec(options, data.ItemCount);
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        model.train();
        var phases = new[] { "batch", "forward", "loss", "backward", "clip", "optimizer", "item" };
        var t = new double[phases.Length];
        var sw = new Stopwatch();
        var total = Stopwatch.StartNew();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        int seqs = 0, b = 0, warm = 3;
        double totalWarm = 0;
        using var it = data.TrainBatches(128, 42, 1).GetEnumerator();
        while (b < batches + warm)
        {
            if (b == warm) { Array.Clear(t); seqs = 0; total.Restart(); cpu0 = Process.GetCurrentProcess().TotalProcessorTime; }
            sw.Restart();
            if (!it.MoveNext()) break;
            using var batch = it.Current;
            t[0] += Lap(sw);
            using (NewDisposeScope())
            {
                optimizer.zero_grad();
                t[5] += Lap(sw);
                var hidden = model.Encode(batch.Inputs);
                t[1] += Lap(sw);
                var loss = Bce(model, hidden, batch);
                t[2] += Lap(sw);
                loss.backward();
                t[3] += Lap(sw);
                nn.utils.clip_grad_norm_(model.parameters(), 5.0);
                t[4] += Lap(sw);
                optimizer.step();
                t[5] += Lap(sw);
                _ = loss.item<float>();
                t[6] += Lap(sw);
            }
            seqs += batch.Sequences;
            b++;
        }
        totalWarm = total.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        Console.WriteLine($"train: {b - warm} batches, {seqs} sequences in {totalWarm:0.000}s wall, {cpu:0.000}s cpu -> {seqs / totalWarm:0.0} seq/s");
        for (int i = 0; i < phases.Length; i++)
            Console.WriteLine($"  {phases[i],-10} {t[i] * 1000 / (b - warm),8:0.00} ms/batch  {100 * t[i] / totalWarm,5:0.0}%");

        var dir = Directory.CreateTempSubdirectory("cdsr-profile");
        sw.Restart();
        Checkpoint.Save(Path.Combine(dir.FullName, "last.safetensors"), model, optimizer);
        Console.WriteLine($"checkpoint save (model+optimizer): {Lap(sw) * 1000:0.0} ms");
        dir.Delete(true);

        // Sampled evaluation as Evaluator does it (pad histories, gather candidate ids, Score, copy to host), on the
        // first evalUsers valid examples; the full Evaluate over every valid user follows when evalUsers is 0.
        model.eval();
        var cands = dataset.Candidates ?? throw new InvalidOperationException("dataset without candidate rows");
        var rowOf = new Dictionary<int, int>();
        for (int r = 0; r < cands.InstanceIndices.Length; r++) rowOf[cands.InstanceIndices[r]] = r;
        var examples = data.EvalExamples(SplitPart.Valid);
        if (evalUsers > 0) examples = examples.Take(evalUsers).ToList();
        int c = 1 + cands.Negatives;
        double[] e = new double[3];
        sw.Restart();
        var evClock = Stopwatch.StartNew();
        cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        double checksum = 0;
        using (no_grad())
        {
            for (int start = 0; start < examples.Count; start += 256)
            {
                var batch = examples.GetRange(start, Math.Min(256, examples.Count - start));
                var ids = new long[batch.Count * c];
                for (int k = 0; k < batch.Count; k++)
                {
                    var items = cands.Row(rowOf[batch[k].Instance]);
                    for (int j = 0; j < c; j++) ids[k * c + j] = dataset.SharedId(batch[k].TargetDomain, items[j]);
                }
                using var scope = NewDisposeScope();
                var histories = data.PadHistories(batch.Select(x => x.History).ToList());
                var candidates = tensor(ids, [batch.Count, c]);
                e[0] += Lap(sw);
                var scores = model.Score(histories, candidates);
                e[1] += Lap(sw);
                var host = scores.data<float>();
                checksum += host[0];
                e[2] += Lap(sw);
            }
        }
        double ev = evClock.Elapsed.TotalSeconds;
        cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        Console.WriteLine($"eval scoring (999 negatives): {examples.Count} users in {ev:0.000}s wall, {cpu:0.000}s cpu -> {examples.Count / ev:0.0} users/s (checksum {checksum:0.######})");
        Console.WriteLine($"  inputs {e[0] * 1000:0.0} ms, score {e[1] * 1000:0.0} ms, to host {e[2] * 1000:0.0} ms");
        if (args.Length > 3)
        {
            sw.Restart();
            var result = Evaluator.Evaluate(model, data, SplitPart.Valid, new EvaluationOptions { BatchSize = 256 });
            double full = Lap(sw);
            Console.WriteLine($"Evaluator.Evaluate valid: {result.Overall.Count} users in {full:0.000}s -> {result.Overall.Count / full:0.0} users/s NDCG@10={result.Overall["NDCG@10"]:0.000000}");
        }
    }

    private static double Lap(Stopwatch sw)
    {
        double s = sw.Elapsed.TotalSeconds;
        sw.Restart();
        return s;
    }

    private static Tensor Bce(SasRec model, Tensor hidden, TrainBatch batch)
    {
        var pos = (hidden * model.ItemEmbeddings(batch.Positives)).sum(-1);
        var neg = (hidden * model.ItemEmbeddings(batch.Negatives)).sum(-1);
        var mask = batch.Positives.ne(0.0).to(ScalarType.Float32);
        var count = mask.sum().clamp_min(1.0);
        var lossPos = nn.functional.binary_cross_entropy_with_logits(pos, ones(mask.shape), mask, nn.Reduction.Sum);
        var lossNeg = nn.functional.binary_cross_entropy_with_logits(neg, zeros(mask.shape), mask, nn.Reduction.Sum);
        return (lossPos + lossNeg) / count;
    }
}
