using Cdsr.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Tests.Trainers;

/// <summary>Score has three paths (shared candidates, per-row candidates by gathering embeddings, and per-row
/// candidates by one GEMM over all items when they outnumber the items); all must give the same scores.</summary>
public class ScorePathTests
{
    [TestCase("sasrec")]
    [TestCase("gru4rec")]
    public void PerRowCandidatesScoreTheSameOnEveryPath(string model)
    {
        const int items = 20, batch = 3, length = 6, perRow = 30;  // 3 x 30 candidates > 21 rows: the GEMM path
        manual_seed(5);
        using SequentialRecommender m = model == "sasrec"
            ? new SasRec(new SasRecOptions { HiddenSize = 16, MaxLength = length }, items)
            : new Gru4Rec(new Gru4RecOptions { EmbeddingSize = 16, HiddenSize = 16, MaxLength = length }, items);
        m.eval();
        var rng = new Random(9);
        var hist = Enumerable.Range(0, batch * length).Select(k => k % length < 2 ? 0L : rng.Next(1, items + 1)).ToArray();
        var cand = Enumerable.Range(0, batch * perRow).Select(_ => (long)rng.Next(1, items + 1)).ToArray();
        using var _ = NewDisposeScope();
        var histories = tensor(hist, [batch, length]);
        var gemm = m.Score(histories, tensor(cand, [batch, perRow])).data<float>().ToArray();              // GEMM + gather
        for (int r = 0; r < batch; r++)
        {
            var row = cand.AsSpan(r * perRow, perRow).ToArray();
            var h = histories[r..(r + 1)];
            var shared = m.Score(h, tensor(row, [perRow])).data<float>().ToArray();                          // [C] path
            var gathered = m.Score(h, tensor(row[..10], [1, 10])).data<float>().ToArray();                   // 10 < 21: bmm path
            for (int c = 0; c < perRow; c++)
                Assert.That(gemm[r * perRow + c], Is.EqualTo(shared[c]).Within(1e-5), $"row {r}, candidate {c}");
            for (int c = 0; c < 10; c++)
                Assert.That(gathered[c], Is.EqualTo(shared[c]).Within(1e-5), $"row {r}, candidate {c} (bmm path)");
        }
    }
}
