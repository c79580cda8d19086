using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Optimizers;

/// <summary>Hyper-parameters of one Adam/AdamW parameter group.</summary>
public sealed class AdamParamGroup : ParamGroup
{
    public AdamParamGroup(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weight_decay = 0, bool amsgrad = false) : base(parameters, lr)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weight_decay;
        AmsGrad = amsgrad;
    }

    /// <summary>Decay of the running mean of gradients.</summary>
    public double Beta1 { get; set; }

    /// <summary>Decay of the running mean of squared gradients.</summary>
    public double Beta2 { get; set; }

    /// <summary>Added to the denominator for numerical stability.</summary>
    public double Eps { get; set; }

    /// <summary>Use the running maximum of the second moment (AMSGrad).</summary>
    public bool AmsGrad { get; set; }

    internal override IEnumerable<KeyValuePair<string, double>> Hyperparameters()
    {
        foreach (var kv in base.Hyperparameters()) yield return kv;
        yield return new("beta1", Beta1);
        yield return new("beta2", Beta2);
        yield return new("eps", Eps);
        yield return new("amsgrad", AmsGrad ? 1 : 0);
    }

    internal override bool SetHyperparameter(string name, double value)
    {
        switch (name)
        {
            case "beta1": Beta1 = value; return true;
            case "beta2": Beta2 = value; return true;
            case "eps": Eps = value; return true;
            case "amsgrad": AmsGrad = value != 0; return true;
            default: return base.SetHyperparameter(name, value);
        }
    }

    internal override void Validate()
    {
        base.Validate();
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentException($"invalid beta1 {Beta1}: expected 0 <= beta1 < 1");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException($"invalid beta2 {Beta2}: expected 0 <= beta2 < 1");
        if (!(Eps >= 0)) throw new ArgumentException($"invalid eps {Eps}: expected >= 0");
    }
}

/// <summary>
/// Adam (Kingma and Ba, 2015) with PyTorch's update: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
/// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps). Weight decay adds weight_decay * p to g
/// (an L2 penalty); <see cref="AdamW"/> decays the weights directly instead.
/// </summary>
public class Adam : Optimizer
{
    private static readonly string[] Slots = { "exp_avg", "exp_avg_sq", "max_exp_avg_sq" };

    public Adam(IEnumerable<AdamParamGroup> groups) : base(groups) { }

    private protected override string[] SlotNames => Slots;

    /// <summary>True for AdamW's decoupled weight decay.</summary>
    private protected virtual bool Decoupled => false;

    private protected override void CheckGroupType(ParamGroup group)
    {
        if (group is not AdamParamGroup)
            throw new ArgumentException($"{GetType().Name} takes AdamParamGroup groups, got {group.GetType().Name}");
    }

    private protected override unsafe int NativeStep(ParamGroup group, IntPtr* parameters, IntPtr*[] slots, long* steps, int n)
    {
        var g = (AdamParamGroup)group;
        g.Validate();
        return Native.LibCdsrTorch.cdsr_optim_adam_step(parameters, slots[0], slots[1], slots[2], steps, n,
            g.LearningRate, g.Beta1, g.Beta2, g.Eps, g.WeightDecay, Decoupled ? 1 : 0, g.AmsGrad ? 1 : 0);
    }
}

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay, p *= 1 - lr * weight_decay before the
/// Adam update. PyTorch's default weight_decay for AdamW is 0.01.
/// </summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<AdamParamGroup> groups) : base(groups) { }

    private protected override bool Decoupled => true;
}
