namespace Cdsr.Data.Raw;

/// <summary>
/// Amazon Review Data (2018, Ni et al.) reviews: one strict JSON object per line, plain or gzip. Uses
/// reviewerID, asin, overall, unixReviewTime; every other field (reviewText, style, vote, image...) is skipped.
/// </summary>
public sealed class Amazon2018ReviewReader(string path, RawReadOptions? options = null) : RawReader<RawReview>(path, options)
{
    private protected override bool TryParse(ReadOnlySpan<byte> line, out RawReview record, out LineError error) =>
        AmazonJson.TryParseReview(line, out record, out error);
}

/// <summary>
/// Amazon Review Data (2018) metadata: one strict JSON object per line with asin, title, brand, category (list),
/// description (list), imageURL / imageURLHighRes (lists), also_buy, ... Only asin is required.
/// </summary>
public sealed class Amazon2018MetaReader(string path, RawReadOptions? options = null) : RawReader<RawItemMeta>(path, options)
{
    private protected override bool TryParse(ReadOnlySpan<byte> line, out RawItemMeta record, out LineError error) =>
        AmazonJson.TryParseMeta2018(line, out record, out error);
}

/// <summary>
/// Amazon product data (2014, McAuley et al.) reviews, e.g. the 5-core files: one strict JSON object per line
/// with reviewerID, asin, overall, unixReviewTime (helpful, reviewText, summary, reviewTime are skipped).
/// </summary>
public sealed class Amazon2014ReviewReader(string path, RawReadOptions? options = null) : RawReader<RawReview>(path, options)
{
    private protected override bool TryParse(ReadOnlySpan<byte> line, out RawReview record, out LineError error) =>
        AmazonJson.TryParseReview(line, out record, out error);
}
