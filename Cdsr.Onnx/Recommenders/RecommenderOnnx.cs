using System.Globalization;
using Cdsr.Onnx.Export;
using Cdsr.Onnx.Model;
using Cdsr.Torch.Tracing;
using Cdsr.Trainers.Models;
using static Cdsr.Torch.torch;

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
/// Exports a <see cref="SequentialRecommender"/>'s own <see cref="SequentialRecommender.Score"/> as an ONNX scorer by
/// tracing it (<see cref="Tracer"/>), so no model keeps a second copy of its scoring code:
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
    /// Rows and candidates per row of the example batch the trace runs on. The converter reads a host-computed shape
    /// argument equal to one of them from the input's shape at run time (<see cref="DynamicSize"/>), so they must differ
    /// from every size the model itself uses: they are the two smallest primes from 23 up that are not a dimension of
    /// any of its parameters or buffers, its L, item count or item count + 1. A collision this cannot see (a size the
    /// model computes that is none of those) is still caught by <see cref="Verify"/>, which rescores at other sizes.
    /// </summary>
    public static (int Rows, int Candidates) ExampleSizes(SequentialRecommender model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var used = new HashSet<long> { model.MaxLength, model.ItemCount, model.ItemCount + 1L };
        foreach (var p in model.parameters()) foreach (var d in p.shape) used.Add(d);
        foreach (var b in model.buffers()) foreach (var d in b.shape) used.Add(d);
        var picked = new List<int>(2);
        for (int k = 23; picked.Count < 2; k++)
            if (IsPrime(k) && !used.Contains(k)) picked.Add(k);
        return (picked[1], picked[0]);

        static bool IsPrime(int k)
        {
            for (int f = 2; f * f <= k; f++) if (k % f == 0) return false;
            return k >= 2;
        }
    }

    /// <summary>
    /// Traces <paramref name="model"/>'s Score on an example batch, converts it to ONNX (validated) and, when
    /// <paramref name="verify"/>, scores a second batch of other sizes with ONNX Runtime and with the model and requires
    /// them to agree within 1e-4 (<see cref="Verify"/>): an export that froze a batch or candidate size fails here.
    /// </summary>
    public static OnnxModel Export(SequentialRecommender model, RecommenderProvenance provenance, bool verify = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(provenance);
        var (rows, candidates) = ExampleSizes(model);
        int L = model.MaxLength, n = model.ItemCount;
        var hist = new long[rows * L];
        for (int r = 0; r < rows; r++)
        for (int t = 0; t < L; t++)
            hist[r * L + t] = t < L / 2 && r != 1 ? 0 : 1 + (r * 7 + t * 3) % n;
        var cand = new long[rows * candidates];
        for (int i = 0; i < cand.Length; i++) cand[i] = 1 + (i * 5) % n;
        var device = model.parameters().FirstOrDefault()?.device ?? CPU;
        using var h = tensor(hist, [rows, L]).to(device);
        using var c = tensor(cand, [rows, candidates]).to(device);
        var trace = Tracer.Trace(model, [(HistoriesInput, h), (CandidatesInput, c)], x => [model.Score(x[0], x[1])], ScoresOutput);
        var shapes = new Dictionary<string, OnnxDim[]>
        {
            [HistoriesInput] = ["batch", L],
            [CandidatesInput] = ["batch", "candidates"],
            [ScoresOutput] = ["batch", "candidates"],
        };
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
        if (provenance.ItemIds is { } ids)
        {
            if (ids.Count != n) throw new ArgumentException($"provenance: {ids.Count} external item ids for a model of {n} items");
            meta["cdsr.item_ids"] = System.Text.Json.JsonSerializer.Serialize(ids);
        }
        var onnx = TraceToOnnx.Convert(trace, provenance.Model, shapes, meta,
            [new DynamicSize(rows, HistoriesInput, 0), new DynamicSize(candidates, CandidatesInput, 1)]);
        if (verify) Verify(model, onnx);
        return onnx;
    }

    /// <summary>Max |ONNX Runtime - libtorch| over 2 x 4 and 1 x 1 batches (other sizes than the trace's); throws
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
                    expected = model.Score(tensor(hist, [rows, L]).to(device), tensor(cand, [rows, perRow]).to(device)).to(ScalarType.Float32).cpu().data<float>();
                }
                float[] got;
                try
                {
                    got = session.Run([Runtime.NamedTensor.Int64(HistoriesInput, hist, rows, L), Runtime.NamedTensor.Int64(CandidatesInput, cand, rows, perRow)])[0].Floats.ToArray();
                }
                catch (Runtime.OnnxRuntimeException e)
                {
                    throw new OnnxExportException($"the exported graph fails on a batch of {rows} x {perRow} candidates ({e.NativeMessage.ReplaceLineEndings(" ")}): " +
                                                  "the trace froze something that varies with the input");
                }
                for (int i = 0; i < expected.Length; i++)
                {
                    float d = Math.Abs(got[i] - expected[i]);
                    if (!(d <= 1e-4f))
                        throw new OnnxExportException($"the exported graph scores {got[i]} where the model scores {expected[i]} (batch {rows} x {perRow} candidates, " +
                                                      $"entry {i}): the trace froze something that varies with the input");
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
