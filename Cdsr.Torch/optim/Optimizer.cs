using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Optimizers;

/// <summary>
/// A set of parameters optimised with the same hyper-parameters (PyTorch's param_groups entry). The
/// learning rate may be changed between steps, by hand or by a scheduler from <c>torch.optim.lr_scheduler</c>.
/// </summary>
public class ParamGroup
{
    public ParamGroup(IEnumerable<Tensor> parameters, double lr)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToList();
        if (Parameters.Any(p => p is null)) throw new ArgumentException("a parameter group contains a null parameter", nameof(parameters));
        LearningRate = lr;
        InitialLearningRate = lr;
    }

    /// <summary>The tensors this group updates (borrowed: the optimizer never disposes them).</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The learning rate the next <c>step()</c> uses.</summary>
    public double LearningRate { get; set; }

    /// <summary>The learning rate a scheduler scales (PyTorch's initial_lr); set when the group is made.</summary>
    public double InitialLearningRate { get; set; }

    /// <summary>Weight decay (L2 penalty for Adam and SGD, decoupled decay for AdamW).</summary>
    public double WeightDecay { get; set; }

    /// <summary>The group's numeric hyper-parameters by name, for state_dict.</summary>
    internal virtual IEnumerable<KeyValuePair<string, double>> Hyperparameters()
    {
        yield return new("lr", LearningRate);
        yield return new("initial_lr", InitialLearningRate);
        yield return new("weight_decay", WeightDecay);
    }

    /// <summary>Sets one hyper-parameter by the name <see cref="Hyperparameters"/> gives it; false if unknown.</summary>
    internal virtual bool SetHyperparameter(string name, double value)
    {
        switch (name)
        {
            case "lr": LearningRate = value; return true;
            case "initial_lr": InitialLearningRate = value; return true;
            case "weight_decay": WeightDecay = value; return true;
            default: return false;
        }
    }

    internal virtual void Validate()
    {
        if (!(LearningRate >= 0)) throw new ArgumentException($"invalid learning rate {LearningRate}: expected >= 0");
        if (!(WeightDecay >= 0)) throw new ArgumentException($"invalid weight_decay {WeightDecay}: expected >= 0");
    }
}

/// <summary>
/// Base of the optimizers in <c>torch.optim</c>. Holds the parameter groups and, per parameter, its step count
/// and state tensors (owned by the optimizer: <see cref="Dispose"/> releases them). Updates run natively, one call
/// per group and step, under no-grad. State tensors are never registered with a dispose scope, so a training step
/// inside <c>torch.NewDisposeScope()</c> does not release them.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<ParamGroup> groups = new();
    // Per group, per parameter: the state (index-aligned with the group's Parameters).
    private readonly List<ParamState[]> states = new();
    private bool disposed;

    /// <summary>Names of the per-parameter state tensors, in the order the native update takes them.</summary>
    private protected abstract string[] SlotNames { get; }

    private protected sealed class ParamState
    {
        public long Step;
        public Tensor?[] Slots = Array.Empty<Tensor?>();
    }

    private protected Optimizer(IEnumerable<ParamGroup> paramGroups)
    {
        ArgumentNullException.ThrowIfNull(paramGroups);
        foreach (var g in paramGroups) add_param_group(g);
        if (groups.Count == 0) throw new ArgumentException("an optimizer needs at least one parameter group", nameof(paramGroups));
    }

    /// <summary>The parameter groups, in the order they were added.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => groups;

    /// <summary>The first group's learning rate; setting it sets every group's.</summary>
    public double lr
    {
        get => groups[0].LearningRate;
        set
        {
            if (!(value >= 0)) throw new ArgumentOutOfRangeException(nameof(value), value, "learning rate must be >= 0");
            foreach (var g in groups) g.LearningRate = value;
        }
    }

    /// <summary>Adds a group. A tensor may belong to only one group of an optimizer.</summary>
    public void add_param_group(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        ObjectDisposedException.ThrowIf(disposed, this);
        CheckGroupType(group);
        group.Validate();
        var seen = new HashSet<Tensor>(groups.SelectMany(g => g.Parameters), ReferenceEqualityComparer.Instance);
        foreach (var p in group.Parameters)
            if (!seen.Add(p)) throw new ArgumentException("a parameter appears more than once among the optimizer's parameter groups");
        groups.Add(group);
        states.Add(group.Parameters.Select(_ => new ParamState { Slots = new Tensor?[SlotNames.Length] }).ToArray());
    }

    private protected abstract void CheckGroupType(ParamGroup group);

    /// <summary>Number of updates parameter <paramref name="index"/> (over all groups, in order) has received.</summary>
    public long StepCount(int index) => StateAt(index).Step;

    private ParamState StateAt(int index)
    {
        foreach (var s in states)
        {
            if (index < s.Length) return s[index];
            index -= s.Length;
        }
        throw new ArgumentOutOfRangeException(nameof(index), "no parameter with this index");
    }

    /// <summary>Clears every parameter's gradient: dropped (the default, freeing memory) or filled with zeros.</summary>
    public unsafe void zero_grad(bool set_to_none = true)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        foreach (var g in groups)
        {
            var handles = HandlesOf(g.Parameters);
            fixed (IntPtr* p = handles) LibCdsrTorchCheck(Native.LibCdsrTorch.cdsr_optim_zero_grad(p, handles.Length, set_to_none ? 1 : 0));
            GC.KeepAlive(g);
        }
    }

    /// <summary>Updates every parameter that has a gradient, one fused native call per group.</summary>
    public void step()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        for (var i = 0; i < groups.Count; i++) StepGroup(groups[i], states[i]);
    }

    /// <summary>Runs the group's update natively. <paramref name="slots"/>[k][i] is slot k of parameter i.</summary>
    private protected abstract unsafe int NativeStep(ParamGroup group, IntPtr* parameters, IntPtr*[] slots, long* steps, int n);

    private unsafe void StepGroup(ParamGroup group, ParamState[] state)
    {
        var n = group.Parameters.Count;
        if (n == 0) return;
        var handles = HandlesOf(group.Parameters);
        var slotCount = SlotNames.Length;
        var slotHandles = new IntPtr[slotCount][];
        for (var k = 0; k < slotCount; k++)
        {
            slotHandles[k] = new IntPtr[n];
            for (var i = 0; i < n; i++) slotHandles[k][i] = state[i].Slots[k]?.Handle.DangerousGetHandle() ?? IntPtr.Zero;
        }
        var steps = new long[n];
        for (var i = 0; i < n; i++) steps[i] = state[i].Step;

        int status;
        var pins = new System.Runtime.InteropServices.GCHandle[slotCount];
        try
        {
            var slotPtrs = new IntPtr*[slotCount];
            for (var k = 0; k < slotCount; k++)
            {
                pins[k] = System.Runtime.InteropServices.GCHandle.Alloc(slotHandles[k], System.Runtime.InteropServices.GCHandleType.Pinned);
                slotPtrs[k] = (IntPtr*)pins[k].AddrOfPinnedObject();
            }
            fixed (IntPtr* p = handles)
            fixed (long* s = steps)
                status = NativeStep(group, p, slotPtrs, s, n);
        }
        finally
        {
            foreach (var pin in pins)
                if (pin.IsAllocated) pin.Free();
        }
        // Adopt the state tensors the call created, whether it succeeded or not (a failure part-way may have made some).
        for (var k = 0; k < slotCount; k++)
            for (var i = 0; i < n; i++)
                if (state[i].Slots[k] is null && slotHandles[k][i] != IntPtr.Zero)
                    state[i].Slots[k] = Tensor.FromNative(slotHandles[k][i]).DetachFromDisposeScope();
        for (var i = 0; i < n; i++) state[i].Step = steps[i];
        GC.KeepAlive(group);
        GC.KeepAlive(state);
        LibCdsrTorchCheck(status);
    }

    private static IntPtr[] HandlesOf(IReadOnlyList<Tensor> parameters)
    {
        var h = new IntPtr[parameters.Count];
        for (var i = 0; i < h.Length; i++) h[i] = parameters[i].Handle.DangerousGetHandle();
        return h;
    }

    private static void LibCdsrTorchCheck(int status) => Native.LibCdsrTorch.Check(status);

    // ---- state dict ----
    // Flat names, so that the dictionary can be written to a safetensors file as it is:
    //   param_groups.{g}.params       int64 [n_g]  global indices of the group's parameters
    //   param_groups.{g}.{hyper}      float64 []   lr, initial_lr, weight_decay and the optimizer's own
    //   state.{i}.step                int64 []     updates parameter i has received
    //   state.{i}.{slot}              like parameter i: exp_avg, exp_avg_sq, momentum_buffer, ... (absent until made)
    // i counts parameters over all groups in order (PyTorch's convention).

    /// <summary>Copies of the optimizer's hyper-parameters and state (the caller owns the tensors).</summary>
    public Dictionary<string, Tensor> state_dict()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var index = 0;
        for (var g = 0; g < groups.Count; g++)
        {
            var n = groups[g].Parameters.Count;
            result[$"param_groups.{g}.params"] = tensor(Enumerable.Range(index, n).Select(i => (long)i).ToArray());
            foreach (var (name, value) in groups[g].Hyperparameters())
                result[$"param_groups.{g}.{name}"] = tensor(value, ScalarType.Float64);
            for (var i = 0; i < n; i++, index++)
            {
                var s = states[g][i];
                result[$"state.{index}.step"] = tensor(s.Step, ScalarType.Int64);
                for (var k = 0; k < SlotNames.Length; k++)
                    if (s.Slots[k] is { } slot) result[$"state.{index}.{SlotNames[k]}"] = slot.clone();
            }
        }
        return result;
    }

    /// <summary>
    /// Restores hyper-parameters and state saved by <see cref="state_dict"/> from an optimizer of the same kind over
    /// parameters of the same shapes. Every key must be known and every tensor must fit; on any mismatch this
    /// throws before changing anything. The tensors are copied (to each parameter's dtype and device).
    /// </summary>
    public void load_state_dict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        ObjectDisposedException.ThrowIf(disposed, this);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var hyper = new List<(ParamGroup Group, string Name, double Value)>();
        var newSteps = new List<(ParamState State, long Step)>();
        var newSlots = new List<(ParamState State, int Slot, Tensor Source, Tensor Param)>();
        Tensor Need(string key)
        {
            if (!stateDict.TryGetValue(key, out var t)) throw new ArgumentException($"optimizer state_dict: missing '{key}'");
            used.Add(key);
            return t;
        }

        var index = 0;
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var ids = Need($"param_groups.{g}.params");
            if (ids.numel() != group.Parameters.Count)
                throw new ArgumentException($"optimizer state_dict: group {g} has {ids.numel()} parameters, this optimizer's has {group.Parameters.Count}");
            foreach (var (name, _) in group.Hyperparameters())
                hyper.Add((group, name, Need($"param_groups.{g}.{name}").item<double>()));
            for (var i = 0; i < group.Parameters.Count; i++, index++)
            {
                var p = group.Parameters[i];
                newSteps.Add((states[g][i], Need($"state.{index}.step").item<long>()));
                for (var k = 0; k < SlotNames.Length; k++)
                {
                    var key = $"state.{index}.{SlotNames[k]}";
                    if (!stateDict.TryGetValue(key, out var src)) continue;
                    used.Add(key);
                    if (!src.shape.SequenceEqual(p.shape))
                        throw new ArgumentException($"optimizer state_dict: '{key}' has shape [{string.Join(", ", src.shape)}], parameter {index} has [{string.Join(", ", p.shape)}]");
                    newSlots.Add((states[g][i], k, src, p));
                }
            }
        }
        var unknown = stateDict.Keys.Where(k => !used.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"optimizer state_dict: unknown key(s) {string.Join(", ", unknown.Take(5).Select(k => $"'{k}'"))}" +
                                        (unknown.Count > 5 ? $" and {unknown.Count - 5} more" : ""));

        // Everything fits: apply.
        foreach (var (group, name, value) in hyper) group.SetHyperparameter(name, value);
        foreach (var (state, step) in newSteps) state.Step = step;
        foreach (var s in states.SelectMany(x => x))
            for (var k = 0; k < s.Slots.Length; k++)
            {
                s.Slots[k]?.Dispose();
                s.Slots[k] = null;
            }
        foreach (var (state, slot, src, p) in newSlots)
        {
            using var typed = src.to(p.dtype);
            using var moved = typed.to(p.device);
            state.Slots[slot] = moved.clone().DetachFromDisposeScope();
        }
    }

    /// <summary>Releases the state tensors. The parameters are not touched.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var s in states.SelectMany(x => x))
            foreach (var t in s.Slots) t?.Dispose();
        GC.SuppressFinalize(this);
    }
}
