using Cdsr.Trainers.Data;
using Cdsr.Trainers.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Models;

/// <summary>Options of a single-sequence model: every hyper-parameter with its paper default.</summary>
public interface ISequentialModelOptions
{
    /// <summary>Most recent interactions the model reads (the positional table size for attention models).</summary>
    int MaxLength { get; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    void Validate();
}

/// <summary>
/// The contract every sequential recommender of Cdsr.Trainers follows (RecBole's shape):
/// <list type="bullet">
/// <item><see cref="Encode"/>: item ids [B, L] (left-padded, 0 = padding, most recent last) -> hidden states [B, L, D];
/// position t summarises the items up to t.</item>
/// <item><see cref="Loss"/>: a scalar training loss on a <see cref="TrainBatch"/>.</item>
/// <item><see cref="Score"/>: histories [B, L] and candidates [B, C] (per-row, sampled ranking) or [C] (shared,
/// full ranking) -> scores [B, C], higher = more likely next. Pure tensor code with no host round trip, so it serves
/// sampled and full-ranking evaluation alike and can be exported.</item>
/// </list>
/// Item ids are the dataset's shared ids (1..<see cref="ItemCount"/>).
/// </summary>
public abstract class SequentialRecommender : nn.Module
{
    protected SequentialRecommender(string name, int itemCount, int maxLength) : base(name)
    {
        if (itemCount < 1) throw new ArgumentOutOfRangeException(nameof(itemCount), $"{name}: item count must be >= 1, got {itemCount}");
        ItemCount = itemCount;
        MaxLength = maxLength;
    }

    /// <summary>Largest item id; the embedding tables have ItemCount + 1 rows (row 0 = padding).</summary>
    public int ItemCount { get; }

    /// <summary>Length L of the histories the model reads.</summary>
    public int MaxLength { get; }

    /// <summary>items [B, L] int64 -> hidden states [B, L, D].</summary>
    public abstract Tensor Encode(Tensor items);

    /// <summary>Output-side embeddings of item ids: [*] -> [*, D].</summary>
    public abstract Tensor ItemEmbeddings(Tensor items);

    /// <summary>Scalar training loss of one batch.</summary>
    public abstract Tensor Loss(TrainBatch batch);

    /// <summary>histories [B, L]; candidates [B, C] or [C] -> scores [B, C] (dot product of the last hidden state with
    /// the candidates' output embeddings).</summary>
    public virtual Tensor Score(Tensor histories, Tensor candidates)
    {
        if (histories.dim() != 2) throw new ArgumentException($"{GetName()}.Score: histories must be [B, L], got [{string.Join(", ", histories.shape)}]");
        using var scope = NewDisposeScope();
        var hidden = Encode(histories);                                   // [B, L, D]
        var user = hidden.select(1, hidden.size(1) - 1);                  // [B, D]
        if (candidates.dim() is not (1 or 2))
            throw new ArgumentException($"{GetName()}.Score: candidates must be [B, C] or [C], got [{string.Join(", ", candidates.shape)}]");
        Tensor scores;
        if (candidates.dim() == 1)
            scores = Shapes.MatMul(user, ItemEmbeddings(candidates).t());        // [B, C]
        else if (candidates.numel() > ItemCount + 1L)
        {
            // More per-row candidates than items (sampled evaluation: 256 x 1000 against ~28k items): score every item
            // once with one GEMM and pick each row's candidates, instead of gathering a [B, C, D] copy of embeddings.
            var all = ItemEmbeddings(arange(ItemCount + 1L));             // [N+1, D]
            scores = Shapes.MatMul(user, all.t()).gather(1, candidates);          // [B, N+1] -> [B, C]
        }
        else
            scores = ItemEmbeddings(candidates).bmm(user.unsqueeze(2)).squeeze(2); // [B, C, D] x [B, D, 1] -> [B, C]
        return scores.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Binary cross-entropy with one sampled negative per position (SASRec's objective):
    /// -sum_{t: pos_t != 0} [log sigma(h_t . e_pos) + log(1 - sigma(h_t . e_neg))] / #targets.
    /// </summary>
    protected Tensor NextItemBce(Tensor hidden, TrainBatch batch)
    {
        using var scope = NewDisposeScope();
        var pos = (hidden * ItemEmbeddings(batch.Positives)).sum(-1);    // [B, L]
        var neg = (hidden * ItemEmbeddings(batch.Negatives)).sum(-1);    // [B, L]
        var mask = batch.Positives.ne(0.0).to(ScalarType.Float32);      // [B, L]
        var count = mask.sum().clamp_min(1.0);
        var lossPos = nn.functional.binary_cross_entropy_with_logits(pos, ones(mask.shape), mask, nn.Reduction.Sum);
        var lossNeg = nn.functional.binary_cross_entropy_with_logits(neg, zeros(mask.shape), mask, nn.Reduction.Sum);
        return ((lossPos + lossNeg) / count).MoveToOuterDisposeScope();
    }

    /// <summary>Softmax cross-entropy over all items at every target position (GRU4Rec's CE variant):
    /// logits [B*L, ItemCount + 1] against the next item, padding targets ignored. Memory grows with B * L * items.</summary>
    protected Tensor NextItemCrossEntropy(Tensor hidden, TrainBatch batch)
    {
        using var scope = NewDisposeScope();
        long d = hidden.size(2);
        var all = ItemEmbeddings(arange(ItemCount + 1L));               // [N+1, D]
        var logits = Shapes.MatMul(hidden.reshape(-1, d), all.t());             // [B*L, N+1]
        var target = batch.Positives.reshape(-1);                       // [B*L]
        return nn.functional.cross_entropy(logits, target, ignore_index: 0).MoveToOuterDisposeScope();
    }
}
