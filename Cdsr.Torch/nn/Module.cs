using System.Reflection;
using Cdsr.Torch.Modules;
using Cdsr.Torch.Native;

namespace Cdsr.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// Base of every layer and model (torch.nn.Module). A module owns its parameters, buffers and sub-modules, registered
        /// by name with <see cref="register_parameter"/>, <see cref="register_buffer"/>, <see cref="register_module"/>, or all
        /// at once from fields by <see cref="RegisterComponents"/>. Dotted names ("encoder.layers.0.linear1.weight") address
        /// them in <see cref="named_parameters"/> and <see cref="state_dict"/>. <see cref="Dispose()"/> releases every owned
        /// tensor at once (parameters and buffers belong to no dispose scope).
        /// </summary>
        public abstract class Module : IDisposable
        {
            private readonly OrderedDictionary<string, Parameter?> _parameters = new();
            private readonly OrderedDictionary<string, Tensor?> _buffers = new();
            private readonly OrderedDictionary<string, Module> _modules = new();
            private bool disposed;

            protected Module(string name) => this.name = name;

            private readonly string name;

            /// <summary>The module's type name, e.g. "Linear".</summary>
            public string GetName() => name;

            /// <summary>True in training mode (dropout active), false after <see cref="eval"/>.</summary>
            public bool training { get; private set; } = true;

            // ---- registration ----
            public void register_parameter(string name, Parameter? param)
            {
                CheckName(name, _parameters);
                _parameters[name] = param;
            }

            /// <summary>Registers a non-trainable tensor saved in <see cref="state_dict"/> and moved by <c>to()</c>; the module
            /// takes ownership (it leaves any dispose scope).</summary>
            public void register_buffer(string name, Tensor? tensor)
            {
                CheckName(name, _buffers);
                tensor?.DetachFromDisposeScope();
                _buffers[name] = tensor;
            }

            public void register_module(string name, Module submodule)
            {
                CheckName(name, _modules);
                ArgumentNullException.ThrowIfNull(submodule);
                _modules[name] = submodule;
            }

            // A name may be registered again in the same table (replacing the entry) but not in another one.
            private void CheckName(string member, object table)
            {
                if (string.IsNullOrEmpty(member) || member.Contains('.'))
                    throw new ArgumentException($"{name}: '{member}' is not a valid member name (non-empty, no '.')", nameof(member));
                if ((table != _parameters && _parameters.ContainsKey(member)) || (table != _buffers && _buffers.ContainsKey(member)) ||
                    (table != _modules && _modules.ContainsKey(member)))
                    throw new ArgumentException($"{name}: '{member}' is already registered as another kind of member", nameof(member));
            }

            /// <summary>Registers every field (public or not, declared in this type or a base) holding a <see cref="Module"/>
            /// or a <see cref="Parameter"/>, under the field's name (an auto-property's backing field under the property's
            /// name), in declaration order. Already registered objects are skipped. Call it at the end of a constructor.</summary>
            protected void RegisterComponents()
            {
                var registered = new HashSet<object>(ReferenceEqualityComparer.Instance);
                foreach (var p in _parameters.Values) if (p is not null) registered.Add(p);
                foreach (var m in _modules.Values) registered.Add(m);
                var chain = new List<Type>();
                for (var t = GetType(); t is not null && t != typeof(Module); t = t.BaseType) chain.Add(t);
                chain.Reverse();
                foreach (var type in chain)
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    var value = field.GetValue(this);
                    if (value is null || registered.Contains(value)) continue;
                    var fieldName = field.Name.StartsWith('<') && field.Name.Contains(">k__BackingField")
                        ? field.Name[1..field.Name.IndexOf('>')]
                        : field.Name;
                    if (value is Parameter p) register_parameter(fieldName, p);
                    else if (value is Module m) register_module(fieldName, m);
                    else continue;
                    registered.Add(value);
                }
            }

            // ---- traversal ----
            public IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
            {
                foreach (var (n, p) in _parameters) if (p is not null) yield return (n, p);
                if (!recurse) yield break;
                foreach (var (prefix, m) in _modules)
                foreach (var (n, p) in m.named_parameters(true))
                    yield return ($"{prefix}.{n}", p);
            }

            public IEnumerable<Parameter> parameters(bool recurse = true) => named_parameters(recurse).Select(x => x.parameter);

            public IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true)
            {
                foreach (var (n, b) in _buffers) if (b is not null) yield return (n, b);
                if (!recurse) yield break;
                foreach (var (prefix, m) in _modules)
                foreach (var (n, b) in m.named_buffers(true))
                    yield return ($"{prefix}.{n}", b);
            }

            public IEnumerable<Tensor> buffers(bool recurse = true) => named_buffers(recurse).Select(x => x.buffer);

            /// <summary>Direct sub-modules.</summary>
            public IEnumerable<(string name, Module module)> named_children() => _modules.Select(kv => (kv.Key, kv.Value));

            public IEnumerable<Module> children() => _modules.Values;

            /// <summary>This module (named "") and all its descendants, depth first, as PyTorch's named_modules.</summary>
            public IEnumerable<(string name, Module module)> named_modules()
            {
                yield return ("", this);
                foreach (var (prefix, m) in _modules)
                foreach (var (n, sub) in m.named_modules())
                    yield return (n.Length == 0 ? prefix : $"{prefix}.{n}", sub);
            }

            public IEnumerable<Module> modules() => named_modules().Select(x => x.module);

            // ---- modes ----
            /// <summary>Sets training mode on this module and all descendants (eval when false). Returns this.</summary>
            public Module train(bool mode = true)
            {
                training = mode;
                foreach (var m in _modules.Values) m.train(mode);
                return this;
            }

            public Module eval() => train(false);

            /// <summary>Clears the gradient of every parameter (sets it to none, PyTorch's default).</summary>
            public void zero_grad()
            {
                foreach (var p in parameters()) p.grad = null;
            }

            // ---- device and dtype ----
            /// <summary>Moves every parameter, its gradient and every buffer to <paramref name="device"/> in place; parameter
            /// objects keep their identity. Prefer the extension <c>module.to(device)</c>, which returns the module's own type.</summary>
            internal void MoveTo(Device device) => Apply(t => t.to(device), floatingOnly: false);

            /// <summary>Converts floating-point parameters, gradients and buffers to <paramref name="type"/> in place.</summary>
            internal void ConvertTo(ScalarType type)
            {
                if (!IsFloating(type)) throw new ArgumentException($"{name}: modules can only be converted to a floating-point type, not {type}", nameof(type));
                Apply(t => t.to(type), floatingOnly: true);
            }

            private static bool IsFloating(ScalarType t) => t is ScalarType.Float16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16;

            private void Apply(Func<Tensor, Tensor> convert, bool floatingOnly)
            {
                foreach (var p in _parameters.Values)
                {
                    if (p is null || (floatingOnly && !IsFloating(p.dtype))) continue;
                    using (var moved = convert(p)) p.SetData(moved);
                    using var g = p.grad;
                    if (g is not null)
                    {
                        using var gm = convert(g);
                        p.grad = gm;
                    }
                }
                foreach (var key in _buffers.Keys.ToList())
                {
                    var b = _buffers[key];
                    if (b is null || (floatingOnly && !IsFloating(b.dtype))) continue;
                    using (var moved = convert(b)) LibCdsrTorch.Check(LibCdsrTorch.cdsr_nn_set_data(b.Handle, moved.Handle));
                }
                foreach (var m in _modules.Values) m.Apply(convert, floatingOnly);
            }

            // ---- state ----
            /// <summary>Every parameter and buffer by dotted name, in registration order (own first, then sub-modules).
            /// The values are the module's own tensors: do not dispose them (clone them to keep a snapshot).</summary>
            public Dictionary<string, Tensor> state_dict()
            {
                var result = new Dictionary<string, Tensor>();
                Collect(result, "");
                return result;
            }

            private void Collect(Dictionary<string, Tensor> into, string prefix)
            {
                foreach (var (n, p) in _parameters) if (p is not null) into[prefix + n] = p;
                foreach (var (n, b) in _buffers) if (b is not null) into[prefix + n] = b;
                foreach (var (n, m) in _modules) m.Collect(into, $"{prefix}{n}.");
            }

            /// <summary>Copies the values of <paramref name="source"/> into this module's parameters and buffers (converting
            /// dtype and device; no autograd). A shape mismatch is always an error; with <paramref name="strict"/>, so are
            /// keys the module lacks (unexpected) and module keys the source lacks (missing). The error lists every problem.
            /// Nothing is copied when an error is raised. Returns the missing and unexpected keys.</summary>
            public (IList<string> missing_keys, IList<string> unexpected_keys) load_state_dict(Dictionary<string, Tensor> source, bool strict = true)
            {
                ArgumentNullException.ThrowIfNull(source);
                var own = state_dict();
                var missing = own.Keys.Where(k => !source.ContainsKey(k)).ToList();
                var unexpected = source.Keys.Where(k => !own.ContainsKey(k)).ToList();
                var problems = new List<string>();
                foreach (var (k, dst) in own)
                {
                    if (!source.TryGetValue(k, out var src)) continue;
                    var a = dst.shape;
                    var b = src.shape;
                    if (!a.SequenceEqual(b))
                        problems.Add($"size mismatch for {k}: the checkpoint has shape [{string.Join(", ", b)}], the module expects [{string.Join(", ", a)}]");
                }
                if (strict)
                {
                    if (missing.Count > 0) problems.Add($"missing keys: {string.Join(", ", missing)}");
                    if (unexpected.Count > 0) problems.Add($"unexpected keys: {string.Join(", ", unexpected)}");
                }
                if (problems.Count > 0)
                    throw new ArgumentException($"error(s) loading state_dict for {name}:\n  " + string.Join("\n  ", problems), nameof(source));
                foreach (var (k, dst) in own)
                    if (source.TryGetValue(k, out var src))
                        LibCdsrTorch.Check(LibCdsrTorch.cdsr_nn_copy_(dst.Handle, src.Handle));
                return (missing, unexpected);
            }

            // ---- lifetime ----
            /// <summary>Disposes every parameter, buffer and sub-module (recursively).</summary>
            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            protected virtual void Dispose(bool disposing)
            {
                if (disposed || !disposing) return;
                disposed = true;
                foreach (var p in _parameters.Values) p?.Dispose();
                foreach (var b in _buffers.Values) b?.Dispose();
                foreach (var m in _modules.Values) m.Dispose();
            }

            public override string ToString() => name;
        }

        /// <summary>A module with one input (TorchSharp's Module&lt;T, TResult&gt;): implement <see cref="forward"/>, call it with
        /// <see cref="call"/> or <see cref="forward"/>.</summary>
        public abstract class Module<T, TResult> : Module
        {
            protected Module(string name) : base(name) { }
            public abstract TResult forward(T input);
            public TResult call(T input) => forward(input);
        }

        public abstract class Module<T1, T2, TResult> : Module
        {
            protected Module(string name) : base(name) { }
            public abstract TResult forward(T1 input1, T2 input2);
            public TResult call(T1 input1, T2 input2) => forward(input1, input2);
        }

        public abstract class Module<T1, T2, T3, TResult> : Module
        {
            protected Module(string name) : base(name) { }
            public abstract TResult forward(T1 input1, T2 input2, T3 input3);
            public TResult call(T1 input1, T2 input2, T3 input3) => forward(input1, input2, input3);
        }
    }
}

/// <summary>Fluent module conversions that return the module's own type (<c>var lin = nn.Linear(3, 4).to(float64)</c>).</summary>
public static class ModuleExtensionMethods
{
    public static T to<T>(this T module, torch.Device device) where T : torch.nn.Module
    {
        module.MoveTo(device);
        return module;
    }

    public static T to<T>(this T module, torch.ScalarType type) where T : torch.nn.Module
    {
        module.ConvertTo(type);
        return module;
    }

    public static T to<T>(this T module, torch.ScalarType type, torch.Device device) where T : torch.nn.Module => module.to(device).to(type);

    public static T cpu<T>(this T module) where T : torch.nn.Module => module.to(torch.CPU);

    public static T cuda<T>(this T module) where T : torch.nn.Module => module.to(torch.CUDA);
}
