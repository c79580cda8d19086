using Cdsr.Trainers.Layers;
using TorchSharp.Modules;
using Cdsr.Trainers.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Models;

/// <summary>Hyper-parameters of <see cref="SasRec"/>. Defaults follow Kang &amp; McAuley (2018) for sparse Amazon
/// data, except the embedding size, which CDSRNP (Sec. 4.2.3) fixes to 128 for every compared model.</summary>
public sealed record SasRecOptions : ISequentialModelOptions
{
    /// <summary>Embedding and hidden size d (CDSRNP: 128 for all methods; SASRec paper: 50).</summary>
    public int HiddenSize { get; init; } = 128;
    /// <summary>Number of self-attention blocks b (paper: 2).</summary>
    public int Blocks { get; init; } = 2;
    /// <summary>Attention heads per block (paper: 1).</summary>
    public int Heads { get; init; } = 1;
    /// <summary>Dropout rate on embeddings, attention and feed-forward outputs (paper: 0.5 on sparse Amazon data, 0.2 on MovieLens).</summary>
    public double Dropout { get; init; } = 0.5;
    /// <summary>Maximum sequence length n (paper: 50 for Amazon data).</summary>
    public int MaxLength { get; init; } = 50;
    /// <summary>LayerNorm epsilon (paper's code: 1e-8).</summary>
    public double LayerNormEps { get; init; } = 1e-8;

    public void Validate()
    {
        if (HiddenSize < 1) throw new ArgumentException($"sasrec: hidden_size must be >= 1, got {HiddenSize}");
        if (Blocks < 1) throw new ArgumentException($"sasrec: blocks must be >= 1, got {Blocks}");
        if (Heads < 1 || HiddenSize % Heads != 0) throw new ArgumentException($"sasrec: heads must divide hidden_size {HiddenSize}, got {Heads}");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"sasrec: dropout must be in [0, 1), got {Dropout}");
        if (MaxLength < 1) throw new ArgumentException($"sasrec: max_length must be >= 1, got {MaxLength}");
        if (!(LayerNormEps > 0)) throw new ArgumentException($"sasrec: layer_norm_eps must be > 0, got {LayerNormEps}");
    }
}

/// <summary>
/// SASRec: Self-Attentive Sequential Recommendation (Kang &amp; McAuley, ICDM 2018).
/// <code>
/// E_t   = M_{s_t} * sqrt(d) + P_t                        item embedding (shared with the output) + learned position
/// H^0   = Dropout(E) with padding positions zeroed
/// H^k   = Block(H^{k-1}), k = 1..b                       causal self-attention + point-wise FFN, pre-LayerNorm,
///                                                        residuals and dropout (the paper's Sec. III-B/C)
/// F     = LayerNorm(H^b)
/// r_t,i = F_t . M_i                                      relevance of item i after the first t items (Eq. 6)
/// loss  = -sum_t [log sigma(r_t,o_t) + log(1 - sigma(r_t,j))] over non-padding t, one sampled negative j per t (Eq. 7)
/// </code>
/// Blocks are pre-norm <see cref="TransformerBlock"/>s, ReLU and a d -> d feed-forward; keys at padding
/// positions are masked and the causal mask stops attention to later positions. Weights start Xavier-normal as the
/// reference PyTorch port does (padding row zero).
/// </summary>
public sealed class SasRec : SequentialRecommender
{
    private readonly Embedding item_embedding;
    private readonly Embedding position_embedding;
    private readonly CounterDropout embedding_dropout;
    private readonly TransformerStack encoder;
    private readonly LayerNorm final_norm;
    private readonly double scale;

    public SasRec(SasRecOptions options, int itemCount) : base(nameof(SasRec), itemCount, options.MaxLength)
    {
        options.Validate();
        Options = options;
        long d = options.HiddenSize;
        scale = Math.Sqrt(d);
        item_embedding = nn.Embedding(itemCount + 1L, d, padding_idx: 0);
        position_embedding = nn.Embedding(options.MaxLength, d);
        embedding_dropout = new CounterDropout(options.Dropout);
        encoder = new TransformerStack(options.Blocks, () => new TransformerBlock(d, options.Heads, d, options.Dropout, options.LayerNormEps));
        final_norm = nn.LayerNorm(d, options.LayerNormEps);
        RegisterComponents();
        using (no_grad())
        using (NewDisposeScope()) // TorchSharp's init_ functions return a second wrapper of each tensor: disposed here
        {
            foreach (var (name, p) in named_parameters())
                if (p.dim() == 2 && !name.Contains("norm")) nn.init.xavier_normal_(p);
            item_embedding.weight!.select(0, 0).zero_();
        }
    }

    public SasRecOptions Options { get; }

    /// <summary>items [B, L] -> [B, L, d].</summary>
    public override Tensor Encode(Tensor items)
    {
        if (items.dim() != 2 || items.size(1) != MaxLength)
            throw new ArgumentException($"SasRec.Encode: expected items [B, {MaxLength}], got [{string.Join(", ", items.shape)}]");
        using var scope = NewDisposeScope();
        long L = items.size(1);
        var padding = Masks.Padding(items);                      // [B, L] true = padding
        var keep = padding.logical_not().unsqueeze(2).to(ScalarType.Float32); // [B, L, 1]
        var positions = arange(L, device: items.device).unsqueeze(0);                               // [1, L]
        var x = item_embedding.forward(items) * scale + position_embedding.forward(positions); // [B, L, d]
        x = embedding_dropout.forward(x) * keep;                              // [B, L, d]
        var causal = Masks.Causal(L, items.device);                            // [L, L] true = may not attend
        x = encoder.forward(x, causal, padding) * keep;                       // [B, L, d]
        return final_norm.forward(x).MoveToOuterDisposeScope();               // [B, L, d]
    }

    public override Tensor ItemEmbeddings(Tensor items) => item_embedding.forward(items);

    public override Tensor Loss(TrainBatch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = Encode(batch.Inputs);                                    // [B, L, d]
        return NextItemBce(hidden, batch).MoveToOuterDisposeScope();
    }
}
