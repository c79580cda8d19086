using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Modules;

/// <summary>A lookup table [num_embeddings, embedding_dim], initialised N(0, 1) (PyTorch's default). The
/// <see cref="padding_idx"/> row starts at zero and receives no gradient, so it stays zero under training.</summary>
public sealed class Embedding : nn.Module<Tensor, Tensor>
{
    public Parameter weight { get; }
    public long? padding_idx { get; }

    internal Embedding(long num_embeddings, long embedding_dim, long? padding_idx) : base(nameof(Embedding))
    {
        if (num_embeddings <= 0 || embedding_dim <= 0)
            throw new ArgumentException($"Embedding: num_embeddings and embedding_dim must be positive, got {num_embeddings} and {embedding_dim}");
        if (padding_idx is long p)
        {
            if (p < -num_embeddings || p >= num_embeddings)
                throw new ArgumentOutOfRangeException(nameof(padding_idx), $"Embedding: padding_idx {p} is out of range for {num_embeddings} rows");
            this.padding_idx = p < 0 ? p + num_embeddings : p;
        }
        using var scope = NewDisposeScope();
        weight = new Parameter(empty(new[] { num_embeddings, embedding_dim }));
        nn.init.normal_(weight);
        if (this.padding_idx is long pad)
        {
            var rows = new float[num_embeddings];
            Array.Fill(rows, 1f);
            rows[pad] = 0f;
            using var keep = tensor(rows, new[] { num_embeddings, 1L });
            using var zeroed = weight.detach() * keep;
            weight.SetData(zeroed);
        }
        register_parameter(nameof(weight), weight);
    }

    /// <summary>ids [*] (int64) -> [*, embedding_dim].</summary>
    public override Tensor forward(Tensor input) => nn.functional.embedding(input, weight, padding_idx);
}
