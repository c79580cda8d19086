using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Layers;

/// <summary>
/// Batch-first multi-head self-attention on libtorch's <c>scaled_dot_product_attention</c>, with nn.MultiheadAttention's
/// parameter names (in_proj_weight [3D, D], in_proj_bias [3D], out_proj.weight/bias) so checkpoints keep PyTorch's keys.
/// <code>
/// [Q K V] = x W_in^T + b_in                  x [B, L, D] -> three [B, H, L, D/H]
/// A       = softmax(Q K^T / sqrt(D/H) + M) V  M = -inf where a mask says "may not attend"
/// y       = concat_h(A) W_out^T + b_out       [B, L, D]
/// </code>
/// Why not TorchSharp's own nn.MultiheadAttention (0.107): it adds a bool attn_mask to the scores as 0/1 instead of
/// blocking, and a -inf float mask gives NaN for a query whose keys are all masked (a left-padded causal sequence
/// has such queries). SDPA takes a bool mask as "true = may attend" and returns zeros for a query with no allowed key;
/// <c>AttentionTests</c> fails if either behaviour changes.
/// </summary>
public sealed class MultiHeadSelfAttention : nn.Module
{
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly Linear out_proj;
    private readonly long heads;
    private readonly CounterDropout dropout;

    public MultiHeadSelfAttention(long dModel, long heads, double dropout) : base(nameof(MultiHeadSelfAttention))
    {
        if (heads < 1 || dModel % heads != 0)
            throw new ArgumentException($"attention: heads must divide the model size {dModel}, got {heads}");
        this.heads = heads;
        this.dropout = new CounterDropout(dropout);
        in_proj_weight = nn.Parameter(empty(3 * dModel, dModel));
        in_proj_bias = nn.Parameter(zeros(3 * dModel));
        out_proj = nn.Linear(dModel, dModel);
        RegisterComponents();
        using (no_grad())
        using (NewDisposeScope()) // TorchSharp's init_ functions return a second wrapper of the tensor: disposed here
        {
            nn.init.xavier_uniform_(in_proj_weight);
            out_proj.bias!.zero_();
        }
    }

    /// <summary>x [B, L, D]; blocked bool, broadcastable to [B, H, L, L], true = query may not attend to key -> [B, L, D].</summary>
    public Tensor forward(Tensor x, Tensor? blocked)
    {
        Shapes.Expect(x, 3, "attention input");
        using var scope = NewDisposeScope();
        long B = x.size(0), L = x.size(1), D = x.size(2), H = heads;
        if (D != in_proj_weight.size(1)) throw new ArgumentException($"attention: expected inputs of size {in_proj_weight.size(1)}, got [{string.Join(", ", x.shape)}]");
        var qkv = nn.functional.linear(x, in_proj_weight, in_proj_bias)     // [B, L, 3D]
            .view(B, L, 3, H, D / H).permute(2, 0, 3, 1, 4);               // [3, B, H, L, D/H]
        var a = training && dropout.P > 0
            ? DroppedAttention(qkv[0], qkv[1], qkv[2], blocked)                                              // [B, H, L, D/H]
            : nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], blocked?.logical_not()); // SDPA: true = may attend
        var merged = a.transpose(1, 2).reshape(B, L, D);                   // [B, L, D]
        return out_proj.forward(merged).MoveToOuterDisposeScope();         // [B, L, D]
    }

    /// <summary>Training with attention dropout, written out: SDPA's own dropout draws libtorch's per-element Bernoulli
    /// masks (the slow part of a training step here, see <see cref="CounterDropout"/>), so the probabilities are dropped
    /// with the counter-based mask instead. A query with no allowed key gets zero weights, as SDPA gives it.</summary>
    private Tensor DroppedAttention(Tensor q, Tensor k, Tensor v, Tensor? blocked)
    {
        var scores = Shapes.MatMul(q, k.transpose(-2, -1)) / Math.Sqrt(q.size(-1));  // [B, H, L, L]
        Tensor p;
        if (blocked is null) p = scores.softmax(-1);
        else
        {
            var dead = blocked.all(-1, keepdim: true);                                  // [.., L, 1] no allowed key
            p = scores.masked_fill(blocked, double.NegativeInfinity).masked_fill(dead, 0.0).softmax(-1).masked_fill(dead, 0.0);
        }
        return Shapes.MatMul(dropout.forward(p), v);                                   // [B, H, L, D/H]
    }
}
