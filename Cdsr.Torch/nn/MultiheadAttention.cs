using Cdsr.Torch.Native;
using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Modules;

/// <summary>
/// Multi-head scaled dot-product attention (Vaswani et al., 2017): head_i = softmax(Q_i K_i^T / sqrt(d) + M) V_i with
/// [Q, K, V] = [q, k, v] W_in^T + b_in split into H heads of d = E / H, output = concat(head_i) W_out^T + b_out.
/// Parameters as PyTorch: in_proj_weight [3E, E] (xavier_uniform), in_proj_bias [3E] (zeros), out_proj.weight [E, E]
/// (Linear default), out_proj.bias [E] (zeros). Masks follow nn.MultiheadAttention: bool true = may NOT attend.
/// Unlike PyTorch, a query whose keys are all masked gets zero attention instead of NaN.
/// </summary>
public sealed class MultiheadAttention : nn.Module<Tensor, Tensor, Tensor, (Tensor output, Tensor? weights)>
{
    public long embed_dim { get; }
    public long num_heads { get; }
    public double dropout { get; }
    public bool batch_first { get; }
    public Parameter in_proj_weight { get; }
    public Parameter? in_proj_bias { get; }
    public Linear out_proj { get; }

    internal MultiheadAttention(long embed_dim, long num_heads, double dropout, bool bias, bool batch_first) : base(nameof(MultiheadAttention))
    {
        if (embed_dim <= 0 || num_heads <= 0 || embed_dim % num_heads != 0)
            throw new ArgumentException($"MultiheadAttention: embed_dim {embed_dim} must be a positive multiple of num_heads {num_heads}");
        if (!(dropout >= 0 && dropout <= 1)) throw new ArgumentOutOfRangeException(nameof(dropout), $"MultiheadAttention: dropout must be in [0, 1], got {dropout}");
        (this.embed_dim, this.num_heads, this.dropout, this.batch_first) = (embed_dim, num_heads, dropout, batch_first);
        using var scope = NewDisposeScope();
        in_proj_weight = new Parameter(empty(new[] { 3 * embed_dim, embed_dim }));
        nn.init.xavier_uniform_(in_proj_weight);
        register_parameter(nameof(in_proj_weight), in_proj_weight);
        if (bias)
        {
            in_proj_bias = new Parameter(zeros(3 * embed_dim));
            register_parameter(nameof(in_proj_bias), in_proj_bias);
        }
        out_proj = new Linear(embed_dim, embed_dim, bias);
        if (out_proj.bias is not null) nn.init.zeros_(out_proj.bias);
        register_module(nameof(out_proj), out_proj);
    }

    /// <summary>Self- or cross-attention without masks, returning head-averaged weights.</summary>
    public override (Tensor output, Tensor? weights) forward(Tensor query, Tensor key, Tensor value) => forward(query, key, value, null, true, null);

    /// <summary>
    /// query [B, L, E], key and value [B, S, E] when batch_first (else [L, B, E], [S, B, E]).
    /// key_padding_mask [B, S]: true = ignore that key (or a float mask added to the scores).
    /// attn_mask [L, S] or [B*H, L, S]: true = may not attend (or float, added), e.g. <c>nn.functional.causal_mask(L)</c>.
    /// Returns output [B, L, E] (or [L, B, E]) and, when need_weights, the weights [B, L, S] averaged over heads
    /// (or [B, H, L, S] when average_attn_weights is false); the weights are those before dropout.
    /// </summary>
    public (Tensor output, Tensor? weights) forward(Tensor query, Tensor key, Tensor value, Tensor? key_padding_mask, bool need_weights = true,
        Tensor? attn_mask = null, bool average_attn_weights = true)
    {
        var status = LibCdsrTorch.cdsr_nn_multi_head_attention(query.Handle, key.Handle, value.Handle, num_heads, in_proj_weight.Handle,
            LibCdsrTorch.Opt(in_proj_bias), out_proj.weight.Handle, LibCdsrTorch.Opt(out_proj.bias), LibCdsrTorch.Opt(key_padding_mask),
            LibCdsrTorch.Opt(attn_mask), dropout, training ? 1 : 0, need_weights ? 1 : 0, average_attn_weights ? 1 : 0, batch_first ? 1 : 0,
            out var output, out var weights);
        GC.KeepAlive(in_proj_bias);
        GC.KeepAlive(out_proj);
        GC.KeepAlive(key_padding_mask);
        GC.KeepAlive(attn_mask);
        LibCdsrTorch.Check(status);
        var result = (Tensor.FromNative(output), weights == IntPtr.Zero ? null : Tensor.FromNative(weights));
        if (Tracing.TraceHooks.Active)
            Tracing.TraceHooks.Record("multi_head_attention", [query, key, value, key_padding_mask, attn_mask, in_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias],
                [result.Item1, result.Item2], [num_heads, batch_first ? 1 : 0, training ? 1 : 0, need_weights ? 1 : 0, average_attn_weights ? 1 : 0], [dropout]);
        return result;
    }
}
