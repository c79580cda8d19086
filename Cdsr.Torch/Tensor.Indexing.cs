using static Cdsr.Torch.Native.LibCdsrTorch;

namespace Cdsr.Torch;

public static partial class torch
{
    // Indexing (t[...]), gathers, scatters and masks (see native/include/cdsr_ops.h).
    public partial class Tensor
    {
        /// <summary>
        /// Python-style indexing: <c>t[0]</c>, <c>t[.., 1..3]</c>, <c>t[TensorIndex.Ellipsis, TensorIndex.None]</c>,
        /// <c>t[mask]</c>. Basic indices give a view sharing storage; tensor indices copy. Assigning writes into this
        /// tensor in place (index_put_), broadcasting the value.
        /// </summary>
        public Tensor this[params TensorIndex[] indices]
        {
            get => index(indices);
            set => index_put_(value, indices);
        }

        public unsafe Tensor index(params TensorIndex[] indices)
        {
            var a = new IndexArgs(indices);
            fixed (int* k = a.Kinds, f = a.Flags)
            fixed (long* v = a.Values)
            fixed (IntPtr* h = a.Handles)
            {
                var r = FromNative(cdsr_tensor_index(Handle, k, f, v, h, indices.Length));
                GC.KeepAlive(indices);
                return r;
            }
        }

        /// <summary><c>this[indices] = value</c>; returns this.</summary>
        public unsafe Tensor index_put_(Tensor value, params TensorIndex[] indices)
        {
            var a = new IndexArgs(indices);
            fixed (int* k = a.Kinds, f = a.Flags)
            fixed (long* v = a.Values)
            fixed (IntPtr* h = a.Handles)
                Check(cdsr_tensor_index_put_(Handle, k, f, v, h, indices.Length, value.Handle));
            GC.KeepAlive(indices);
            return this;
        }

        /// <summary><c>this[indices] = value</c> for a scalar value; returns this.</summary>
        public unsafe Tensor index_put_(double value, params TensorIndex[] indices)
        {
            var a = new IndexArgs(indices);
            fixed (int* k = a.Kinds, f = a.Flags)
            fixed (long* v = a.Values)
            fixed (IntPtr* h = a.Handles)
                Check(cdsr_tensor_index_put_scalar_(Handle, k, f, v, h, indices.Length, value));
            GC.KeepAlive(indices);
            return this;
        }

        public Tensor gather(long dim, Tensor index) => Record(FromNative(cdsr_tensor_gather(Handle, dim, index.Handle)), "gather", this, index, dim);
        /// <summary>A copy of this tensor with <c>out[index[i][j]][j] = src[i][j]</c> (dim 0; likewise for others).</summary>
        public Tensor scatter(long dim, Tensor index, Tensor src) => FromNative(cdsr_tensor_scatter(Handle, dim, index.Handle, src.Handle));
        /// <summary>As <see cref="scatter"/> but adding into the positions (repeated indices accumulate).</summary>
        public Tensor scatter_add(long dim, Tensor index, Tensor src) => FromNative(cdsr_tensor_scatter_add(Handle, dim, index.Handle, src.Handle));
        public Tensor index_select(long dim, Tensor index) => Record(FromNative(cdsr_tensor_index_select(Handle, dim, index.Handle)), "index_select", this, index, dim);
        /// <summary>In place: writes <paramref name="value"/> at the positions <paramref name="index"/> names along <paramref name="dim"/> (e.g. one-hot rows).</summary>
        public Tensor scatter_(long dim, Tensor index, double value)
        {
            Check(cdsr_tensor_scatter_value_(Handle, dim, index.Handle, value));
            return this;
        }

        /// <summary>In place: adds alpha * src's slices into the slices <paramref name="index"/> names along <paramref name="dim"/> (repeats accumulate).</summary>
        public Tensor index_add_(long dim, Tensor index, Tensor src, double alpha = 1)
        {
            Check(cdsr_tensor_index_add_(Handle, dim, index.Handle, src.Handle, alpha));
            return this;
        }

        /// <summary>Coordinates of the non-zero elements: int64 [count, ndim], row-major order.</summary>
        public Tensor nonzero() => FromNative(cdsr_tensor_nonzero(Handle));

        /// <summary>Counts of each value of this 1-D non-negative int64 tensor (summed weights when given).</summary>
        public Tensor bincount(Tensor? weights = null, long minlength = 0)
        {
            var r = FromNative(cdsr_tensor_bincount(Handle, weights is null ? IntPtr.Zero : weights.Handle.DangerousGetHandle(), minlength));
            GC.KeepAlive(weights);
            return r;
        }

        public Tensor masked_fill(Tensor mask, double value)
        {
            var r = FromNative(cdsr_tensor_masked_fill(Handle, mask.Handle, value));
            if (Tracing.TraceHooks.Active) Tracing.TraceHooks.Record("masked_fill", [this, mask], [r], [], [value]);
            return r;
        }

        private static Tensor Record(Tensor r, string op, Tensor a, Tensor b, long dim)
        {
            if (Tracing.TraceHooks.Active) Tracing.TraceHooks.Record(op, [a, b], [r], [dim], []);
            return r;
        }
        /// <summary>The elements where the (broadcast) mask is true, as a 1-D tensor.</summary>
        public Tensor masked_select(Tensor mask) => FromNative(cdsr_tensor_masked_select(Handle, mask.Handle));
        /// <summary>Elements of this tensor where <paramref name="condition"/> holds, else of <paramref name="other"/>.</summary>
        public Tensor where(Tensor condition, Tensor other) => torch.where(condition, this, other);
    }

    public static Tensor gather(Tensor input, long dim, Tensor index) => input.gather(dim, index);
    public static Tensor scatter(Tensor input, long dim, Tensor index, Tensor src) => input.scatter(dim, index, src);
    public static Tensor scatter_add(Tensor input, long dim, Tensor index, Tensor src) => input.scatter_add(dim, index, src);
    public static Tensor index_select(Tensor input, long dim, Tensor index) => input.index_select(dim, index);
    public static Tensor masked_fill(Tensor input, Tensor mask, double value) => input.masked_fill(mask, value);
    public static Tensor masked_select(Tensor input, Tensor mask) => input.masked_select(mask);
    public static Tensor nonzero(Tensor input) => input.nonzero();
    public static Tensor bincount(Tensor input, Tensor? weights = null, long minlength = 0) => input.bincount(weights, minlength);

    /// <summary>Whether each element of <paramref name="elements"/> occurs in <paramref name="test_elements"/> (bool, elements' shape).</summary>
    public static Tensor isin(Tensor elements, Tensor test_elements) =>
        Tensor.FromNative(cdsr_tensor_isin(elements.Handle, test_elements.Handle));

    /// <summary>Einstein summation: <c>einsum("bij,bjk->bik", a, b)</c>.</summary>
    public static unsafe Tensor einsum(string equation, params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(equation);
        var raw = RawHandles(tensors);
        fixed (IntPtr* p = raw)
        {
            var r = Tensor.FromNative(cdsr_tensor_einsum(equation, p, tensors.Length));
            GC.KeepAlive(tensors);
            return r;
        }
    }

    /// <summary>Element-wise choice with broadcasting: <paramref name="x"/> where <paramref name="condition"/>, else <paramref name="y"/>.</summary>
    public static Tensor where(Tensor condition, Tensor x, Tensor y) =>
        Tracing.TraceHooks.Op(Tensor.FromNative(cdsr_tensor_where(condition.Handle, x.Handle, y.Handle)), "where", condition, x, y);

    /// <summary>The flat arrays cdsr_tensor_index takes (see native/include/cdsr_ops.h).</summary>
    private readonly struct IndexArgs
    {
        public readonly int[] Kinds;
        public readonly int[] Flags;
        public readonly long[] Values;
        public readonly IntPtr[] Handles;

        public IndexArgs(TensorIndex[] indices)
        {
            ArgumentNullException.ThrowIfNull(indices);
            var n = indices.Length;
            Kinds = new int[Math.Max(n, 1)];
            Flags = new int[Math.Max(n, 1)];
            Values = new long[Math.Max(3 * n, 1)];
            Handles = new IntPtr[Math.Max(n, 1)];
            for (int i = 0; i < n; i++)
            {
                var x = indices[i] ?? throw new ArgumentNullException(nameof(indices), $"index {i} is null; use TensorIndex.None for a new axis");
                Kinds[i] = (int)x.kind;
                if (x.kind == TensorIndex.Kind.Tensor) Handles[i] = x.tensor!.Handle.DangerousGetHandle();
                Values[3 * i] = x.start ?? 0;
                Values[3 * i + 1] = x.stop ?? 0;
                Values[3 * i + 2] = x.step;
                Flags[i] = (x.start.HasValue ? 1 : 0) | (x.stop.HasValue ? 2 : 0);
            }
        }
    }
}
