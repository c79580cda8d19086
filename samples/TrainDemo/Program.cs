// Trains a small attention model on a seeded synthetic next-item task, compares HR@10 with a popularity ranker,
// saves a checkpoint, reloads it into a fresh model and checks that the reloaded model scores identically.
//   dotnet run -c Release --project samples/TrainDemo -- [--epochs N] [--seed S] [--out checkpoint.safetensors]
// Exit code 0 on success, 1 when the reloaded model's scores differ, 2 on bad arguments.
using System.Diagnostics;
using TorchSharp;
using Cdsr.Trainers.Serialization;
using Cdsr.Trainers.Evaluation;
using TrainDemo;
using static TorchSharp.torch;

var epochs = 8;
var seed = 2024;
var output = Path.Combine("artifacts", "demo", "train-demo.safetensors");
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    try
    {
        switch (args[i])
        {
            case "--epochs": epochs = int.Parse(Value()); break;
            case "--seed": seed = int.Parse(Value()); break;
            case "--out": output = Value(); break;
            default: throw new ArgumentException($"unknown argument '{args[i]}' (expected --epochs, --seed, --out)");
        }
    }
    catch (Exception e) when (e is ArgumentException or FormatException)
    {
        Console.Error.WriteLine($"TrainDemo: {e.Message}");
        return 2;
    }
}

const int Users = 2000, BatchSize = 128, K = 10;
var clock = Stopwatch.StartNew();
var options = new NextItemOptions();
var data = new SyntheticData(Users, options.Items, options.MaxLength, seed);
Console.WriteLine($"TrainDemo: {Users} users, {options.Items} items, sequences of {options.MaxLength} + 1 held-out item; " +
                  $"libtorch {__version__}, {get_num_threads()} threads");

manual_seed(seed);
using var inputs = tensor(data.Inputs(), new long[] { Users, options.MaxLength });        // [U, L]
using var targets = tensor(data.TrainTargets(), new long[] { Users, options.MaxLength }); // [U, L]
var model = new NextItemModel(options);
using var optimizer = optim.AdamW(model.parameters(), lr: 5e-3, weight_decay: 0.01);
var batchesPerEpoch = (Users + BatchSize - 1) / BatchSize;
var warmup = optim.lr_scheduler.LinearLR(optimizer, start_factor: 0.1, total_iters: batchesPerEpoch);

for (var epoch = 1; epoch <= epochs; epoch++)
{
    model.train();
    double sum = 0;
    using (var order = randperm(Users))
    {
        for (var b = 0; b < batchesPerEpoch; b++)
        {
            using var scope = NewDisposeScope();
            var start = b * BatchSize;
            var idx = order.narrow(0, start, Math.Min(BatchSize, Users - start));     // [B]
            var loss = model.Loss(inputs.index_select(0, idx), targets.index_select(0, idx));
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 5.0);
            optimizer.step();
            warmup.step();
            sum += loss.item<float>();
        }
    }
    Console.WriteLine($"epoch {epoch,2}: train loss {sum / batchesPerEpoch:F4}  lr {optimizer.ParamGroups.First().LearningRate:G3}  ({clock.Elapsed.TotalSeconds:F1} s)");
}

// Scores of every user's next item after their training sequence: [U, Items + 1], padding column excluded.
float[] TestScores(NextItemModel m)
{
    m.eval();
    using var _ = no_grad();
    using var scope = NewDisposeScope();
    var last = m.Scores(inputs).select(1, options.MaxLength - 1);                     // [U, V]
    last.index_put_(float.NegativeInfinity, TensorIndex.Colon, 0);
    return last.data<float>().ToArray();
}

(double Hr, double Ndcg) Evaluate(float[] scores)
{
    var acc = new MetricAccumulator(new[] { K });
    var v = options.Items + 1;
    var test = data.TestTargets();
    for (var u = 0; u < Users; u++) acc.Add(RankingMetrics.PessimisticRank(scores.AsSpan(u * v, v), test[u]));
    var mean = acc.Mean();
    return (mean[$"HR@{K}"], mean[$"NDCG@{K}"]);
}

var scores = TestScores(model);
var (hr, ndcg) = Evaluate(scores);

// Popularity baseline: how often each item occurs in the training data (inputs and targets).
var counts = new float[options.Items + 1];
foreach (var s in data.Sequences)
    for (var t = 0; t < options.MaxLength; t++) counts[s[t]]++;
counts[0] = float.NegativeInfinity;
var popScores = Enumerable.Range(0, Users).SelectMany(_ => counts).ToArray();
var (popHr, popNdcg) = Evaluate(popScores);
Console.WriteLine($"test (leave-one-out, all {options.Items} items ranked):");
Console.WriteLine($"  attention model  HR@{K} {hr:F4}  NDCG@{K} {ndcg:F4}");
Console.WriteLine($"  popularity       HR@{K} {popHr:F4}  NDCG@{K} {popNdcg:F4}");

// Checkpoint round trip into a differently initialised model.
Checkpoint.Save(output, model, optimizer, metadata: new Dictionary<string, string> { ["demo"] = "TrainDemo", ["seed"] = seed.ToString() });
Console.WriteLine($"checkpoint: {output} ({new FileInfo(output).Length / 1024.0:F0} KiB)");
model.Dispose();
manual_seed(seed + 1);
using var reloaded = new NextItemModel(options);
Checkpoint.Load(output, reloaded);
var again = TestScores(reloaded);
var identical = again.AsSpan().SequenceEqual(scores);
Console.WriteLine(identical
    ? $"reloaded checkpoint: all {again.Length} test scores identical"
    : $"reloaded checkpoint: SCORES DIFFER (max |diff| {again.Zip(scores).Where(p => float.IsFinite(p.First)).Max(p => Math.Abs(p.First - p.Second))})");
Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1} s");
return identical ? 0 : 1;
