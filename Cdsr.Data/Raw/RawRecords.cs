namespace Cdsr.Data.Raw;

/// <summary>One rating event as found in a raw file: who, what, how many stars, when (Unix seconds).</summary>
public sealed record RawReview(string UserId, string ItemId, float Rating, long Timestamp);

/// <summary>
/// Item metadata as found in a raw file. <see cref="Categories"/> is the category path (2018: the "category"
/// list; 2014: all "categories" paths flattened in order, duplicates removed). <see cref="Description"/> joins
/// a description list with newlines. <see cref="ImageUrl"/> is the first high-resolution image (2018
/// imageURLHighRes, else imageURL; 2014 imUrl). Absent fields are null / empty.
/// </summary>
public sealed record RawItemMeta(
    string ItemId,
    string? Title,
    string? Brand,
    IReadOnlyList<string> Categories,
    string? Description,
    string? ImageUrl);
