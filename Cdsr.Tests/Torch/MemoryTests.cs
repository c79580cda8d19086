using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Tests.Torch;

/// <summary>
/// A long training loop with one dispose scope per step must neither leak native tensors nor grow the process:
/// 5,000 AdamW steps of an Embedding + TransformerEncoderLayer + Linear model.
/// </summary>
public class MemoryTests
{
    private const int Steps = 5000, WarmUp = 500;
    private const long MaxGrowthBytes = 20L * 1024 * 1024;

    /// <summary>Resident set size of this process, from /proc/self/status (VmRSS, in kB).</summary>
    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
        throw new InvalidOperationException("/proc/self/status has no VmRSS line");
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [Test]
    public void FiveThousandStepsKeepTensorCountAndResidentMemoryFlat()
    {
        if (!File.Exists("/proc/self/status")) Assert.Ignore("needs Linux /proc");
        Collect();
        var countBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var (model, opt) = TinyAttentionModel.Build(seed: 11);
        long rssWarm = 0, countWarm = 0, worstDrift = 0;
        int worstStep = -1;
        var clock = Stopwatch.StartNew();
        using (model)
        using (opt)
        {
            var firstLosses = new List<float>();
            var lastLosses = new List<float>();
            for (var step = 1; step <= Steps; step++)
            {
                var loss = model.TrainStep(opt);
                if (step <= 100) firstLosses.Add(loss);
                if (step > Steps - 100) lastLosses.Add(loss);
                if (step == WarmUp)
                {
                    Collect();
                    rssWarm = ResidentBytes();
                    countWarm = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
                }
                else if (step > WarmUp)
                {
                    // Checked every step, without collecting: a tensor that escaped its scope shows up here at once
                    // (a collection could otherwise hide it by finalizing it).
                    var drift = Math.Abs(DisposeScopeManager.Statistics.ThreadTotalLiveCount - countWarm);
                    if (drift > worstDrift) (worstDrift, worstStep) = (drift, step);
                }
            }
            Collect();
            var rssEnd = ResidentBytes();
            var growth = rssEnd - rssWarm;
            TestContext.Out.WriteLine($"{Steps} steps in {clock.Elapsed.TotalSeconds:F1} s; VmRSS {rssWarm / 1048576.0:F1} MiB at step {WarmUp}, " +
                                      $"{rssEnd / 1048576.0:F1} MiB at the end (growth {growth / 1048576.0:F2} MiB); live tensors {countWarm}");
            Assert.That(worstDrift, Is.Zero, $"live tensor count moved by {worstDrift} at step {worstStep}");
            Assert.That(growth, Is.LessThan(MaxGrowthBytes), $"resident memory grew by {growth / 1048576.0:F1} MiB after warm-up");
            Assert.That(lastLosses.Average(), Is.LessThan(firstLosses.Average() - 0.05), "the model must actually train");
        }
        Collect();
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(countBefore), "disposing the model and optimizer releases every tensor");
    }
}
