using System.Runtime.InteropServices;
using Cdsr.Semantics.Embeddings;

namespace Cdsr.Semantics.Caching;

/// <summary>
/// Wraps an embedder whose output for a text does not depend on the other texts of the call (remote APIs, the ONNX
/// encoder; not SIF, whose common component is corpus-wide and which is cheap anyway). Each text is looked up by
/// <see cref="CacheKey"/>(provider, model, template, text); only misses reach the inner embedder, in one call, and
/// their rows are stored. A rerun over the same texts therefore makes no request at all.
/// </summary>
public sealed class CachedEmbedder(ITextEmbedder inner, SemanticCache cache, string templateKey = "embed-item-text@v1") : ITextEmbedder
{
    public string Provider => inner.Provider;
    public string Model => inner.Model;
    public int Dimension => inner.Dimension;
    public string? WhyNotEmbeddable(string text) => inner.WhyNotEmbeddable(text);
    public SemanticCache Cache => cache;

    public async Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var rows = new float[]?[texts.Count];
        var missIdx = new List<int>();
        for (int i = 0; i < texts.Count; i++)
        {
            var key = CacheKey.Create(Provider, Model, templateKey, texts[i]);
            if (cache.TryGet(key, out var payload) && payload.Length % 4 == 0 && payload.Length > 0)
                rows[i] = MemoryMarshal.Cast<byte, float>(payload).ToArray();
            else missIdx.Add(i);
        }
        if (missIdx.Count > 0)
        {
            var fresh = await inner.EmbedAsync(missIdx.Select(i => texts[i]).ToArray(), cancellationToken).ConfigureAwait(false);
            for (int m = 0; m < missIdx.Count; m++)
            {
                var row = fresh.Row(m).ToArray();
                rows[missIdx[m]] = row;
                cache.Put(CacheKey.Create(Provider, Model, templateKey, texts[missIdx[m]]), MemoryMarshal.AsBytes(row.AsSpan()));
            }
        }
        if (texts.Count == 0) return new EmbeddingMatrix([], 0, Math.Max(1, Dimension));
        int d = rows[0]!.Length;
        var data = new float[texts.Count * d];
        for (int i = 0; i < texts.Count; i++)
        {
            if (rows[i]!.Length != d)
                throw new SemanticsException($"text {i}: cached/computed embedding has {rows[i]!.Length} dims, others {d} (model '{Model}' changed its output size? clear {cache.Root})");
            rows[i].AsSpan().CopyTo(data.AsSpan(i * d, d));
        }
        return new EmbeddingMatrix(data, texts.Count, d);
    }
}
