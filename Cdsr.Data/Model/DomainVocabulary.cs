namespace Cdsr.Data.Model;

/// <summary>The items of one domain: dense ids 1..<see cref="Count"/> (0 is padding), each with its side
/// information (at least the original id where the source has one).</summary>
public sealed class DomainVocabulary
{
    private readonly ItemInfo[] _items; // [Count + 1]; slot 0 (padding) holds ItemInfo.Empty
    private Dictionary<string, int>? _byOriginalId;

    public DomainVocabulary(string name, IReadOnlyList<ItemInfo> items)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _items = new ItemInfo[items.Count + 1];
        _items[0] = ItemInfo.Empty;
        for (int i = 0; i < items.Count; i++) _items[i + 1] = items[i] ?? ItemInfo.Empty;
    }

    /// <summary>Display name of the domain (e.g. "Food").</summary>
    public string Name { get; }

    /// <summary>Number of real items (ids 1..Count).</summary>
    public int Count => _items.Length - 1;

    /// <summary>Side information of item <paramref name="id"/> (1..Count).</summary>
    public ItemInfo this[int id]
    {
        get
        {
            if ((uint)(id - 1) >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(id), $"item id {id} outside 1..{Count} of domain {Name}");
            return _items[id];
        }
    }

    /// <summary>All items in id order (index 0 = item 1).</summary>
    public ReadOnlySpan<ItemInfo> Items => _items.AsSpan(1);

    /// <summary>Dense id of the item whose <see cref="ItemInfo.OriginalId"/> is <paramref name="originalId"/>, or 0.</summary>
    public int Find(string originalId)
    {
        _byOriginalId ??= BuildIndex();
        return _byOriginalId.TryGetValue(originalId, out var id) ? id : 0;
    }

    private Dictionary<string, int> BuildIndex()
    {
        var map = new Dictionary<string, int>(Count, StringComparer.Ordinal);
        for (int i = 1; i <= Count; i++)
            if (_items[i].OriginalId is { } o) map.TryAdd(o, i);
        return map;
    }

    /// <summary>Checks that original ids are unique inside the domain.</summary>
    internal void Validate()
    {
        var seen = new Dictionary<string, int>(Count, StringComparer.Ordinal);
        for (int i = 1; i <= Count; i++)
        {
            var o = _items[i].OriginalId;
            if (o is null) continue;
            if (!seen.TryAdd(o, i))
                throw new CdsrDataException($"domain {Name}: duplicate original item id '{o}' (items {seen[o]} and {i})");
        }
    }
}
