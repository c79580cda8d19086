using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Optimizers;

/// <summary>Hyper-parameters of one SGD parameter group.</summary>
public sealed class SGDParamGroup : ParamGroup
{
    public SGDParamGroup(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
        double weight_decay = 0, bool nesterov = false) : base(parameters, lr)
    {
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weight_decay;
        Nesterov = nesterov;
    }

    public double Momentum { get; set; }

    /// <summary>Fraction of the new gradient withheld from the momentum buffer.</summary>
    public double Dampening { get; set; }

    public bool Nesterov { get; set; }

    internal override IEnumerable<KeyValuePair<string, double>> Hyperparameters()
    {
        foreach (var kv in base.Hyperparameters()) yield return kv;
        yield return new("momentum", Momentum);
        yield return new("dampening", Dampening);
        yield return new("nesterov", Nesterov ? 1 : 0);
    }

    internal override bool SetHyperparameter(string name, double value)
    {
        switch (name)
        {
            case "momentum": Momentum = value; return true;
            case "dampening": Dampening = value; return true;
            case "nesterov": Nesterov = value != 0; return true;
            default: return base.SetHyperparameter(name, value);
        }
    }

    internal override void Validate()
    {
        base.Validate();
        if (!(Momentum >= 0)) throw new ArgumentException($"invalid momentum {Momentum}: expected >= 0");
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
            throw new ArgumentException($"Nesterov momentum requires momentum > 0 and dampening 0 (got momentum {Momentum}, dampening {Dampening})");
    }
}

/// <summary>
/// Stochastic gradient descent with PyTorch's momentum: d = g + weight_decay p; b = d at the first step, then
/// b = momentum b + (1 - dampening) d; the step direction is b (or d + momentum b with Nesterov); p -= lr * direction.
/// </summary>
public sealed class SGD : Optimizer
{
    private static readonly string[] Slots = { "momentum_buffer" };

    public SGD(IEnumerable<SGDParamGroup> groups) : base(groups) { }

    private protected override string[] SlotNames => Slots;

    private protected override void CheckGroupType(ParamGroup group)
    {
        if (group is not SGDParamGroup)
            throw new ArgumentException($"SGD takes SGDParamGroup groups, got {group.GetType().Name}");
    }

    private protected override unsafe int NativeStep(ParamGroup group, IntPtr* parameters, IntPtr*[] slots, long* steps, int n)
    {
        var g = (SGDParamGroup)group;
        g.Validate();
        return Native.LibCdsrTorch.cdsr_optim_sgd_step(parameters, slots[0], steps, n, g.LearningRate, g.Momentum, g.Dampening,
            g.WeightDecay, g.Nesterov ? 1 : 0);
    }
}
