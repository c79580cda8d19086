using Cdsr.Trainers.Layers;
using TorchSharp.Modules;
using Cdsr.Trainers.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Models;

/// <summary>Training objective of <see cref="Gru4Rec"/>.</summary>
public enum Gru4RecLoss
{
    /// <summary>Binary cross-entropy with one sampled negative per position (as SASRec).</summary>
    Bce = 0,
    /// <summary>Softmax cross-entropy over all items (memory grows with batch x length x items).</summary>
    CrossEntropy = 1,
}

/// <summary>Hyper-parameters of <see cref="Gru4Rec"/> (Hidasi et al., 2016; RecBole's defaults where the paper is silent;
/// embedding size fixed to 128 by CDSRNP for all compared models).</summary>
public sealed record Gru4RecOptions : ISequentialModelOptions
{
    /// <summary>Item embedding size (CDSRNP: 128).</summary>
    public int EmbeddingSize { get; init; } = 128;
    /// <summary>GRU hidden size (paper: 100; CDSRNP: 128).</summary>
    public int HiddenSize { get; init; } = 128;
    /// <summary>Stacked GRU layers (paper: 1).</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Dropout on the input embeddings (paper: 0.25 on the hidden layer; RecBole: 0.3 on embeddings).</summary>
    public double Dropout { get; init; } = 0.3;
    /// <summary>Most recent interactions the GRU reads (50, as SASRec's on Amazon data).</summary>
    public int MaxLength { get; init; } = 50;
    /// <summary>Training objective: bce (one sampled negative) or cross_entropy (all items).</summary>
    public Gru4RecLoss Loss { get; init; } = Gru4RecLoss.Bce;

    public void Validate()
    {
        if (EmbeddingSize < 1) throw new ArgumentException($"gru4rec: embedding_size must be >= 1, got {EmbeddingSize}");
        if (HiddenSize < 1) throw new ArgumentException($"gru4rec: hidden_size must be >= 1, got {HiddenSize}");
        if (Layers < 1) throw new ArgumentException($"gru4rec: layers must be >= 1, got {Layers}");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"gru4rec: dropout must be in [0, 1), got {Dropout}");
        if (MaxLength < 1) throw new ArgumentException($"gru4rec: max_length must be >= 1, got {MaxLength}");
    }
}

/// <summary>
/// GRU4Rec: session-based recommendation with recurrent neural networks (Hidasi et al., ICLR 2016), in the
/// next-item form RecBole and the CDSR papers use:
/// <code>
/// x_t = Dropout(E_{s_t})                  item embedding (padding row zero)
/// h_t = GRU(x_t, h_{t-1})                 h_0 = 0, over the left-padded sequence
/// u_t = W h_t + b                         projection back to the embedding space
/// r_t,i = u_t . E_i                       scores tied to the input embeddings
/// loss  = BCE with one sampled negative per position, or softmax cross-entropy over all items
/// </code>
/// With left padding the GRU reads zero vectors before the first item; train and evaluation pad the same way.
/// </summary>
public sealed class Gru4Rec : SequentialRecommender
{
    private readonly Embedding item_embedding;
    private readonly CounterDropout embedding_dropout;
    private readonly GRU gru;
    private readonly Linear projection;

    public Gru4Rec(Gru4RecOptions options, int itemCount) : base(nameof(Gru4Rec), itemCount, options.MaxLength)
    {
        options.Validate();
        Options = options;
        item_embedding = nn.Embedding(itemCount + 1L, options.EmbeddingSize, padding_idx: 0);
        embedding_dropout = new CounterDropout(options.Dropout);
        gru = nn.GRU(options.EmbeddingSize, options.HiddenSize, options.Layers, batchFirst: true);
        projection = nn.Linear(options.HiddenSize, options.EmbeddingSize);
        RegisterComponents();
        using (no_grad())
        using (NewDisposeScope()) // TorchSharp's init_ functions return a second wrapper of each tensor: disposed here
        {
            nn.init.xavier_normal_(item_embedding.weight!);
            item_embedding.weight!.select(0, 0).zero_();
        }
    }

    public Gru4RecOptions Options { get; }

    /// <summary>items [B, L] -> [B, L, E].</summary>
    public override Tensor Encode(Tensor items)
    {
        if (items.dim() != 2) throw new ArgumentException($"Gru4Rec.Encode: expected items [B, L], got [{string.Join(", ", items.shape)}]");
        using var scope = NewDisposeScope();
        var x = embedding_dropout.forward(item_embedding.forward(items));   // [B, L, E]
        var (output, _) = gru.forward(x);                                   // [B, L, H]
        return projection.forward(output).MoveToOuterDisposeScope();        // [B, L, E]
    }

    public override Tensor ItemEmbeddings(Tensor items) => item_embedding.forward(items);

    public override Tensor Loss(TrainBatch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = Encode(batch.Inputs);                                  // [B, L, E]
        var loss = Options.Loss == Gru4RecLoss.CrossEntropy ? NextItemCrossEntropy(hidden, batch) : NextItemBce(hidden, batch);
        return loss.MoveToOuterDisposeScope();
    }
}
