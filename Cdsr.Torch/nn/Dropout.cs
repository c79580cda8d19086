using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Modules;

/// <summary>Inverted dropout with probability <see cref="p"/> while <c>training</c>; the identity after <c>eval()</c>.</summary>
public sealed class Dropout : nn.Module<Tensor, Tensor>
{
    public double p { get; }

    internal Dropout(double p) : base(nameof(Dropout))
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: p must be in [0, 1], got {p}");
        this.p = p;
    }

    /// <summary>[*] -> [*].</summary>
    public override Tensor forward(Tensor input) => nn.functional.dropout(input, p, training);
}

/// <summary>An element-wise activation as a module (for <see cref="Sequential"/>).</summary>
public sealed class Activation : nn.Module<Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> fn;

    internal Activation(string name, Func<Tensor, Tensor> fn) : base(name) => this.fn = fn;

    /// <summary>[*] -> [*].</summary>
    public override Tensor forward(Tensor input) => fn(input);
}
