using Cdsr.Torch.Native;
using static Cdsr.Torch.Native.LibCdsrTorch;

namespace Cdsr.Torch;

public static partial class torch
{
    // ---- from .NET arrays (the data is copied) ----
    public static Tensor tensor(float[] data, long[]? dimensions = null, Device? device = null, bool requires_grad = false) =>
        FromArray<float>(data, dimensions, device, requires_grad);
    public static Tensor tensor(double[] data, long[]? dimensions = null, Device? device = null, bool requires_grad = false) =>
        FromArray<double>(data, dimensions, device, requires_grad);
    public static Tensor tensor(long[] data, long[]? dimensions = null, Device? device = null) => FromArray<long>(data, dimensions, device, false);
    public static Tensor tensor(int[] data, long[]? dimensions = null, Device? device = null) => FromArray<int>(data, dimensions, device, false);
    public static Tensor tensor(bool[] data, long[]? dimensions = null, Device? device = null) => FromArray<bool>(data, dimensions, device, false);
    public static Tensor tensor(byte[] data, long[]? dimensions = null, Device? device = null) => FromArray<byte>(data, dimensions, device, false);

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/>.</summary>
    public static Tensor tensor(double value, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var d = device ?? CPU;
        return Tensor.FromNative(TensorNative.cdsr_tensor_scalar(value, (int)dtype, (int)d.type, d.index));
    }

    /// <summary>A tensor of the given shape from a span of elements (row-major), e.g. a slice of a larger buffer.</summary>
    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> dimensions, Device? device = null, bool requires_grad = false)
        where T : unmanaged
    {
        long count = 1;
        foreach (var s in dimensions)
        {
            if (s < 0) throw new ArgumentException($"negative size {s} in shape [{string.Join(", ", dimensions.ToArray())}]", nameof(dimensions));
            count *= s;
        }
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", dimensions.ToArray())}] holds {count} elements but the data has {data.Length}", nameof(dimensions));
        var dtype = ScalarTypeOf<T>();
        var d = device ?? CPU;
        fixed (T* p = data)
        fixed (long* sp = dimensions)
            return Tensor.FromNative(TensorNative.cdsr_tensor_from_data(p, (long)data.Length * ElementSize(dtype), (int)dtype, sp, dimensions.Length,
                (int)d.type, d.index, requires_grad ? 1 : 0));
    }

    private static Tensor FromArray<T>(T[] data, long[]? dimensions, Device? device, bool requires_grad) where T : unmanaged =>
        FromSpan<T>(data, dimensions ?? new long[] { data.Length }, device, requires_grad);

    // ---- filled ----
    public static unsafe Tensor zeros(long[] size, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false)
    {
        var d = device ?? CPU;
        fixed (long* p = size) return Tensor.FromNative(TensorNative.cdsr_tensor_zeros(p, size.Length, (int)dtype, (int)d.type, d.index, requires_grad ? 1 : 0));
    }
    public static Tensor zeros(params long[] size) => zeros(size, ScalarType.Float32);

    public static unsafe Tensor ones(long[] size, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false)
    {
        var d = device ?? CPU;
        fixed (long* p = size) return Tensor.FromNative(TensorNative.cdsr_tensor_ones(p, size.Length, (int)dtype, (int)d.type, d.index, requires_grad ? 1 : 0));
    }
    public static Tensor ones(params long[] size) => ones(size, ScalarType.Float32);

    public static unsafe Tensor empty(long[] size, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false)
    {
        var d = device ?? CPU;
        fixed (long* p = size) return Tensor.FromNative(TensorNative.cdsr_tensor_empty(p, size.Length, (int)dtype, (int)d.type, d.index, requires_grad ? 1 : 0));
    }

    public static unsafe Tensor full(long[] size, double value, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requires_grad = false)
    {
        var d = device ?? CPU;
        fixed (long* p = size) return Tensor.FromNative(TensorNative.cdsr_tensor_full(p, size.Length, value, (int)dtype, (int)d.type, d.index, requires_grad ? 1 : 0));
    }

    public static Tensor arange(double start, double end, double step = 1, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        var d = device ?? CPU;
        return Tensor.FromNative(TensorNative.cdsr_tensor_arange(start, end, step, (int)dtype, (int)d.type, d.index));
    }
    public static Tensor arange(long end, ScalarType dtype = ScalarType.Int64, Device? device = null) => arange(0, end, 1, dtype, device);

    public static Tensor eye(long n, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var d = device ?? CPU;
        return Tensor.FromNative(TensorNative.cdsr_tensor_eye(n, (int)dtype, (int)d.type, d.index));
    }

    // ---- random: all draws come from libtorch's default generator, seeded by manual_seed ----
    public static void manual_seed(long seed) => Check(TensorNative.cdsr_manual_seed(unchecked((ulong)seed)));

    public static unsafe Tensor rand(long[] size, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var d = device ?? CPU;
        fixed (long* p = size) return Tensor.FromNative(TensorNative.cdsr_tensor_rand(p, size.Length, (int)dtype, (int)d.type, d.index));
    }
    public static Tensor rand(params long[] size) => rand(size, ScalarType.Float32);

    public static unsafe Tensor randn(long[] size, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var d = device ?? CPU;
        fixed (long* p = size) return Tensor.FromNative(TensorNative.cdsr_tensor_randn(p, size.Length, (int)dtype, (int)d.type, d.index));
    }
    public static Tensor randn(params long[] size) => randn(size, ScalarType.Float32);

    /// <summary>Int64 integers uniform in [low, high).</summary>
    public static unsafe Tensor randint(long low, long high, long[] size, Device? device = null)
    {
        var d = device ?? CPU;
        fixed (long* p = size) return Tensor.FromNative(TensorNative.cdsr_tensor_randint(low, high, p, size.Length, (int)d.type, d.index));
    }
    public static Tensor randint(long high, long[] size, Device? device = null) => randint(0, high, size, device);

    public static Tensor randperm(long n, Device? device = null)
    {
        var d = device ?? CPU;
        return Tensor.FromNative(TensorNative.cdsr_tensor_randperm(n, (int)d.type, d.index));
    }

    public static unsafe Tensor normal(double mean, double std, long[] size, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var d = device ?? CPU;
        fixed (long* p = size) return Tensor.FromNative(TensorNative.cdsr_tensor_normal(mean, std, p, size.Length, (int)dtype, (int)d.type, d.index));
    }

    /// <summary>Draws <paramref name="num_samples"/> indices per row from the (unnormalised) rows of <paramref name="input"/>.</summary>
    public static Tensor multinomial(Tensor input, long num_samples, bool replacement = false) =>
        Tensor.FromNative(TensorNative.cdsr_tensor_multinomial(input.Handle, num_samples, replacement ? 1 : 0));

    /// <summary>The default generator's state, for checkpoints that must resume bit-identically.</summary>
    public static unsafe byte[] get_rng_state()
    {
        Check(TensorNative.cdsr_rng_get_state(null, 0, out var len));
        var buffer = new byte[len];
        fixed (byte* p = buffer) Check(TensorNative.cdsr_rng_get_state(p, len, out _));
        return buffer;
    }

    public static unsafe void set_rng_state(byte[] state)
    {
        fixed (byte* p = state) Check(TensorNative.cdsr_rng_set_state(p, state.Length));
    }

    // ---- autograd mode ----
    /// <summary>Disables gradient recording on this thread until disposed: <c>using (torch.no_grad()) { ... }</c>.</summary>
    public static IDisposable no_grad() => new GradModeGuard(false);

    /// <summary>Enables gradient recording on this thread until disposed.</summary>
    public static IDisposable enable_grad() => new GradModeGuard(true);

    public static bool is_grad_enabled() => TensorNative.cdsr_autograd_is_enabled() != 0;

    private sealed class GradModeGuard : IDisposable
    {
        private readonly int previous;
        private bool disposed;

        public GradModeGuard(bool enabled) => Check(TensorNative.cdsr_autograd_set_enabled(enabled ? 1 : 0, out previous));

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            Check(TensorNative.cdsr_autograd_set_enabled(previous, out _));
        }
    }
}
