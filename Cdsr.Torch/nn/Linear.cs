using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Modules;

/// <summary>y = x W^T + b with W [out, in] and b [out]. Default init (PyTorch's): W ~ kaiming_uniform(a = sqrt 5), i.e.
/// U(-1/sqrt(in), 1/sqrt(in)), and b ~ U(-1/sqrt(in), 1/sqrt(in)).</summary>
public sealed class Linear : nn.Module<Tensor, Tensor>
{
    public Parameter weight { get; }
    public Parameter? bias { get; }
    public long in_features { get; }
    public long out_features { get; }

    internal Linear(long in_features, long out_features, bool hasBias) : base(nameof(Linear))
    {
        if (in_features <= 0 || out_features <= 0)
            throw new ArgumentException($"Linear: in_features and out_features must be positive, got {in_features} and {out_features}");
        this.in_features = in_features;
        this.out_features = out_features;
        using var scope = NewDisposeScope();
        weight = new Parameter(empty(new[] { out_features, in_features }));
        nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
        register_parameter(nameof(weight), weight);
        if (hasBias)
        {
            var bound = 1 / Math.Sqrt(in_features);
            bias = new Parameter(empty(new[] { out_features }));
            nn.init.uniform_(bias, -bound, bound);
            register_parameter(nameof(bias), bias);
        }
    }

    /// <summary>[*, in] -> [*, out].</summary>
    public override Tensor forward(Tensor input) => nn.functional.linear(input, weight, bias);
}


