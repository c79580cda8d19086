using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Serialization;

/// <summary>
/// An Adam or AdamW optimizer's state as named tensors, with PyTorch's state_dict keys (the layout the project's
/// earlier engine wrote, so its checkpoints resume):
/// <code>
/// param_groups.{g}.params        int64 [n_g]  global indices of the group's parameters
/// param_groups.{g}.{hyper}       float64 []   lr, initial_lr, weight_decay, beta1, beta2, eps, amsgrad (0/1)
/// state.{i}.step                 int64 []     steps taken for parameter i
/// state.{i}.exp_avg, exp_avg_sq  parameter i's first and second moments (max_exp_avg_sq with amsgrad)
/// </code>
/// TorchSharp 0.107 keeps this state in a <c>StateDictionary</c> with its own binary format; the moments are its
/// live tensors, so loading copies into them and a loaded optimizer steps exactly as the saved one would.
/// </summary>
public static class OptimizerStateDict
{
    /// <summary>The optimizer's state as tensors (new tensors: the caller's dispose scope owns them).</summary>
    public static Dictionary<string, Tensor> Save(optim.Optimizer optimizer)
    {
        var (groups, states) = Parts(optimizer);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        int index = 0;
        for (int g = 0; g < groups.Count; g++)
        {
            int n = groups[g].Count;
            result[$"param_groups.{g}.params"] = tensor(Enumerable.Range(index, n).Select(i => (long)i).ToArray());
            foreach (var (name, value) in Hyper(groups[g].Options))
                result[$"param_groups.{g}.{name}"] = tensor(value, ScalarType.Float64);
            index += n;
        }
        for (int i = 0; i < states.Count; i++)
        {
            var s = states[i];
            result[$"state.{i}.step"] = tensor(s.Step, ScalarType.Int64);
            result[$"state.{i}.exp_avg"] = s.ExpAvg.detach().clone();
            result[$"state.{i}.exp_avg_sq"] = s.ExpAvgSq.detach().clone();
            if (s.MaxExpAvgSq is { } m) result[$"state.{i}.max_exp_avg_sq"] = m.detach().clone();
        }
        return result;
    }

    /// <summary>Restores what <see cref="Save"/> wrote; every key, count and shape is checked before anything changes.</summary>
    /// <exception cref="ArgumentException">The state does not fit this optimizer; the message names the key.</exception>
    public static void Load(optim.Optimizer optimizer, IReadOnlyDictionary<string, Tensor> state)
    {
        var (groups, states) = Parts(optimizer);
        var used = new HashSet<string>(StringComparer.Ordinal);
        Tensor Need(string key)
        {
            if (!state.TryGetValue(key, out var t)) throw new ArgumentException($"optimizer state: missing '{key}'");
            used.Add(key);
            return t;
        }
        var hyper = new List<(Adam.Options? A, AdamW.Options? W, string Name, double Value)>();
        int index = 0;
        for (int g = 0; g < groups.Count; g++)
        {
            var ids = Need($"param_groups.{g}.params");
            if (ids.numel() != groups[g].Count)
                throw new ArgumentException($"optimizer state: group {g} has {ids.numel()} parameters, this optimizer's has {groups[g].Count}");
            foreach (var (name, _) in Hyper(groups[g].Options))
                if (state.ContainsKey($"param_groups.{g}.{name}"))
                    hyper.Add((groups[g].Options as Adam.Options, groups[g].Options as AdamW.Options, name, Need($"param_groups.{g}.{name}").item<double>()));
            index += groups[g].Count;
        }
        var copies = new List<(Slot S, long Step, Tensor Avg, Tensor Sq, Tensor? Max)>();
        for (int i = 0; i < states.Count; i++)
        {
            var s = states[i];
            long step = Need($"state.{i}.step").item<long>();
            Tensor Moment(string name)
            {
                var t = Need($"state.{i}.{name}");
                if (!t.shape.SequenceEqual(s.ExpAvg.shape))
                    throw new ArgumentException($"optimizer state: 'state.{i}.{name}' has shape [{string.Join(", ", t.shape)}], parameter {i} has [{string.Join(", ", s.ExpAvg.shape)}]");
                return t;
            }
            var max = s.MaxExpAvgSq is null ? null : Moment("max_exp_avg_sq");
            copies.Add((s, step, Moment("exp_avg"), Moment("exp_avg_sq"), max));
        }
        var unknown = state.Keys.Where(k => !used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"optimizer state: unknown key(s) {string.Join(", ", unknown.Take(5).Select(k => $"'{k}'"))}" +
                                        (unknown.Count > 5 ? $" and {unknown.Count - 5} more" : ""));
        foreach (var (a, w, name, value) in hyper) SetHyper((OptimizerOptions?)a ?? w!, name, value);
        using (no_grad())
            foreach (var (s, step, avg, sq, max) in copies)
            {
                s.SetStep(step);
                s.ExpAvg.copy_(avg);
                s.ExpAvgSq.copy_(sq);
                if (max is not null) s.MaxExpAvgSq!.copy_(max);
            }
    }

    /// <summary>One parameter's Adam/AdamW state, whichever of TorchSharp's two State classes holds it.</summary>
    private sealed record Slot(OptimizerState Raw)
    {
        public long Step => Raw switch { Adam.State a => a.step, AdamW.State w => w.step, _ => 0 };
        public Tensor ExpAvg => Raw switch { Adam.State a => a.exp_avg, AdamW.State w => w.exp_avg, _ => throw Unsupported(Raw) };
        public Tensor ExpAvgSq => Raw switch { Adam.State a => a.exp_avg_sq, AdamW.State w => w.exp_avg_sq, _ => throw Unsupported(Raw) };
        public Tensor? MaxExpAvgSq => Raw switch { Adam.State a => a.max_exp_avg_sq, AdamW.State w => w.max_exp_avg_sq, _ => null };
        public void SetStep(long step)
        {
            if (Raw is Adam.State a) a.step = step;
            else if (Raw is AdamW.State w) w.step = step;
        }
    }

    private static (List<(int Count, OptimizerOptions Options)> Groups, List<Slot> States) Parts(optim.Optimizer optimizer)
    {
        if (optimizer is not (Adam or AdamW))
            throw new NotSupportedException($"checkpoints hold Adam and AdamW state; {optimizer.GetType().Name} is not supported");
        var dict = ((OptimizerHelper)optimizer).state_dict();
        var groups = new List<(int, OptimizerOptions)>();
        var helper = (OptimizerHelper)optimizer;
        foreach (var g in helper.ParamGroups.Cast<ParamGroup>()) groups.Add((g.Parameters.Count(), g.Options));
        var states = dict.State.Select(s => new Slot(s)).ToList();
        foreach (var s in states) _ = s.ExpAvg; // throws for an unknown state type
        return (groups, states);
    }

    private static IEnumerable<(string, double)> Hyper(OptimizerOptions o)
    {
        yield return ("lr", o.LearningRate ?? 0);
        yield return ("initial_lr", o.InitialLearningRate);
        switch (o)
        {
            case Adam.Options a:
                yield return ("weight_decay", a.weight_decay ?? 0); yield return ("beta1", a.beta1 ?? 0); yield return ("beta2", a.beta2 ?? 0);
                yield return ("eps", a.eps ?? 0); yield return ("amsgrad", a.amsgrad == true ? 1 : 0);
                break;
            case AdamW.Options w:
                yield return ("weight_decay", w.weight_decay ?? 0); yield return ("beta1", w.beta1 ?? 0); yield return ("beta2", w.beta2 ?? 0);
                yield return ("eps", w.eps ?? 0); yield return ("amsgrad", w.amsgrad == true ? 1 : 0);
                break;
        }
    }

    private static void SetHyper(OptimizerOptions o, string name, double v)
    {
        switch (name)
        {
            case "lr": o.LearningRate = v; return;
            case "initial_lr": o.InitialLearningRate = v; return;
        }
        switch (o)
        {
            case Adam.Options a:
                if (name == "weight_decay") a.weight_decay = v; else if (name == "beta1") a.beta1 = v; else if (name == "beta2") a.beta2 = v;
                else if (name == "eps") a.eps = v; else if (name == "amsgrad") a.amsgrad = v != 0;
                return;
            case AdamW.Options w:
                if (name == "weight_decay") w.weight_decay = v; else if (name == "beta1") w.beta1 = v; else if (name == "beta2") w.beta2 = v;
                else if (name == "eps") w.eps = v; else if (name == "amsgrad") w.amsgrad = v != 0;
                return;
        }
    }

    private static Exception Unsupported(OptimizerState s) => new NotSupportedException($"optimizer state of type {s.GetType().Name} is not supported");
}
