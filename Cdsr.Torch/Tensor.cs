using Cdsr.Torch.Native;
using static Cdsr.Torch.Native.LibCdsrTorch;

namespace Cdsr.Torch;

public static partial class torch
{
    /// <summary>
    /// A libtorch tensor. Owns one native handle; <see cref="Dispose"/> releases it at once (the finalizer of
    /// its SafeHandle is only a safety net). Tensors created inside a <see cref="DisposeScope"/> are disposed with it.
    /// </summary>
    public partial class Tensor : IDisposable
    {
        private readonly TensorHandle handle;
        private DisposeScope? scope;

        internal Tensor(IntPtr nativeHandle)
        {
            handle = new TensorHandle(CheckHandle(nativeHandle));
            scope = DisposeScope.Current;
            scope?.Add(this);
            Tracing.TraceHooks.Create(this);
        }

        /// <summary>Wraps a handle returned by a native call, throwing the native error when it is null.</summary>
        internal static Tensor FromNative(IntPtr nativeHandle) => new(nativeHandle);

        internal TensorHandle Handle
        {
            get
            {
                ObjectDisposedException.ThrowIf(handle.IsClosed, this);
                Tracing.TraceHooks.Use(this);
                return handle;
            }
        }

        /// <summary>The handle for metadata queries (shape, dtype, ...), which a trace does not count as a use.</summary>
        internal TensorHandle Peek
        {
            get
            {
                ObjectDisposedException.ThrowIf(handle.IsClosed, this);
                return handle;
            }
        }

        public bool IsInvalid => handle.IsClosed || handle.IsInvalid;

        /// <summary>Number of native tensor handles alive in this process (all threads): for leak tests.</summary>
        public static long TotalCount => cdsr_tensor_live_count();

        public void Dispose()
        {
            scope?.Remove(this);
            scope = null;
            handle.Dispose();
            GC.SuppressFinalize(this);
        }

        internal void DisposeFromScope()
        {
            scope = null;
            handle.Dispose();
        }

        /// <summary>Moves this tensor from its scope to the enclosing one (or to none); returns this.</summary>
        public Tensor MoveToOuterDisposeScope()
        {
            if (scope is null) return this;
            var outer = scope.Outer;
            scope.Remove(this);
            scope = outer;
            outer?.Add(this);
            return this;
        }

        /// <summary>Removes this tensor from every dispose scope: the caller disposes it. Returns this.</summary>
        public Tensor DetachFromDisposeScope()
        {
            scope?.Remove(this);
            scope = null;
            return this;
        }

        // ---- properties ----
        public long dim()
        {
            Check(TensorNative.cdsr_tensor_ndim(Peek, out var n));
            return n;
        }

        public long ndim => dim();

        public unsafe long[] shape
        {
            get
            {
                var n = (int)dim();
                var sizes = new long[n];
                fixed (long* p = sizes) Check(TensorNative.cdsr_tensor_sizes(Peek, p, n));
                return sizes;
            }
        }

        public long size(int dimension)
        {
            var s = shape;
            var d = dimension < 0 ? dimension + s.Length : dimension;
            if (d < 0 || d >= s.Length)
                throw new ArgumentOutOfRangeException(nameof(dimension), $"dimension {dimension} is out of range for a tensor of {s.Length} dimensions");
            return s[d];
        }

        public long numel()
        {
            Check(TensorNative.cdsr_tensor_numel(Peek, out var n));
            return n;
        }

        public ScalarType dtype
        {
            get
            {
                Check(TensorNative.cdsr_tensor_dtype(Peek, out var t));
                return (ScalarType)t;
            }
        }

        public Device device
        {
            get
            {
                Check(TensorNative.cdsr_tensor_device(Peek, out var type, out var index));
                return new Device((DeviceType)type, index);
            }
        }

        public bool is_sparse
        {
            get
            {
                Check(TensorNative.cdsr_tensor_is_sparse(Peek, out var s));
                return s != 0;
            }
        }

        public override string ToString() =>
            IsInvalid ? "Tensor(disposed)" : $"Tensor([{string.Join(", ", shape)}], {dtype}, {device})";

        // ---- data out ----
        /// <summary>Copies the elements (converted to <typeparamref name="T"/>, row-major) into a new array.</summary>
        public unsafe T[] data<T>() where T : unmanaged
        {
            var t = ScalarTypeOf<T>();
            var result = new T[numel()];
            fixed (T* p = result)
                Check(TensorNative.cdsr_tensor_copy_to(Handle, p, (long)result.Length * ElementSize(t), (int)t));
            return result;
        }

        /// <summary>The single element of a one-element tensor.</summary>
        public T item<T>() where T : unmanaged
        {
            if (typeof(T) == typeof(long) || typeof(T) == typeof(int) || typeof(T) == typeof(bool))
            {
                Check(TensorNative.cdsr_tensor_item_int64(Handle, out var l));
                return typeof(T) == typeof(long) ? (T)(object)l : typeof(T) == typeof(int) ? (T)(object)checked((int)l) : (T)(object)(l != 0);
            }
            Check(TensorNative.cdsr_tensor_item_double(Handle, out var d));
            if (typeof(T) == typeof(double)) return (T)(object)d;
            if (typeof(T) == typeof(float)) return (T)(object)(float)d;
            throw new NotSupportedException($"item<{typeof(T).Name}> is not supported");
        }

        public float ToSingle() => item<float>();
        public double ToDouble() => item<double>();
        public long ToInt64() => item<long>();
        public bool ToBoolean() => item<bool>();

        // ---- conversion ----
        public Tensor to(ScalarType type) => Tracing.TraceHooks.OpI(FromNative(TensorNative.cdsr_tensor_to_dtype(Handle, (int)type)), "to", this, (long)type);
        public Tensor to(Device d) => FromNative(TensorNative.cdsr_tensor_to_device(Handle, (int)d.type, d.index));
        public Tensor to_type(ScalarType type) => to(type);
        public Tensor cpu() => to(CPU);
        public Tensor cuda() => to(CUDA);
        public Tensor @float() => to(ScalarType.Float32);
        public Tensor @double() => to(ScalarType.Float64);
        public Tensor @long() => to(ScalarType.Int64);
        public Tensor @bool() => to(ScalarType.Bool);
        public Tensor contiguous() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_contiguous(Handle)), "contiguous", this);
        public Tensor clone() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_clone(Handle)), "clone", this);
        public Tensor detach() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_detach(Handle)), "detach", this);
        /// <summary>A second handle to the same tensor (same storage and autograd identity).</summary>
        public Tensor alias() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_alias(Handle)), "alias", this);

        // ---- autograd ----
        public bool requires_grad
        {
            get
            {
                Check(TensorNative.cdsr_tensor_requires_grad(Peek, out var v));
                return v != 0;
            }
            set => Check(TensorNative.cdsr_tensor_set_requires_grad(Handle, value ? 1 : 0));
        }

        public Tensor requires_grad_(bool value = true)
        {
            requires_grad = value;
            return this;
        }

        public bool is_leaf
        {
            get
            {
                Check(TensorNative.cdsr_tensor_is_leaf(Peek, out var v));
                return v != 0;
            }
        }

        /// <summary>Back-propagates from this tensor (a scalar unless <paramref name="gradient"/> is given).</summary>
        public void backward(Tensor? gradient = null, bool retain_graph = false)
        {
            Check(TensorNative.cdsr_tensor_backward(Handle, gradient is null ? IntPtr.Zero : gradient.Handle.DangerousGetHandle(), retain_graph ? 1 : 0));
            GC.KeepAlive(gradient);
        }

        /// <summary>The accumulated gradient as a new handle (dispose it, or let the scope do so), or null.</summary>
        public Tensor? grad
        {
            get
            {
                Check(TensorNative.cdsr_tensor_grad(Handle, out var g));
                return g == IntPtr.Zero ? null : FromNative(g);
            }
            set
            {
                Check(TensorNative.cdsr_tensor_set_grad(Handle, value is null ? IntPtr.Zero : value.Handle.DangerousGetHandle()));
                GC.KeepAlive(value);
            }
        }
    }

    /// <summary>Number of threads libtorch uses for intra-op parallelism.</summary>
    public static int get_num_threads() => Native.LibCdsrTorch.cdsr_get_num_threads();

    public static void set_num_threads(int n) => Check(Native.LibCdsrTorch.cdsr_set_num_threads(n));

    /// <summary>
    /// Lets the C allocator keep up to <paramref name="bytes"/> of freed memory (glibc: trim threshold and top pad; blocks
    /// up to 32 MiB come from the heap rather than fresh mappings). Training loops that free and reallocate the same
    /// large tensors every step otherwise page-fault on each of them. Process-wide; 0 stops retaining.
    /// </summary>
    public static void set_malloc_retention(long bytes) => Check(Native.LibCdsrTorch.cdsr_set_malloc_retention(bytes));

    /// <summary>The libtorch version this binding's native shim was built against.</summary>
    public static string __version__ => TorchVersion();
}
