using Cdsr.Data.Model;

namespace Cdsr.Semantics.Features;

/// <summary>Item features laid out by a dataset's shared item ids, ready to initialise or condition an item table:
/// row 0 is padding (zeros), row <c>data.SharedId(domain, item)</c> is that item's vector.</summary>
/// <param name="Matrix">[SharedItemCount + 1, Dims], row-major.</param>
/// <param name="Present">[SharedItemCount + 1]: whether the row came from the file (false for padding and missing items).</param>
public sealed record AlignedItemFeatures(float[] Matrix, int Rows, int Dims, bool[] Present)
{
    public int Missing => Present.Skip(1).Count(p => !p);
}

public static class ItemFeatureAlignment
{
    /// <summary>
    /// Matches feature rows to <paramref name="data"/>'s items by (domain name, original id / ASIN). Items of the dataset
    /// the file does not cover are an error listing how many and the first ones, unless <paramref name="allowMissing"/>
    /// (then their rows stay zero and <see cref="AlignedItemFeatures.Present"/> says so). Rows of the file that match no
    /// item are ignored (a file may cover a larger catalogue).
    /// </summary>
    public static AlignedItemFeatures AlignTo(this ItemFeatures features, CdsrDataset data, bool allowMissing = false, string source = "item features")
    {
        int d = features.Vectors.Dims, rows = data.SharedItemCount + 1;
        var m = new float[rows * d];
        var present = new bool[rows];
        var missing = new List<string>();
        foreach (var dom in new[] { Domain.A, Domain.B })
        {
            var v = data.Vocabulary(dom);
            for (int i = 1; i <= v.Count; i++)
            {
                string id = v[i].OriginalId ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                int r = features.Find(v.Name, id);
                int shared = data.SharedId(dom, i);
                if (r < 0) { missing.Add($"{v.Name} item {i} ({id})"); continue; }
                features.Vectors.Row(r).CopyTo(m.AsSpan(shared * d, d));
                present[shared] = true;
            }
        }
        if (missing.Count > 0 && !allowMissing)
            throw new SemanticsException($"{source}: {missing.Count} of {rows - 1} items of dataset {data.Name} have no vector (first: {string.Join(", ", missing.Take(5))})");
        return new AlignedItemFeatures(m, rows, d, present);
    }
}
