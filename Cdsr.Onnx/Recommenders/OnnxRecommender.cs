using System.Globalization;
using Cdsr.Onnx.Runtime;

namespace Cdsr.Onnx.Recommenders;

/// <summary>An exported recommender file that is missing, corrupt, not a Cdsr recommender, or fed bad input.</summary>
public sealed class OnnxRecommenderException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Serves a file written by <see cref="RecommenderOnnx.Export"/> through ONNX Runtime: checks its metadata and
/// signature on load, validates every history and candidate id, left-pads (or keeps the most recent) histories to the
/// model's length, and returns scores. <see cref="Score"/> is safe to call from several threads.
/// </summary>
public sealed class OnnxRecommender : IDisposable
{
    private readonly OnnxSession session;

    private OnnxRecommender(OnnxSession session, string source)
    {
        this.session = session;
        string Meta(string key) => session.Metadata.TryGetValue(key, out var v) ? v
            : throw new OnnxRecommenderException($"{source}: not a Cdsr recommender (metadata '{key}' is missing)");
        if (Meta("cdsr.format") != RecommenderOnnx.Format)
            throw new OnnxRecommenderException($"{source}: metadata cdsr.format is '{Meta("cdsr.format")}', expected '{RecommenderOnnx.Format}'");
        if (Meta("cdsr.version") != RecommenderOnnx.Version.ToString(CultureInfo.InvariantCulture))
            throw new OnnxRecommenderException($"{source}: cdsr.version {Meta("cdsr.version")} is not supported (this build reads {RecommenderOnnx.Version})");
        Model = Meta("cdsr.model");
        ItemCount = ParsePositive(Meta("cdsr.item_count"), "cdsr.item_count", source);
        MaxLength = ParsePositive(Meta("cdsr.max_length"), "cdsr.max_length", source);
        Dataset = session.Metadata.GetValueOrDefault("cdsr.dataset");
        DatasetHash = session.Metadata.GetValueOrDefault("cdsr.dataset_hash");
        if (session.Metadata.TryGetValue("cdsr.item_ids", out var idsJson))
        {
            string[]? ids = null;
            try { ids = System.Text.Json.JsonSerializer.Deserialize<string[]>(idsJson); }
            catch (System.Text.Json.JsonException) { }
            if (ids is null || ids.Length != ItemCount || ids.Any(i => i is null))
                throw new OnnxRecommenderException($"{source}: metadata cdsr.item_ids is not a JSON array of {ItemCount} strings");
            ExternalIds = ids;
            byExternal = new Dictionary<string, long>(StringComparer.Ordinal);
            for (int i = 0; i < ids.Length; i++)
                if (!byExternal.TryAdd(ids[i], i + 1)) byExternal[ids[i]] = -1;  // the same external id in both domains: ambiguous
        }
        var names = session.Inputs.Select(i => i.Name).Order().ToArray();
        if (!names.SequenceEqual([RecommenderOnnx.CandidatesInput, RecommenderOnnx.HistoriesInput]) || !session.Outputs.Any(o => o.Name == RecommenderOnnx.ScoresOutput))
            throw new OnnxRecommenderException($"{source}: expected inputs histories, candidates and output scores, got inputs {string.Join(", ", names)}");
    }

    private static int ParsePositive(string text, string key, string source) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v
            : throw new OnnxRecommenderException($"{source}: metadata {key} = '{text}' is not a positive integer");

    /// <summary>Loads <paramref name="path"/>; a missing, truncated or foreign file is an <see cref="OnnxRecommenderException"/> naming it.</summary>
    public static OnnxRecommender Load(string path, OnnxSessionOptions? options = null)
    {
        OnnxSession s;
        try
        {
            s = OnnxSession.FromFile(path, options);
        }
        catch (OnnxRuntimeException e) when (e.Function == "SessionOptionsAppendExecutionProvider_CUDA")
        {
            throw new OnnxRecommenderException($"{path}: {e.NativeMessage}", e); // the model is fine; the provider asked for is not there
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxRecommenderException($"{path}: cannot load the model: {e.NativeMessage}", e);
        }
        try
        {
            return new OnnxRecommender(s, path);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    private readonly Dictionary<string, long>? byExternal;

    /// <summary>External item ids (entry i names item id i + 1), or null when the file has none.</summary>
    public IReadOnlyList<string>? ExternalIds { get; }

    /// <summary>The item id of an external id; throws naming <paramref name="where"/> and <paramref name="field"/>.</summary>
    public long Resolve(string externalId, string where, string field)
    {
        if (byExternal is null)
            throw new OnnxRecommenderException($"{where}: {field}: \"{externalId}\" is not an item id: this model has no external id vocabulary (cdsr.item_ids), give integer ids");
        if (!byExternal.TryGetValue(externalId, out var id))
            throw new OnnxRecommenderException($"{where}: {field}: unknown item \"{externalId}\" (not in this {Model} model's vocabulary of {ItemCount} items)");
        if (id < 0) throw new OnnxRecommenderException($"{where}: {field}: item \"{externalId}\" is ambiguous (two items share it); give its integer id");
        return id;
    }

    public string Model { get; }
    public int ItemCount { get; }
    public int MaxLength { get; }
    public string? Dataset { get; }
    public string? DatasetHash { get; }
    public string ProviderMessage => session.ProviderMessage;
    public OnnxSession Session => session;

    /// <summary>Left-pads (most recent last) or truncates to the oldest-dropped last <see cref="MaxLength"/> items,
    /// checking every id; <paramref name="where"/> prefixes errors (e.g. "line 3").</summary>
    public void PadHistory(ReadOnlySpan<long> history, Span<long> row, string where)
    {
        if (row.Length != MaxLength) throw new ArgumentException($"row must hold {MaxLength} ids", nameof(row));
        var keep = history.Length > MaxLength ? history[^MaxLength..] : history;
        row.Clear();
        keep.CopyTo(row[(MaxLength - keep.Length)..]);
        foreach (var id in history) CheckId(id, where, "history", allowPadding: false);
    }

    /// <summary>Throws naming <paramref name="where"/> and <paramref name="field"/> when <paramref name="id"/> is not an item of this model.</summary>
    public void CheckId(long id, string where, string field, bool allowPadding)
    {
        if (id < (allowPadding ? 0 : 1) || id > ItemCount)
            throw new OnnxRecommenderException($"{where}: {field}: unknown item id {id} (this {Model} model knows items 1..{ItemCount})");
    }

    /// <summary>histories [B, MaxLength] (already padded, 0 = padding), candidates [B, C] -> scores [B, C] (row-major).</summary>
    public float[] Score(long[] histories, long[] candidates, int batch, int candidatesPerRow)
    {
        if (histories.Length != (long)batch * MaxLength)
            throw new OnnxRecommenderException($"histories: expected {batch} x {MaxLength} = {(long)batch * MaxLength} ids, got {histories.Length}");
        if (candidates.Length != (long)batch * candidatesPerRow)
            throw new OnnxRecommenderException($"candidates: expected {batch} x {candidatesPerRow} ids, got {candidates.Length}");
        for (int i = 0; i < histories.Length; i++) CheckId(histories[i], $"row {i / MaxLength}", "history", allowPadding: true);
        for (int i = 0; i < candidates.Length; i++) CheckId(candidates[i], $"row {i / Math.Max(1, candidatesPerRow)}", "candidates", allowPadding: false);
        // The scores' shape is known before the call, so ORT writes them straight into the array returned (no copy out).
        var scores = new float[candidates.Length];
        session.RunInto([
            NamedTensor.Int64(RecommenderOnnx.HistoriesInput, histories, batch, MaxLength),
            NamedTensor.Int64(RecommenderOnnx.CandidatesInput, candidates, batch, candidatesPerRow),
        ], RecommenderOnnx.ScoresOutput, scores, batch, candidatesPerRow);
        return scores;
    }

    public void Dispose() => session.Dispose();
}
