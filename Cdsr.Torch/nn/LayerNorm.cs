using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Modules;

/// <summary>Layer normalisation over the trailing <see cref="normalized_shape"/> dims (Ba et al., 2016), with an
/// element-wise affine transform initialised to weight 1, bias 0.</summary>
public sealed class LayerNorm : nn.Module<Tensor, Tensor>
{
    public long[] normalized_shape { get; }
    public double eps { get; }
    public Parameter? weight { get; }
    public Parameter? bias { get; }

    internal LayerNorm(long[] normalized_shape, double eps, bool elementwise_affine) : base(nameof(LayerNorm))
    {
        if (normalized_shape.Length == 0 || normalized_shape.Any(s => s <= 0))
            throw new ArgumentException($"LayerNorm: normalized_shape must be non-empty and positive, got [{string.Join(", ", normalized_shape)}]");
        this.normalized_shape = (long[])normalized_shape.Clone();
        this.eps = eps;
        if (elementwise_affine)
        {
            using var scope = NewDisposeScope();
            weight = new Parameter(ones(this.normalized_shape));
            bias = new Parameter(zeros(this.normalized_shape));
            register_parameter(nameof(weight), weight);
            register_parameter(nameof(bias), bias);
        }
    }

    /// <summary>[*, normalized_shape] -> same shape.</summary>
    public override Tensor forward(Tensor input) => nn.functional.layer_norm(input, normalized_shape, weight, bias, eps);
}
