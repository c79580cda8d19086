namespace Cdsr.Torch.Optimizers;

/// <summary>
/// Sets each parameter group's learning rate to InitialLearningRate * factor(epoch). The factor is a closed form
/// of the epoch count, so a resumed run that restores <see cref="last_epoch"/> gets bit-identical rates.
/// Construction applies epoch 0 (as PyTorch does); call <see cref="step"/> after each epoch (or batch).
/// </summary>
public abstract class LRScheduler
{
    private int lastEpoch;

    private protected LRScheduler(Optimizer optimizer)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        foreach (var g in optimizer.ParamGroups) g.InitialLearningRate = g.LearningRate;
    }

    public Optimizer Optimizer { get; }

    /// <summary>Number of <see cref="step"/> calls since construction; setting it applies that epoch's rates.</summary>
    public int last_epoch
    {
        get => lastEpoch;
        set
        {
            if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), value, "last_epoch must be >= 0");
            lastEpoch = value;
            Apply();
        }
    }

    /// <summary>Advances one epoch and sets the groups' learning rates.</summary>
    public void step() => last_epoch = lastEpoch + 1;

    /// <summary>The learning rate of each group after the last step.</summary>
    public IReadOnlyList<double> get_last_lr() => Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();

    /// <summary>Multiplier of the initial learning rate at <paramref name="epoch"/>.</summary>
    protected abstract double Factor(int epoch);

    private protected void Apply()
    {
        var f = Factor(lastEpoch);
        if (!(f >= 0) || double.IsInfinity(f))
            throw new InvalidOperationException($"{GetType().Name}: learning-rate factor at epoch {lastEpoch} is {f}, expected a finite value >= 0");
        foreach (var g in Optimizer.ParamGroups) g.LearningRate = g.InitialLearningRate * f;
    }
}

/// <summary>Multiplies the rate by gamma every step_size epochs: factor = gamma^(epoch / step_size).</summary>
public sealed class StepLR : LRScheduler
{
    private readonly int stepSize;
    private readonly double gamma;

    public StepLR(Optimizer optimizer, int step_size, double gamma = 0.1) : base(optimizer)
    {
        if (step_size <= 0) throw new ArgumentOutOfRangeException(nameof(step_size), step_size, "step_size must be > 0");
        if (!(gamma >= 0)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be >= 0");
        stepSize = step_size;
        this.gamma = gamma;
        Apply();
    }

    protected override double Factor(int epoch) => Math.Pow(gamma, epoch / stepSize);
}

/// <summary>factor = lr_lambda(epoch), e.g. a warm-up: <c>e => Math.Min(1.0, (e + 1) / 100.0)</c>.</summary>
public sealed class LambdaLR : LRScheduler
{
    private readonly Func<int, double> lambda;

    public LambdaLR(Optimizer optimizer, Func<int, double> lr_lambda) : base(optimizer)
    {
        lambda = lr_lambda ?? throw new ArgumentNullException(nameof(lr_lambda));
        Apply();
    }

    protected override double Factor(int epoch) => lambda(epoch);
}

/// <summary>
/// Linear warm-up (or decay): the factor moves linearly from start_factor to end_factor over total_iters epochs,
/// then stays at end_factor (PyTorch's LinearLR).
/// </summary>
public sealed class LinearLR : LRScheduler
{
    private readonly double start, end;
    private readonly int total;

    public LinearLR(Optimizer optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, int total_iters = 5) : base(optimizer)
    {
        if (!(start_factor > 0 && start_factor <= 1)) throw new ArgumentOutOfRangeException(nameof(start_factor), start_factor, "start_factor must be in (0, 1]");
        if (!(end_factor >= 0 && end_factor <= 1)) throw new ArgumentOutOfRangeException(nameof(end_factor), end_factor, "end_factor must be in [0, 1]");
        if (total_iters <= 0) throw new ArgumentOutOfRangeException(nameof(total_iters), total_iters, "total_iters must be > 0");
        start = start_factor;
        end = end_factor;
        total = total_iters;
        Apply();
    }

    protected override double Factor(int epoch) => start + (end - start) * Math.Min(epoch, total) / total;
}

