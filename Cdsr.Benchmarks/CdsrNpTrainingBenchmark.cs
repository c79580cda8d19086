using BenchmarkDotNet.Attributes;
using Cdsr.Data.Import;
using Cdsr.Trainers.Layers;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Models;
using Cdsr.Trainers.Training;
using static TorchSharp.torch;

namespace Cdsr.Benchmarks;

/// <summary>
/// CDSRNP training throughput on AMID Cloth–Sport (K_u = 25%, mixed view) at the paper's settings
/// (<see cref="CdsrNpOptions"/> defaults: D = 128, support 20, query 10 + 10, T = 15; Adam lr 2e-5, clipping 5 as the
/// Trainer does): one operation = one episode (the Trainer's step: forward of support and query, MSE + KL + L2, backward,
/// clipping, Adam), so episodes/s = 1 / Mean. <see cref="Lambda"/> compares the paper's lambda ||Theta||^2 computed in
/// the loss (<c>InLoss</c>) with the same term as Adam's coupled weight decay 2 * lambda (<c>AdamWeightDecay</c>, what
/// <c>scripts/cdsrnp.sh</c> trains with): one gradient, two costs.
/// Run: <c>dotnet run -c Release --project Cdsr.Benchmarks -- --filter '*CdsrNpTraining*'</c> (smoke: add <c>--job Dry</c>).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class CdsrNpTrainingBenchmark
{
    private CdsrNp model = null!;
    private optim.Optimizer optimizer = null!;
    private List<IEpisode> episodes = null!;
    private int next;

    /// <summary>Where lambda ||Theta||^2 (lambda = 1e-5) is applied.</summary>
    public enum L2Placement { InLoss, AdamWeightDecay }

    [Params(L2Placement.InLoss, L2Placement.AdamWeightDecay)]
    public L2Placement Lambda { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TorchRuntime.Apply();
        var dataset = DatasetImporters.Import("amid", BenchmarkData.Dataset("amid-cloth-sport"), new ImportOptions { BuildCandidates = false, AmidKu = 25 });
        var options = Lambda == L2Placement.InLoss ? new CdsrNpOptions() : new CdsrNpOptions { L2 = 0 };
        var data = SequenceData.Build(dataset, SequenceView.Mixed, options.MaxLength);
        manual_seed(42);
        model = new CdsrNp(options, data.ItemCount);
        model.Attach(data);
        optimizer = optim.Adam(model.parameters(), 2e-5, weight_decay: Lambda == L2Placement.InLoss ? 0 : 2 * new CdsrNpOptions().L2);
        episodes = model.Episodes(42, 1).Take(32).ToList();
    }

    [Benchmark(Description = "CDSRNP train step per episode (AMID Cloth-Sport 25%, support 20, query 20, T=15, d=128)")]
    public float Episode()
    {
        var episode = episodes[next++ % episodes.Count];
        return Trainer.Step(model, optimizer, () => model.EpisodeLoss(episode), clipGradNorm: 5.0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var e in episodes) e.Dispose();
        optimizer.Dispose();
        model.Dispose();
    }
}
