using Cdsr.Onnx.Recommenders;
using Cdsr.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Tests.Onnx;

/// <summary>Small SASRec / GRU4Rec models and request batches for the export tests (seeded, so every run is the same).</summary>
internal static class ExportTestModels
{
    public const int Items = 1200, Length = 20;

    /// <summary>A freshly initialised model in eval mode (random weights exercise every parameter as well as trained ones).</summary>
    public static SequentialRecommender Create(string name, int items = Items, int length = Length, int hidden = 32, long seed = 11)
    {
        manual_seed(seed);
        SequentialRecommender m = name switch
        {
            "sasrec" => new SasRec(new SasRecOptions { HiddenSize = hidden, Blocks = 2, Heads = 2, MaxLength = length }, items),
            "gru4rec" => new Gru4Rec(new Gru4RecOptions { EmbeddingSize = hidden, HiddenSize = hidden + 8, MaxLength = length }, items),
            _ => throw new ArgumentException(name),
        };
        m.eval();
        return m;
    }

    /// <summary>Left-padded histories [users, length]: lengths 0 (all padding), 1, ..., full, ids 1..items.</summary>
    public static long[] Histories(int users, int length, int items, int seed)
    {
        var rng = new Random(seed);
        var h = new long[users * length];
        for (int u = 0; u < users; u++)
        {
            int n = u % 7 == 0 ? 0 : u % 5 == 0 ? length : rng.Next(1, length + 1);
            for (int t = length - n; t < length; t++) h[u * length + t] = rng.Next(1, items + 1);
        }
        return h;
    }

    /// <summary>Per-row candidates [users, perRow], ids 1..items.</summary>
    public static long[] Candidates(int users, int perRow, int items, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, users * perRow).Select(_ => (long)rng.Next(1, items + 1)).ToArray();
    }

    /// <summary>Eager TorchSharp scores of the model's own Score: [users, perRow] row-major.</summary>
    public static float[] TorchScores(SequentialRecommender m, long[] histories, long[] candidates, int users)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var h = tensor(histories, [users, histories.Length / users]);
        var c = tensor(candidates, [users, candidates.Length / users]);
        return m.Score(h, c).data<float>().ToArray();
    }

    public static byte[] ExportBytes(SequentialRecommender m, string name) =>
        RecommenderOnnx.Export(m, new RecommenderProvenance { Model = name, Dataset = "synthetic-test", DatasetHash = "0123abcd" }).ToBytes();
}
