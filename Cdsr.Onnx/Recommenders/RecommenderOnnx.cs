using System.Globalization;
using Cdsr.Onnx.Export;
using Cdsr.Onnx.Model;
using Cdsr.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Onnx.Recommenders;

/// <summary>Where an exported model came from (stored in the file's metadata_props; every field optional but the model name).</summary>
public sealed record RecommenderProvenance
{
    /// <summary>Catalog name of the model, e.g. "sasrec".</summary>
    public required string Model { get; init; }
    /// <summary>Dataset name the model was trained on.</summary>
    public string? Dataset { get; init; }
    /// <summary>The dataset's content hash (manifest.json).</summary>
    public string? DatasetHash { get; init; }
    /// <summary>The run folder the weights came from.</summary>
    public string? Run { get; init; }
    /// <summary>External item ids (e.g. ASINs), entry i naming item id i + 1; lets scorers take and return them.</summary>
    public IReadOnlyList<string>? ItemIds { get; init; }
}

/// <summary>
/// Exports a <see cref="SequentialRecommender"/>'s <see cref="SequentialRecommender.Score"/> as an ONNX scorer. Each model
/// has a builder (Export/: <see cref="SasRecOnnx"/>, <see cref="Gru4RecOnnx"/>, <see cref="CdsrNpOnnx"/>) that writes its
/// scoring graph from its own weights through the shared <see cref="ScoringGraph"/>; every export is checked against the
/// eager model (<see cref="Verify"/>), which is what keeps a builder and its model's Score from drifting apart:
/// <code>
/// inputs   histories  int64 [batch, L]           left-padded item ids (0 = padding, most recent last), L = the model's MaxLength
///          candidates int64 [batch, candidates]  item ids to score per row (1..item_count)
/// output   scores     float [batch, candidates]  higher = more likely next
/// metadata cdsr.format = "cdsr-recommender", cdsr.version = "1", cdsr.model, cdsr.item_count, cdsr.max_length,
///          cdsr.dataset, cdsr.dataset_hash, cdsr.run (when known), cdsr.item_ids (JSON array of external ids, entry i
///          naming item id i + 1, when known)
/// </code>
/// Batch and candidate axes are dynamic. The history axis is fixed at MaxLength: the trainer feeds every model
/// left-padded MaxLength histories and SASRec's positional table has exactly MaxLength rows, so a fixed L is exact;
/// scorers left-pad or truncate (keep the most recent) to L (<see cref="OnnxRecommender"/> does).
/// </summary>
public static class RecommenderOnnx
{
    public const string Format = "cdsr-recommender";
    public const int Version = 1;
    public const string HistoriesInput = "histories", CandidatesInput = "candidates", ScoresOutput = "scores";

    /// <summary>
    /// Builds <paramref name="model"/>'s scoring graph from its weights (in eval mode, restored after), validates it and,
    /// when <paramref name="verify"/>, scores 2 x 4 and 1 x 1 batches with ONNX Runtime and with the model and requires
    /// them to agree within 1e-4 (<see cref="Verify"/>). A model type without a builder is an <see cref="OnnxExportException"/>.
    /// </summary>
    public static OnnxModel Export(SequentialRecommender model, RecommenderProvenance provenance, bool verify = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(provenance);
        int L = model.MaxLength, n = model.ItemCount;
        if (provenance.ItemIds is { } given && given.Count != n)
            throw new ArgumentException($"provenance: {given.Count} external item ids for a model of {n} items");
        var g = new ScoringGraph(model, provenance.Model);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var scores = model switch                                                             // [B, C]
            {
                SasRec m => SasRecOnnx.Scores(g, m),
                Gru4Rec m => Gru4RecOnnx.Scores(g, m),
                CdsrNp m => CdsrNpOnnx.Scores(g, m),
                _ => throw new OnnxExportException($"no ONNX builder for {model.GetType().Name}: add one to Cdsr.Onnx/Export (see SasRecOnnx.cs) " +
                                                   "and a case to RecommenderOnnx.Export"),
            };
            g.G.AddNode("Identity", [scores], [ScoresOutput]);
        }
        finally
        {
            model.train(wasTraining);
        }
        g.G.Output(ScoresOutput, OnnxElementType.Float32, "batch", "candidates");
        var meta = new Dictionary<string, string>
        {
            ["cdsr.format"] = Format,
            ["cdsr.version"] = Version.ToString(CultureInfo.InvariantCulture),
            ["cdsr.model"] = provenance.Model,
            ["cdsr.item_count"] = n.ToString(CultureInfo.InvariantCulture),
            ["cdsr.max_length"] = L.ToString(CultureInfo.InvariantCulture),
            ["cdsr.padding"] = "left, item id 0",
        };
        if (provenance.Dataset is { } d) meta["cdsr.dataset"] = d;
        if (provenance.DatasetHash is { } dh) meta["cdsr.dataset_hash"] = dh;
        if (provenance.Run is { } run) meta["cdsr.run"] = run;
        if (provenance.ItemIds is { } ids) meta["cdsr.item_ids"] = System.Text.Json.JsonSerializer.Serialize(ids);
        foreach (var (k, v) in meta) g.G.Metadata(k, v);
        var onnx = g.G.Build();
        if (verify) Verify(model, onnx);
        return onnx;
    }

    /// <summary>Max |ONNX Runtime - eager TorchSharp| over 2 x 4 and 1 x 1 batches of random left-padded histories; throws
    /// <see cref="OnnxExportException"/> above 1e-4. Returns the difference.</summary>
    public static float Verify(SequentialRecommender model, OnnxModel onnx)
    {
        using var session = Runtime.OnnxSession.FromBytes(onnx.ToBytes(), new Runtime.OnnxSessionOptions { IntraOpThreads = 1 });
        int L = model.MaxLength, n = model.ItemCount;
        bool wasTraining = model.training;
        model.eval();
        float worst = 0;
        try
        {
            foreach (var (rows, perRow) in new[] { (2, 4), (1, 1) })
            {
                var rng = new Random(rows * 31 + perRow);
                var hist = new long[rows * L];
                for (int r = 0; r < rows; r++)
                for (int t = L - 1 - rng.Next(L); t < L; t++) hist[r * L + t] = rng.Next(1, n + 1);
                var cand = Enumerable.Range(0, rows * perRow).Select(_ => (long)rng.Next(1, n + 1)).ToArray();
                float[] expected;
                using (no_grad())
                using (var scope = NewDisposeScope())
                {
                    var device = model.parameters().FirstOrDefault()?.device ?? CPU;
                    expected = model.Score(tensor(hist, [rows, L]).to(device), tensor(cand, [rows, perRow]).to(device)).to(ScalarType.Float32).detach().cpu().contiguous().data<float>().ToArray();
                }
                float[] got;
                try
                {
                    got = session.Run([Runtime.NamedTensor.Int64(HistoriesInput, hist, rows, L), Runtime.NamedTensor.Int64(CandidatesInput, cand, rows, perRow)])[0].Floats.ToArray();
                }
                catch (Runtime.OnnxRuntimeException e)
                {
                    throw new OnnxExportException($"the exported graph fails on a batch of {rows} x {perRow} candidates ({e.NativeMessage.ReplaceLineEndings(" ")}): " +
                                                  "the graph fixed a size that varies with the input");
                }
                for (int i = 0; i < expected.Length; i++)
                {
                    float d = Math.Abs(got[i] - expected[i]);
                    if (!(d <= 1e-4f))
                        throw new OnnxExportException($"the exported graph scores {got[i]} where the model scores {expected[i]} (batch {rows} x {perRow} candidates, " +
                                                      $"entry {i}): the ONNX builder and the model's Score disagree");
                    worst = Math.Max(worst, d);
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return worst;
    }
}
