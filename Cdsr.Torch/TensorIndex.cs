namespace Cdsr.Torch;

/// <summary>
/// One position of a tensor index, as in Python's <c>t[0, 1:3, ..., None, mask]</c> (TorchSharp's naming):
/// <c>t[TensorIndex.Single(0), TensorIndex.Slice(1, 3), TensorIndex.Ellipsis, TensorIndex.None, TensorIndex.Tensor(mask)]</c>.
/// Integers, C# ranges (<c>1..3</c>, <c>..^1</c>) and tensors convert implicitly, so <c>t[0, 1..3]</c> also works.
/// </summary>
public sealed class TensorIndex
{
    internal enum Kind { Single = 0, Slice = 1, Ellipsis = 2, None = 3, Tensor = 4, Bool = 5 }

    internal Kind kind { get; }
    internal long? start { get; }
    internal long? stop { get; }
    internal long step { get; } = 1;
    internal torch.Tensor? tensor { get; }

    private TensorIndex(Kind kind, long? start = null, long? stop = null, long step = 1, torch.Tensor? tensor = null)
    {
        this.kind = kind;
        this.start = start;
        this.stop = stop;
        this.step = step;
        this.tensor = tensor;
    }

    /// <summary>One position along a dimension (negative counts from the end); the dimension disappears.</summary>
    public static TensorIndex Single(long index) => new(Kind.Single, start: index);

    /// <summary>Positions start, start+step, ... before stop; a missing bound means the dimension's end. step must be positive.</summary>
    public static TensorIndex Slice(long? start = null, long? stop = null, long? step = null)
    {
        var s = step ?? 1;
        if (s <= 0) throw new ArgumentOutOfRangeException(nameof(step), s, "slice step must be positive");
        return new(Kind.Slice, start, stop, s);
    }

    /// <summary>Python's <c>...</c>: as many full slices as needed.</summary>
    public static readonly TensorIndex Ellipsis = new(Kind.Ellipsis);

    /// <summary>Python's <c>None</c>: inserts a new dimension of size 1.</summary>
    public static readonly TensorIndex None = new(Kind.None);

    /// <summary>Python's <c>:</c>, the whole dimension.</summary>
    public static readonly TensorIndex Colon = Slice();

    /// <summary>Advanced indexing by an int64 index tensor or a bool mask.</summary>
    public static TensorIndex Tensor(torch.Tensor index) => new(Kind.Tensor, tensor: index ?? throw new ArgumentNullException(nameof(index)));

    /// <summary>Python's <c>t[True]</c> / <c>t[False]</c>: a new dimension of size 1 or 0.</summary>
    public static TensorIndex Bool(bool value) => new(Kind.Bool, start: value ? 1 : 0);

    public static implicit operator TensorIndex(long index) => Single(index);
    public static implicit operator TensorIndex(int index) => Single(index);
    public static implicit operator TensorIndex(torch.Tensor index) => Tensor(index);

    /// <summary>A C# range: <c>1..3</c>, <c>..</c>, <c>^2..</c> (from-end bounds become negative positions).</summary>
    public static implicit operator TensorIndex(Range range)
    {
        long? Bound(Index i, bool isStop)
        {
            if (!i.IsFromEnd) return i.Value;
            if (i.Value == 0) return isStop ? null : long.MaxValue; // ^0: the end
            return -i.Value;
        }
        var s = Bound(range.Start, false);
        return Slice(s == 0 ? null : s, Bound(range.End, true));
    }

    public override string ToString() => kind switch
    {
        Kind.Single => start!.Value.ToString(),
        Kind.Slice => $"{start}:{stop}" + (step != 1 ? $":{step}" : ""),
        Kind.Ellipsis => "...",
        Kind.None => "None",
        Kind.Bool => start != 0 ? "True" : "False",
        _ => tensor?.ToString() ?? "Tensor",
    };
}
