using Cdsr.Trainers.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TrainDemo;

/// <summary>Options of <see cref="NextItemModel"/>; every default in one place.</summary>
internal sealed record NextItemOptions
{
    /// <summary>Number of real items (ids 1..Items; 0 is padding).</summary>
    public int Items { get; init; } = 300;
    /// <summary>Input sequence length.</summary>
    public int MaxLength { get; init; } = 20;
    /// <summary>Embedding and model width.</summary>
    public int Hidden { get; init; } = 48;
    /// <summary>Attention heads.</summary>
    public int Heads { get; init; } = 2;
    /// <summary>Transformer blocks.</summary>
    public int Blocks { get; init; } = 1;
    /// <summary>Dropout on embeddings and inside the blocks.</summary>
    public double Dropout { get; init; } = 0.1;
}

/// <summary>
/// A small SASRec-style next-item model (Kang and McAuley, 2018): item + learned position embeddings, causal pre-norm
/// transformer blocks, a final LayerNorm, and scores as dot products with the item embedding table:
/// h = LN(Blocks(Drop(E[s] + P))), score(t, i) = h_t . E[i]. Trained with full softmax cross-entropy.
/// </summary>
internal sealed class NextItemModel : nn.Module<Tensor, Tensor>
{
    private readonly Embedding item_emb, pos_emb;
    private readonly TransformerStack encoder;
    private readonly LayerNorm last_norm;
    private readonly Dropout emb_dropout;
    private readonly Tensor causal;

    public NextItemModel(NextItemOptions o) : base(nameof(NextItemModel))
    {
        Options = o;
        item_emb = nn.Embedding(o.Items + 1, o.Hidden, padding_idx: 0);
        pos_emb = nn.Embedding(o.MaxLength, o.Hidden);
        encoder = new TransformerStack(o.Blocks, () => new TransformerBlock(o.Hidden, o.Heads, 2 * o.Hidden, o.Dropout, 1e-5));
        last_norm = nn.LayerNorm(o.Hidden);
        emb_dropout = nn.Dropout(o.Dropout);
        RegisterComponents();
        causal = Masks.Causal(o.MaxLength);
        register_buffer("causal", causal);
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            // Small initial embeddings (N(0, 1) is PyTorch's default, too large for dot-product scores).
            item_emb.weight!.mul_(0.1);
            pos_emb.weight!.mul_(0.1);
        }
    }

    public NextItemOptions Options { get; }

    /// <summary>seq [B, L] item ids -> hidden states [B, L, D].</summary>
    public override Tensor forward(Tensor seq)
    {
        using var scope = NewDisposeScope();
        var positions = arange(seq.size(1)).unsqueeze(0);                            // [1, L]
        var x = emb_dropout.forward(item_emb.forward(seq) + pos_emb.forward(positions)); // [B, L, D]
        var h = last_norm.forward(encoder.forward(x, causal, null));                // [B, L, D]
        return h.MoveToOuterDisposeScope();
    }

    /// <summary>seq [B, L] -> scores over every item id [B, L, Items + 1] (column 0 is padding).</summary>
    public Tensor Scores(Tensor seq)
    {
        using var scope = NewDisposeScope();
        return Shapes.MatMul(forward(seq), item_emb.weight!.t()).MoveToOuterDisposeScope();   // [B, L, V]
    }

    /// <summary>Mean cross-entropy of the next item at every position whose target is not 0.</summary>
    public Tensor Loss(Tensor seq, Tensor target)
    {
        using var scope = NewDisposeScope();
        var scores = Scores(seq);                                                    // [B, L, V]
        var v = scores.size(2);
        return nn.functional.cross_entropy(scores.reshape(-1, v), target.reshape(-1), ignore_index: 0).MoveToOuterDisposeScope();
    }
}
