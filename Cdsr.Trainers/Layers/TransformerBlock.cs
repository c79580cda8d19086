using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Layers;

/// <summary>
/// One batch-first Transformer encoder block (Vaswani et al., 2017) with nn.TransformerEncoderLayer's sub-module
/// names (self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2), so checkpoints keep PyTorch's keys.
/// <code>
/// pre-norm (SASRec, CDSRNP):  x = x + Drop(SA(LN1(x)));  x = x + Drop(FF(LN2(x)))
/// post-norm:                  x = LN1(x + Drop(SA(x)));  x = LN2(x + Drop(FF(x)))
/// FF(x) = linear2(Drop(ReLU(linear1(x))))
/// </code>
/// TorchSharp 0.107's nn.TransformerEncoderLayer has no norm_first, batch_first or layer_norm_eps, and its attention
/// mishandles bool masks (see <see cref="MultiHeadSelfAttention"/>), hence this block.
/// </summary>
public sealed class TransformerBlock : nn.Module
{
    private readonly MultiHeadSelfAttention self_attn;
    private readonly Linear linear1;
    private readonly CounterDropout dropout;
    private readonly Linear linear2;
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm2;
    private readonly CounterDropout dropout1;
    private readonly CounterDropout dropout2;
    private readonly bool normFirst;

    public TransformerBlock(long dModel, long heads, long feedForward, double dropoutRate, double layerNormEps, bool normFirst = true)
        : base(nameof(TransformerBlock))
    {
        if (feedForward < 1) throw new ArgumentException($"transformer block: feed-forward size must be >= 1, got {feedForward}");
        this.normFirst = normFirst;
        self_attn = new MultiHeadSelfAttention(dModel, heads, dropoutRate);
        linear1 = nn.Linear(dModel, feedForward);
        dropout = new CounterDropout(dropoutRate);
        linear2 = nn.Linear(feedForward, dModel);
        norm1 = nn.LayerNorm(dModel, layerNormEps);
        norm2 = nn.LayerNorm(dModel, layerNormEps);
        dropout1 = new CounterDropout(dropoutRate);
        dropout2 = new CounterDropout(dropoutRate);
        RegisterComponents();
    }

    /// <summary>x [B, L, D]; blocked bool broadcastable to [B, H, L, L] (true = may not attend) -> [B, L, D].</summary>
    public Tensor forward(Tensor x, Tensor? blocked)
    {
        using var scope = NewDisposeScope();
        if (normFirst)
        {
            x = x + dropout1.forward(self_attn.forward(norm1.forward(x), blocked)); // [B, L, D]
            x = x + dropout2.forward(FeedForward(norm2.forward(x)));             // [B, L, D]
        }
        else
        {
            x = norm1.forward(x + dropout1.forward(self_attn.forward(x, blocked)));
            x = norm2.forward(x + dropout2.forward(FeedForward(x)));
        }
        return x.MoveToOuterDisposeScope();
    }

    private Tensor FeedForward(Tensor x) => linear2.forward(dropout.forward(nn.functional.relu(linear1.forward(x)))); // [B, L, D]
}

/// <summary>
/// A stack of <see cref="TransformerBlock"/>s (names layers.{i}.*), every block starting with the first one's weights
/// as PyTorch's nn.TransformerEncoder deep-copies its layer.
/// </summary>
public sealed class TransformerStack : nn.Module
{
    private readonly ModuleList<TransformerBlock> layers;

    public TransformerStack(int count, Func<TransformerBlock> block) : base(nameof(TransformerStack))
    {
        if (count < 1) throw new ArgumentException($"transformer stack: at least one block, got {count}");
        layers = new ModuleList<TransformerBlock>();
        for (int i = 0; i < count; i++) layers.Add(block());
        RegisterComponents();
        using (no_grad())
        {
            var first = layers[0].state_dict();
            for (int i = 1; i < count; i++) layers[i].load_state_dict(first);
        }
    }

    public int Count => layers.Count;

    /// <summary>x [B, L, D]; causal bool [L, L] (true = later position) or null; padding bool [B, L] (true = padding key)
    /// or null -> [B, L, D].</summary>
    public Tensor forward(Tensor x, Tensor? causal, Tensor? padding)
    {
        using var scope = NewDisposeScope();
        Tensor? blocked = (causal, padding) switch
        {
            (null, null) => null,
            (_, null) => causal,                                              // [L, L]
            (null, _) => padding!.unsqueeze(1).unsqueeze(2),                  // [B, 1, 1, L]
            _ => causal!.logical_or(padding!.unsqueeze(1).unsqueeze(2)),      // [B, 1, L, L]
        };
        foreach (var layer in layers) x = layer.forward(x, blocked);           // [B, L, D]
        return x.MoveToOuterDisposeScope();
    }
}
