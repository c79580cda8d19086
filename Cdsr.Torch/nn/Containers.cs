using System.Collections;
using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Modules;

/// <summary>Applies its modules in order; children are named "0", "1", ... or by the names given.</summary>
public sealed class Sequential : nn.Module<Tensor, Tensor>
{
    private readonly List<nn.Module<Tensor, Tensor>> steps = new();

    internal Sequential(IEnumerable<(string name, nn.Module<Tensor, Tensor> module)> modules) : base(nameof(Sequential))
    {
        foreach (var (name, module) in modules) append(name, module);
    }

    public int Count => steps.Count;

    public nn.Module<Tensor, Tensor> this[int index] => steps[index];

    public Sequential append(nn.Module<Tensor, Tensor> module) => append(steps.Count.ToString(), module);

    public Sequential append(string name, nn.Module<Tensor, Tensor> module)
    {
        register_module(name, module);
        steps.Add(module);
        return this;
    }

    /// <summary>[*] -> whatever the last module returns. Intermediate results are released on the way.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var m in steps) x = m.forward(x);
        return (ReferenceEquals(x, input) ? x.alias() : x).MoveToOuterDisposeScope();
    }
}

/// <summary>An indexable list of sub-modules named "0", "1", ...; each is registered, so its parameters are the list's.</summary>
public sealed class ModuleList<T> : nn.Module, IReadOnlyList<T> where T : nn.Module
{
    private readonly List<T> items = new();

    public ModuleList(params T[] modules) : base(nameof(ModuleList<T>))
    {
        foreach (var m in modules) Add(m);
    }

    public void Add(T module)
    {
        register_module(items.Count.ToString(), module);
        items.Add(module);
    }

    public void append(T module) => Add(module);

    public T this[int index] => items[index];
    public int Count => items.Count;
    public IEnumerator<T> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Sub-modules by name, in insertion order; each is registered under its key.</summary>
public sealed class ModuleDict<T> : nn.Module, IReadOnlyDictionary<string, T> where T : nn.Module
{
    private readonly OrderedDictionary<string, T> items = new();

    public ModuleDict(params (string name, T module)[] modules) : base(nameof(ModuleDict<T>))
    {
        foreach (var (name, module) in modules) Add(name, module);
    }

    public void Add(string name, T module)
    {
        if (items.ContainsKey(name)) throw new ArgumentException($"ModuleDict: key '{name}' is already present", nameof(name));
        register_module(name, module);
        items.Add(name, module);
    }

    public T this[string key] => items.TryGetValue(key, out var m) ? m
        : throw new KeyNotFoundException($"ModuleDict: no module named '{key}' (have: {string.Join(", ", items.Keys)})");
    public IEnumerable<string> Keys => items.Keys;
    public IEnumerable<T> Values => items.Values;
    public int Count => items.Count;
    public bool ContainsKey(string key) => items.ContainsKey(key);
    public bool TryGetValue(string key, out T value) => items.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, T>> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
