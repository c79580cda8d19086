using System.Text;
using Cdsr.Data.Model;

namespace Cdsr.Semantics.Text;

/// <summary>How an item's attributes become its prompt text. Defaults follow LLM-EDT's item text: the title, then
/// brand, categories and description where known.</summary>
public sealed record ItemTextOptions
{
    /// <summary>Upper bound on the rendered text in characters (cut at a word boundary). 512 by default.</summary>
    public int MaxChars { get; init; } = 512;
    /// <summary>Include the brand line when known.</summary>
    public bool IncludeBrand { get; init; } = true;
    /// <summary>Include the category path when known (at most <see cref="MaxCategories"/> levels).</summary>
    public bool IncludeCategories { get; init; } = true;
    /// <summary>Include the description when known.</summary>
    public bool IncludeDescription { get; init; } = true;
    /// <summary>Category levels kept (the most specific ones are last in Amazon paths; the first ones are kept).</summary>
    public int MaxCategories { get; init; } = 5;

    public void Validate()
    {
        if (MaxChars < 16) throw new ArgumentOutOfRangeException(nameof(MaxChars), MaxChars, "MaxChars must be at least 16");
        if (MaxCategories < 0) throw new ArgumentOutOfRangeException(nameof(MaxCategories), MaxCategories, "MaxCategories must be non-negative");
    }
}

/// <summary>One item of a dataset, addressed by domain and dense id, with its original id (ASIN).</summary>
public readonly record struct ItemKey(Domain Domain, int Item, string? OriginalId)
{
    public override string ToString() => $"{Domain}:{Item}{(OriginalId is null ? "" : $" ({OriginalId})")}";
}

/// <summary>Rendered texts of a dataset's items: <see cref="Items"/> and <see cref="Texts"/> are parallel; items with
/// no usable attribute are listed in <see cref="Missing"/> instead of getting an empty text.</summary>
public sealed record ItemTextSet(IReadOnlyList<ItemKey> Items, IReadOnlyList<string> Texts, IReadOnlyList<ItemKey> Missing)
{
    public int Total => Items.Count + Missing.Count;
}

/// <summary>Renders items into prompt text ("title: ...; brand: ...; categories: a > b; description: ...").</summary>
public sealed class ItemTextRenderer
{
    private readonly ItemTextOptions _options;

    public ItemTextRenderer(ItemTextOptions? options = null)
    {
        _options = options ?? new ItemTextOptions();
        _options.Validate();
    }

    public ItemTextOptions Options => _options;

    /// <summary>The item's text, or null when it has no title, brand, category or description after cleaning.</summary>
    public string? Render(ItemInfo item)
    {
        var parts = new List<string>(4);
        Add("title", item.Title);
        if (_options.IncludeBrand) Add("brand", item.Brand);
        if (_options.IncludeCategories && item.Categories is { Count: > 0 } cats)
            Add("categories", string.Join(" > ", cats.Select(PromptSafety.Clean).Where(c => c.Length > 0).Take(_options.MaxCategories)));
        if (_options.IncludeDescription) Add("description", item.Description);
        if (parts.Count == 0) return null;
        return Bound(string.Join("; ", parts), _options.MaxChars);

        void Add(string field, string? value)
        {
            var v = PromptSafety.Clean(value);
            if (v.Length > 0) parts.Add($"{field}: {v}");
        }
    }

    /// <summary>Renders every item of both domains (A's items then B's, in id order).</summary>
    public ItemTextSet RenderAll(CdsrDataset data)
    {
        var items = new List<ItemKey>(data.SharedItemCount);
        var texts = new List<string>(data.SharedItemCount);
        var missing = new List<ItemKey>();
        foreach (var d in new[] { Domain.A, Domain.B })
        {
            var vocab = data.Vocabulary(d);
            for (int i = 1; i <= vocab.Count; i++)
            {
                var info = vocab[i];
                var key = new ItemKey(d, i, info.OriginalId);
                var t = Render(info);
                if (t is null) missing.Add(key);
                else { items.Add(key); texts.Add(t); }
            }
        }
        return new ItemTextSet(items, texts, missing);
    }

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="max"/> characters at the last space before the
    /// limit (or hard, when a single word is longer), never splitting a surrogate pair.</summary>
    public static string Bound(string text, int max)
    {
        if (text.Length <= max) return text;
        int cut = text.LastIndexOf(' ', max, max + 1); // a space right after the limit is a clean cut too
        if (cut < max / 2) cut = max;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut].TrimEnd();
    }
}
