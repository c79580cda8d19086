namespace Cdsr.Data.Model;

/// <summary>Side information of one item, where the source knows it; every field may be null.</summary>
/// <param name="OriginalId">The id in the source release (ASIN for Amazon data, or the source's numeric id).</param>
public sealed record ItemInfo(
    string? OriginalId,
    string? Title = null,
    string? Brand = null,
    IReadOnlyList<string>? Categories = null,
    string? Description = null,
    string? ImageUrl = null)
{
    public static readonly ItemInfo Empty = new((string?)null);

    /// <summary>Equality compares the categories element-wise (records compare list references).</summary>
    public bool Equals(ItemInfo? other) =>
        other is not null && OriginalId == other.OriginalId && Title == other.Title && Brand == other.Brand &&
        Description == other.Description && ImageUrl == other.ImageUrl &&
        (Categories ?? []).SequenceEqual(other.Categories ?? []);

    public override int GetHashCode() => HashCode.Combine(OriginalId, Title, Brand, Description, ImageUrl, Categories?.Count ?? 0);
}
