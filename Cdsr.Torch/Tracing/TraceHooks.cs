using System.Runtime.CompilerServices;
using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Tracing;

/// <summary>
/// The record hooks the binding's ops call: <c>public Tensor bmm(Tensor o) => TraceHooks.Op(FromNative(...), "bmm", this, o)</c>.
/// Each is inlined to one static-field read and a branch when no trace is active (<see cref="Tracer"/>).
/// </summary>
internal static class TraceHooks
{
    public static bool Active
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref Tracer.activeCount) != 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Op(Tensor result, string op, Tensor a)
    {
        if (Active) Tracer.Record(op, [a], [result], [], []);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Op(Tensor result, string op, Tensor? a, Tensor? b)
    {
        if (Active) Tracer.Record(op, [a, b], [result], [], []);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Op(Tensor result, string op, Tensor? a, Tensor? b, Tensor? c)
    {
        if (Active) Tracer.Record(op, [a, b, c], [result], [], []);
        return result;
    }

    /// <summary>An op with one tensor input and integer arguments (dims, flags, a target dtype).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor OpI(Tensor result, string op, Tensor a, long i0)
    {
        if (Active) Tracer.Record(op, [a], [result], [i0], []);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor OpI(Tensor result, string op, Tensor a, long i0, long i1)
    {
        if (Active) Tracer.Record(op, [a], [result], [i0, i1], []);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor OpI(Tensor result, string op, Tensor a, long i0, long i1, long i2)
    {
        if (Active) Tracer.Record(op, [a], [result], [i0, i1, i2], []);
        return result;
    }

    /// <summary>An op with one tensor input and an integer list (a shape, a permutation, reduced dims).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor OpL(Tensor result, string op, Tensor a, long[] ints)
    {
        if (Active) Tracer.Record(op, [a], [result], (long[])ints.Clone(), []);
        return result;
    }

    /// <summary>An op with one tensor input and one real argument (a scalar operand, epsilon, ...).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor OpF(Tensor result, string op, Tensor a, double f0)
    {
        if (Active) Tracer.Record(op, [a], [result], [], [f0]);
        return result;
    }

    /// <summary>clamp(min?, max?): ints = [has min, has max], reals = [min, max].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Clamp(Tensor result, Tensor a, double? min, double? max)
    {
        if (Active) Tracer.Record("clamp", [a], [result], [min.HasValue ? 1 : 0, max.HasValue ? 1 : 0], [min ?? 0, max ?? 0]);
        return result;
    }

    /// <summary>The general form, for ops with several outputs or mixed arguments; callers test <see cref="Active"/> first.</summary>
    public static void Record(string op, Tensor?[] inputs, Tensor?[] outputs, long[] ints, double[] reals) =>
        Tracer.Record(op, inputs, outputs, ints, reals);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Use(Tensor t)
    {
        if (Active) Tracer.OnUse(t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Create(Tensor t)
    {
        if (Active) Tracer.OnCreate(t);
    }
}
