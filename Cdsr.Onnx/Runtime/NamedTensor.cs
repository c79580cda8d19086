using System.Runtime.InteropServices;
using Cdsr.Onnx.Model;
using Microsoft.ML.OnnxRuntime;

namespace Cdsr.Onnx.Runtime;

/// <summary>
/// A named dense tensor passed to or returned from <see cref="OnnxSession.Run"/>: float32 or int64 data in
/// row-major order plus its shape. Inputs wrap caller memory (an <c>OrtValue</c> over it, pinned for the call, never
/// copied); outputs own arrays copied out of ORT's buffers.
/// </summary>
public sealed class NamedTensor
{
    public string Name { get; }
    public OnnxElementType ElementType { get; }
    public long[] Shape { get; }
    private readonly ReadOnlyMemory<float> _floats;
    private readonly ReadOnlyMemory<long> _int64s;

    private NamedTensor(string name, OnnxElementType type, long[] shape, ReadOnlyMemory<float> f, ReadOnlyMemory<long> i)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (var d in shape)
            if (d < 0) throw new ArgumentException($"tensor '{name}': shape [{string.Join(", ", shape)}] has a negative dimension", nameof(shape));
        Name = name; ElementType = type; Shape = shape; _floats = f; _int64s = i;
        long expected = ElementCount;
        if (Length != expected)
            throw new ArgumentException($"tensor '{name}': shape [{string.Join(", ", shape)}] needs {expected} elements, data has {Length}");
    }

    public static NamedTensor Float(string name, ReadOnlyMemory<float> data, params long[] shape) =>
        new(name, OnnxElementType.Float32, shape, data, default);

    public static NamedTensor Int64(string name, ReadOnlyMemory<long> data, params long[] shape) =>
        new(name, OnnxElementType.Int64, shape, default, data);

    /// <summary>Product of the shape (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);

    internal int Length => ElementType == OnnxElementType.Float32 ? _floats.Length : _int64s.Length;

    /// <summary>The float32 data; throws when the tensor holds another type.</summary>
    public ReadOnlySpan<float> Floats => ElementType == OnnxElementType.Float32 ? _floats.Span
        : throw new InvalidOperationException($"tensor '{Name}' holds {ElementType}, not Float32");

    /// <summary>The int64 data; throws when the tensor holds another type.</summary>
    public ReadOnlySpan<long> Int64s => ElementType == OnnxElementType.Int64 ? _int64s.Span
        : throw new InvalidOperationException($"tensor '{Name}' holds {ElementType}, not Int64");

    /// <summary>An OrtValue over this tensor's memory, pinned until the value is disposed. ORT reads inputs only, so
    /// handing it the read-only memory as writable (which the package's signature asks for) is safe.</summary>
    internal OrtValue ToOrtValue() => ElementType == OnnxElementType.Float32
        ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(_floats), Shape)
        : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, MemoryMarshal.AsMemory(_int64s), Shape);

    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Shape)}]";
}

/// <summary>A session input or output as the model declares it; dims are -1 where <see cref="Symbols"/> names a dynamic axis.</summary>
public sealed record OnnxNodeInfo(string Name, OnnxElementType ElementType, IReadOnlyList<long> Dims, IReadOnlyList<string?> Symbols)
{
    public override string ToString() =>
        $"{Name}: {ElementType}[{string.Join(", ", Dims.Select((d, i) => d >= 0 ? d.ToString() : Symbols[i] ?? "?"))}]";
}
