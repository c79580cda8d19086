using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Modules;

/// <summary>
/// One transformer encoder block (Vaswani et al., 2017) with PyTorch's sub-module names (self_attn, linear1, dropout,
/// linear2, norm1, norm2, dropout1, dropout2).
/// Post-norm (default): x = norm1(x + SA(x)); x = norm2(x + FF(x)).
/// Pre-norm (norm_first): x = x + SA(norm1(x)); x = x + FF(norm2(x)). FF(x) = linear2(dropout(act(linear1(x)))).
/// </summary>
public sealed class TransformerEncoderLayer : nn.Module<Tensor, Tensor>
{
    public long d_model { get; }
    public long nhead { get; }
    public long dim_feedforward { get; }
    public double dropout_p { get; }
    public nn.Activations activation { get; }
    public double layer_norm_eps { get; }
    public bool batch_first { get; }
    public bool norm_first { get; }

    public MultiheadAttention self_attn { get; }
    public Linear linear1 { get; }
    public Dropout dropout { get; }
    public Linear linear2 { get; }
    public LayerNorm norm1 { get; }
    public LayerNorm norm2 { get; }
    public Dropout dropout1 { get; }
    public Dropout dropout2 { get; }

    internal TransformerEncoderLayer(long d_model, long nhead, long dim_feedforward, double dropout, nn.Activations activation,
        double layer_norm_eps, bool batch_first, bool norm_first) : base(nameof(TransformerEncoderLayer))
    {
        if (dim_feedforward <= 0) throw new ArgumentException($"TransformerEncoderLayer: dim_feedforward must be positive, got {dim_feedforward}");
        (this.d_model, this.nhead, this.dim_feedforward, dropout_p, this.activation, this.layer_norm_eps, this.batch_first, this.norm_first) =
            (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first);
        self_attn = new MultiheadAttention(d_model, nhead, dropout, bias: true, batch_first);
        linear1 = new Linear(d_model, dim_feedforward, true);
        this.dropout = new Dropout(dropout);
        linear2 = new Linear(dim_feedforward, d_model, true);
        norm1 = new LayerNorm(new[] { d_model }, layer_norm_eps, true);
        norm2 = new LayerNorm(new[] { d_model }, layer_norm_eps, true);
        dropout1 = new Dropout(dropout);
        dropout2 = new Dropout(dropout);
        RegisterComponents();
    }

    /// <summary>A new layer with the same options and a copy of this layer's parameters (dtype and device included).</summary>
    internal TransformerEncoderLayer Copy()
    {
        var copy = new TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout_p, activation, layer_norm_eps, batch_first, norm_first);
        var first = linear1.weight;
        copy.to(first.dtype).to(first.device).load_state_dict(state_dict());
        copy.train(training);
        return copy;
    }

    /// <summary>src [B, L, D] (batch_first) or [L, B, D] -> same shape.</summary>
    public override Tensor forward(Tensor src) => forward(src, null, null);

    /// <summary>src [B, L, D] (or [L, B, D]); src_mask [L, L] (true or -inf = may not attend, e.g. a causal mask);
    /// src_key_padding_mask [B, L] (true = padding) -> same shape as src.</summary>
    public Tensor forward(Tensor src, Tensor? src_mask, Tensor? src_key_padding_mask)
    {
        using var scope = NewDisposeScope();
        Tensor x = src;
        if (norm_first)
        {
            x = x + SelfAttention(norm1.forward(x), src_mask, src_key_padding_mask);  // [B, L, D]
            x = x + FeedForward(norm2.forward(x));                                   // [B, L, D]
        }
        else
        {
            x = norm1.forward(x + SelfAttention(x, src_mask, src_key_padding_mask));  // [B, L, D]
            x = norm2.forward(x + FeedForward(x));                                   // [B, L, D]
        }
        return x.MoveToOuterDisposeScope();
    }

    private Tensor SelfAttention(Tensor x, Tensor? mask, Tensor? keyPadding)
    {
        var (y, _) = self_attn.forward(x, x, x, keyPadding, need_weights: false, attn_mask: mask);  // [B, L, D]
        return dropout1.forward(y);
    }

    private Tensor FeedForward(Tensor x)
    {
        var h = linear1.forward(x);  // [B, L, F]
        h = activation == nn.Activations.GELU ? nn.functional.gelu(h) : nn.functional.relu(h);
        return dropout2.forward(linear2.forward(dropout.forward(h)));  // [B, L, D]
    }
}

/// <summary>A stack of <see cref="num_layers"/> encoder layers, each starting as a copy of the given layer (as PyTorch's
/// deep copy: all layers start with equal weights), optionally followed by a final norm. Names: layers.{i}.*, norm.*.</summary>
public sealed class TransformerEncoder : nn.Module<Tensor, Tensor>
{
    public ModuleList<TransformerEncoderLayer> layers { get; }
    public LayerNorm? norm { get; }
    public long num_layers => layers.Count;

    internal TransformerEncoder(TransformerEncoderLayer encoder_layer, long num_layers, LayerNorm? norm) : base(nameof(TransformerEncoder))
    {
        if (num_layers <= 0) throw new ArgumentException($"TransformerEncoder: num_layers must be positive, got {num_layers}");
        layers = new ModuleList<TransformerEncoderLayer>();
        for (long i = 0; i < num_layers; i++) layers.Add(encoder_layer.Copy());
        register_module(nameof(layers), layers);
        this.norm = norm;
        if (norm is not null) register_module(nameof(norm), norm);
    }

    /// <summary>src [B, L, D] -> [B, L, D].</summary>
    public override Tensor forward(Tensor src) => forward(src, null, null);

    /// <summary>src [B, L, D] (or [L, B, D]); mask [L, L]; src_key_padding_mask [B, L] -> same shape as src.</summary>
    public Tensor forward(Tensor src, Tensor? mask, Tensor? src_key_padding_mask)
    {
        using var scope = NewDisposeScope();
        var x = src;
        foreach (var layer in layers) x = layer.forward(x, mask, src_key_padding_mask);  // [B, L, D]
        if (norm is not null) x = norm.forward(x);
        return (ReferenceEquals(x, src) ? x.alias() : x).MoveToOuterDisposeScope();
    }
}
