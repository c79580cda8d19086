using Cdsr.Data.Model;
using Cdsr.Semantics.Features;
using Cdsr.Semantics.Text;

namespace Cdsr.Semantics.Embeddings;

/// <summary>Items that got no vector, and why.</summary>
public sealed record UncoveredItem(ItemKey Item, string Reason);

/// <summary>The item matrix of a dataset plus its coverage: every item is either in <see cref="Features"/> or in
/// <see cref="Uncovered"/> with a reason; nothing is silently dropped or embedded as an empty string.</summary>
public sealed record ItemEmbeddingResult(ItemFeatures Features, IReadOnlyList<ItemKey> Items, IReadOnlyList<UncoveredItem> Uncovered, int TotalItems)
{
    public int Covered => Items.Count;
}

/// <summary>Renders every item of a dataset (<see cref="ItemTextRenderer"/>) and embeds the texts in one call.</summary>
public static class ItemEmbedding
{
    public static async Task<ItemEmbeddingResult> EmbedAsync(CdsrDataset data, ITextEmbedder embedder, ItemTextOptions? textOptions = null, CancellationToken ct = default)
    {
        var set = new ItemTextRenderer(textOptions).RenderAll(data);
        var uncovered = set.Missing.Select(m => new UncoveredItem(m, "no title, brand, categories or description")).ToList();
        var keep = new List<int>(set.Items.Count);
        for (int i = 0; i < set.Items.Count; i++)
        {
            var why = embedder.WhyNotEmbeddable(set.Texts[i]);
            if (why is null) keep.Add(i);
            else uncovered.Add(new UncoveredItem(set.Items[i], why));
        }
        var items = keep.Select(i => set.Items[i]).ToArray();
        var matrix = await embedder.EmbedAsync(keep.Select(i => set.Texts[i]).ToArray(), ct).ConfigureAwait(false);
        var domains = items.Select(k => data.Vocabulary(k.Domain).Name).ToArray();
        var ids = items.Select(k => k.OriginalId ?? k.Item.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new ItemEmbeddingResult(new ItemFeatures(domains, ids, matrix), items, uncovered, set.Total);
    }
}
