using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Modules;

/// <summary>A loss as a module: forward(input, target) -> the reduced loss. Optional weight tensors are held as buffers
/// (aliases of the caller's tensors, so they move with <c>to(device)</c> and the caller may dispose its own handle).</summary>
public abstract class Loss : nn.Module<Tensor, Tensor, Tensor>
{
    public nn.Reduction reduction { get; }

    protected Loss(string name, nn.Reduction reduction) : base(name) => this.reduction = reduction;

    protected Tensor? Buffer(string name, Tensor? t)
    {
        if (t is null) return null;
        var own = t.alias();
        register_buffer(name, own);
        return own;
    }
}

/// <summary>Softmax cross-entropy over logits [N, C] and class ids [N] (see <see cref="nn.functional.cross_entropy"/>).</summary>
public sealed class CrossEntropyLoss : Loss
{
    private readonly Tensor? weight;
    public long ignore_index { get; }
    public double label_smoothing { get; }

    internal CrossEntropyLoss(Tensor? weight, long ignore_index, nn.Reduction reduction, double label_smoothing) : base(nameof(CrossEntropyLoss), reduction)
    {
        this.weight = Buffer(nameof(weight), weight);
        (this.ignore_index, this.label_smoothing) = (ignore_index, label_smoothing);
    }

    /// <summary>input [N, C] logits, target [N] int64 -> scalar (or [N] with Reduction.None).</summary>
    public override Tensor forward(Tensor input, Tensor target) =>
        nn.functional.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing);
}

/// <summary>Negative log-likelihood over log-probabilities [N, C] and class ids [N].</summary>
public sealed class NLLLoss : Loss
{
    private readonly Tensor? weight;
    public long ignore_index { get; }

    internal NLLLoss(Tensor? weight, long ignore_index, nn.Reduction reduction) : base(nameof(NLLLoss), reduction)
    {
        this.weight = Buffer(nameof(weight), weight);
        this.ignore_index = ignore_index;
    }

    /// <summary>input [N, C] log-probabilities, target [N] int64 -> scalar (or [N]).</summary>
    public override Tensor forward(Tensor input, Tensor target) => nn.functional.nll_loss(input, target, weight, ignore_index, reduction);
}

/// <summary>Binary cross-entropy on logits (see <see cref="nn.functional.binary_cross_entropy_with_logits"/>).</summary>
public sealed class BCEWithLogitsLoss : Loss
{
    private readonly Tensor? weight;
    private readonly Tensor? pos_weight;

    internal BCEWithLogitsLoss(Tensor? weight, nn.Reduction reduction, Tensor? pos_weights) : base(nameof(BCEWithLogitsLoss), reduction)
    {
        this.weight = Buffer(nameof(weight), weight);
        pos_weight = Buffer(nameof(pos_weight), pos_weights);
    }

    /// <summary>input [*] logits, target [*] in [0, 1] -> scalar (or [*]).</summary>
    public override Tensor forward(Tensor input, Tensor target) => nn.functional.binary_cross_entropy_with_logits(input, target, weight, reduction, pos_weight);
}

/// <summary>Mean squared error.</summary>
public sealed class MSELoss : Loss
{
    internal MSELoss(nn.Reduction reduction) : base(nameof(MSELoss), reduction) { }

    /// <summary>input [*], target [*] -> scalar (or [*]).</summary>
    public override Tensor forward(Tensor input, Tensor target) => nn.functional.mse_loss(input, target, reduction);
}
