namespace Cdsr.Torch;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost open scope, and disposes them
/// when the scope is disposed (TorchSharp's pattern): a training step inside <c>using var _ = torch.NewDisposeScope()</c>
/// releases its temporaries deterministically instead of waiting for the garbage collector.
/// Keep a result with <see cref="torch.Tensor.MoveToOuterDisposeScope"/> or <see cref="torch.Tensor.DetachFromDisposeScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;

    private readonly HashSet<torch.Tensor> tensors = new(ReferenceEqualityComparer.Instance);
    private bool disposed;

    internal DisposeScope? Outer { get; }

    internal DisposeScope()
    {
        Outer = current;
        current = this;
    }

    internal static DisposeScope? Current => current;

    /// <summary>Number of tensors this scope will dispose.</summary>
    public int Count => tensors.Count;

    internal void Add(torch.Tensor t) => tensors.Add(t);

    internal bool Remove(torch.Tensor t) => tensors.Remove(t);

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (!ReferenceEquals(current, this))
            throw new InvalidOperationException("dispose scopes must be disposed in reverse order of creation");
        current = Outer;
        foreach (var t in tensors) t.DisposeFromScope();
        tensors.Clear();
    }
}

public static partial class torch
{
    /// <summary>Opens a dispose scope on this thread (see <see cref="DisposeScope"/>).</summary>
    public static DisposeScope NewDisposeScope() => new();
}
