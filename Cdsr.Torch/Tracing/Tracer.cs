using System.Diagnostics;
using System.Runtime.CompilerServices;
using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Tracing;

/// <summary>
/// Records a module's forward pass as a <see cref="TraceGraph"/> (what <c>torch.jit.trace</c> / <c>torch.onnx.export</c>
/// do), so an exporter can rebuild the computation elsewhere without a second copy of the model's code.
/// <para>
/// How it works: while <see cref="Trace"/> runs the forward on this thread, every binding op that has a record hook
/// (element-wise math, matmul, shape and index ops, linear, layer_norm, embedding, dropout, multi-head attention, GRU,
/// ...) reports its op name, its tensor inputs, its non-tensor arguments and its outputs. A tensor input is a graph
/// input (passed in), a parameter (matched by object identity against the module's named parameters and buffers),
/// an earlier op's output, or else a constant whose value is frozen into the graph (e.g. <c>arange(L)</c>). Ops whose
/// inputs are all constants are not recorded: their results are constants (constant folding for free).
/// </para>
/// <para>
/// Safety net: a tensor created from traced values by an op WITHOUT a hook is remembered together with the name of the
/// method that created it; using it later in a recorded op or as an output raises <see cref="TraceException"/>
/// ("op 'Tensor.flip' has no tracing hook ..."), so an unmapped op is never silently frozen into a constant.
/// Host reads of traced values (<c>item</c>, <c>data</c>) are caught the same way when their result flows back into
/// a tensor. In-place ops on traced values are not recorded; scoring code must not use them.
/// </para>
/// <para>
/// Cost when no trace is active: one read of a static field and a branch per op (the hooks are inlined).
/// </para>
/// </summary>
public sealed class Tracer
{
    /// <summary>Number of traces active in the process; the hooks' fast path reads only this.</summary>
    internal static int activeCount;

    [ThreadStatic] private static Tracer? current;

    private readonly Dictionary<Tensor, int> ids = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, string> parameterNames = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, string> untracked = new(ReferenceEqualityComparer.Instance);
    private readonly List<TraceValue> values = new();
    private readonly List<TraceNode> nodes = new();
    private readonly List<Tensor> pendingUses = new();
    private readonly HashSet<string> usedNames = new(StringComparer.Ordinal);
    private bool lastEventWasCreation;
    private string? chainProducer;
    private int suspended;

    private Tracer() { }

    /// <summary>Ops that return their input unchanged (as values): recorded as aliases, no node.</summary>
    private static readonly HashSet<string> IdentityOps = new(StringComparer.Ordinal) { "alias", "contiguous", "clone", "detach" };

    /// <summary>
    /// Runs <paramref name="forward"/> on the example <paramref name="inputs"/> with <paramref name="module"/> in eval mode
    /// and gradients off, and returns the recorded graph with outputs named <paramref name="outputNames"/>. The module's
    /// training mode is restored afterwards; the forward's results are disposed.
    /// </summary>
    public static TraceGraph Trace(nn.Module module, IReadOnlyList<(string Name, Tensor Example)> inputs, Func<Tensor[], Tensor[]> forward,
        params string[] outputNames)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(forward);
        if (current is not null) throw new InvalidOperationException("Tracer.Trace: a trace is already active on this thread (traces do not nest)");
        var tracer = new Tracer();
        foreach (var (name, p) in module.named_parameters()) tracer.parameterNames.TryAdd(p, name);
        foreach (var (name, b) in module.named_buffers()) tracer.parameterNames.TryAdd(b, name);
        var examples = new Tensor[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            var (name, example) = inputs[i];
            if (tracer.ids.ContainsKey(example)) throw new ArgumentException($"Tracer.Trace: input '{name}' is the same tensor as an earlier input");
            tracer.AddValue(example, name, TraceValueKind.Input, null);
            examples[i] = example;
        }
        bool wasTraining = module.training;
        module.eval();
        Tensor[]? results = null;
        current = tracer;
        Interlocked.Increment(ref activeCount);
        try
        {
            using (no_grad()) results = forward(examples);
            if (results.Length != outputNames.Length)
                throw new ArgumentException($"Tracer.Trace: the forward returned {results.Length} tensors but {outputNames.Length} output names were given");
            var outputs = new List<(string, int)>();
            for (int i = 0; i < results.Length; i++) outputs.Add((outputNames[i], tracer.Resolve(results[i], $"output '{outputNames[i]}'")));
            return new TraceGraph(tracer.values.ToArray(), tracer.nodes.ToArray(), outputs);
        }
        finally
        {
            Interlocked.Decrement(ref activeCount);
            current = null;
            module.train(wasTraining);
            if (results is not null)
                foreach (var r in results)
                    if (!tracer.ids.TryGetValue(r, out var id) || tracer.values[id].Kind == TraceValueKind.Intermediate) r.Dispose();
        }
    }

    /// <summary>
    /// Stops recording on this thread until the result is disposed: tensors computed inside are not traced values, so
    /// traced ops that later read them freeze them into the graph as constants. A model uses it for state that depends
    /// only on its weights (e.g. CDSRNP's fixed inference support set), so the exported graph holds the result instead
    /// of recomputing it on every call. Outside a trace it does nothing.
    /// </summary>
    public static IDisposable Untraced()
    {
        var c = current;
        if (c is null) return Resume.None;
        c.suspended++;
        return new Resume(c);
    }

    private sealed class Resume(Tracer? tracer) : IDisposable
    {
        public static readonly Resume None = new(null);
        private Tracer? tracer = tracer;

        public void Dispose()
        {
            if (tracer is null) return;
            tracer.suspended--;
            tracer = null;
        }
    }

    // ---- hooks (called from the binding only while activeCount > 0) ----

    /// <summary>A tensor's native handle is about to be passed to a native call.</summary>
    internal static void OnUse(Tensor t)
    {
        var c = current;
        if (c is null || c.suspended > 0) return;
        if (c.lastEventWasCreation)
        {
            c.pendingUses.Clear();
            c.lastEventWasCreation = false;
            c.chainProducer = null;
        }
        c.pendingUses.Add(t);
    }

    /// <summary>A tensor was just created from a native result.</summary>
    internal static void OnCreate(Tensor t)
    {
        var c = current;
        if (c is null || c.suspended > 0) return;
        bool chained = c.lastEventWasCreation;
        c.lastEventWasCreation = true;
        foreach (var u in c.pendingUses)
        {
            if (!c.ids.ContainsKey(u) && !c.untracked.ContainsKey(u)) continue;
            // Back-to-back creations are one op's outputs (split, max's values and indices) or a later input-less op
            // (arange): both are named after the first, unhooked op, the one to add a hook for.
            c.untracked[t] = chained && c.chainProducer is { } first ? first : c.chainProducer = CreatingMethod();
            return;
        }
    }

    /// <summary>Records one op (see <see cref="TraceNode"/>); outputs may contain null (an output not produced).</summary>
    internal static void Record(string op, Tensor?[] inputs, Tensor?[] outputs, long[] ints, double[] reals)
    {
        var c = current;
        if (c is null || c.suspended > 0) return;
        c.pendingUses.Clear();
        c.lastEventWasCreation = false;
        c.chainProducer = null;
        bool traced = false;
        foreach (var t in inputs)
            if (t is not null && (c.ids.ContainsKey(t) || c.parameterNames.ContainsKey(t) || c.untracked.ContainsKey(t))) traced = true;
        if (!traced)
        {
            foreach (var o in outputs) if (o is not null) c.untracked.Remove(o);
            return; // constant folding: the outputs are frozen when a recorded op uses them
        }
        var inputIds = new int[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) inputIds[i] = inputs[i] is { } t ? c.Resolve(t, op) : -1;
        if (IdentityOps.Contains(op) || (op == "dropout" && ints.Length > 0 && ints[0] == 0))
        {
            var o = outputs[0]!;
            c.untracked.Remove(o);
            c.ids[o] = inputIds[0];
            return;
        }
        var outputIds = new int[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            if (outputs[i] is not { } o) { outputIds[i] = -1; continue; }
            c.untracked.Remove(o);
            outputIds[i] = c.AddValue(o, $"{op}_{c.nodes.Count}" + (outputs.Length > 1 ? $"_{i}" : ""), TraceValueKind.Intermediate, null);
        }
        c.nodes.Add(new TraceNode(op, inputIds, outputIds, ints, reals));
    }

    private int Resolve(Tensor t, string consumer)
    {
        if (ids.TryGetValue(t, out var id)) return id;
        if (untracked.TryGetValue(t, out var producer))
            throw new TraceException($"op '{producer}' has no tracing hook, so no ONNX mapping: its result, computed from traced values, feeds {consumer}");
        suspended++;
        try
        {
            var kind = parameterNames.TryGetValue(t, out var pname) ? TraceValueKind.Parameter : TraceValueKind.Constant;
            Array data = t.dtype switch
            {
                ScalarType.Float32 => t.data<float>(),
                ScalarType.Float64 => t.data<double>(),
                ScalarType.Int64 => t.data<long>(),
                ScalarType.Int32 => t.data<int>(),
                ScalarType.Bool => t.data<bool>(),
                var other => throw new TraceException($"a {kind.ToString().ToLowerInvariant()} of type {other} feeds {consumer}: only float32, float64, int64, int32 and bool tensors can be frozen into a traced graph"),
            };
            return AddValue(t, pname ?? "const", kind, data);
        }
        finally
        {
            suspended--;
        }
    }

    private int AddValue(Tensor t, string name, TraceValueKind kind, Array? data)
    {
        var unique = name;
        for (int k = 1; !usedNames.Add(unique); k++) unique = $"{name}_{k}";
        var id = values.Count;
        values.Add(new TraceValue(id, unique, kind, t.dtype, t.shape, data));
        ids[t] = id;
        return id;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string CreatingMethod()
    {
        foreach (var frame in new StackTrace(2, false).GetFrames())
        {
            var m = frame.GetMethod();
            if (m is null || m.Name is ".ctor" or "FromNative" || m.DeclaringType == typeof(Tracer) || m.DeclaringType == typeof(TraceHooks)) continue;
            return $"{m.DeclaringType?.Name}.{m.Name}";
        }
        return "(unknown)";
    }
}
