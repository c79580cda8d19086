using System.Numerics.Tensors;

namespace Cdsr.Semantics.Embeddings;

/// <summary>A dense row-major float32 matrix [Rows, Dims] of embeddings.</summary>
public sealed class EmbeddingMatrix
{
    public EmbeddingMatrix(float[] data, int rows, int dims)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 0 || dims <= 0 || data.Length != (long)rows * dims)
            throw new ArgumentException($"matrix [{rows}, {dims}] needs {(long)rows * dims} values, got {data.Length}");
        Data = data; Rows = rows; Dims = dims;
    }

    public float[] Data { get; }
    public int Rows { get; }
    public int Dims { get; }

    public Span<float> Row(int i) => Data.AsSpan(i * Dims, Dims);

    /// <summary>Scales every row to unit L2 norm; a zero row is an error naming its index (it carries no direction).</summary>
    public EmbeddingMatrix NormalizeRows(Func<int, string>? describe = null)
    {
        for (int i = 0; i < Rows; i++)
        {
            var r = Row(i);
            float n = TensorPrimitives.Norm(r);
            if (!(n > 0) || !float.IsFinite(n))
                throw new SemanticsException($"embedding of {(describe is null ? $"row {i}" : describe(i))} has norm {n}; refusing to normalise it");
            TensorPrimitives.Divide(r, n, r);
        }
        return this;
    }

    /// <summary>Rows <paramref name="rows"/> copied into a new matrix.</summary>
    public EmbeddingMatrix Select(IReadOnlyList<int> rows)
    {
        var d = new float[rows.Count * Dims];
        for (int i = 0; i < rows.Count; i++) Row(rows[i]).CopyTo(d.AsSpan(i * Dims, Dims));
        return new EmbeddingMatrix(d, rows.Count, Dims);
    }
}
