using static Cdsr.Torch.Native.LibCdsrTorch;

namespace Cdsr.Torch;

public static partial class torch
{
    // Views, shape changes, joining and splitting (see native/include/cdsr_ops.h). View ops share storage.
    public partial class Tensor
    {
        public unsafe Tensor reshape(params long[] shape)
        {
            fixed (long* p = shape) return Tracing.TraceHooks.OpL(FromNative(cdsr_tensor_reshape(Handle, p, shape.Length)), "reshape", this, shape);
        }

        /// <summary>A view with a new shape (fails when the strides do not allow one; use <see cref="reshape"/>).</summary>
        public unsafe Tensor view(params long[] shape)
        {
            fixed (long* p = shape) return Tracing.TraceHooks.OpL(FromNative(cdsr_tensor_view(Handle, p, shape.Length)), "reshape", this, shape);
        }

        public Tensor view_as(Tensor other) => view(other.shape);
        public Tensor flatten(long start_dim = 0, long end_dim = -1) => Tracing.TraceHooks.OpI(FromNative(cdsr_tensor_flatten(Handle, start_dim, end_dim)), "flatten", this, start_dim, end_dim);
        public Tensor transpose(long dim0, long dim1) => Tracing.TraceHooks.OpI(FromNative(cdsr_tensor_transpose(Handle, dim0, dim1)), "transpose", this, dim0, dim1);

        public unsafe Tensor permute(params long[] dims)
        {
            fixed (long* p = dims) return Tracing.TraceHooks.OpL(FromNative(cdsr_tensor_permute(Handle, p, dims.Length)), "permute", this, dims);
        }

        /// <summary>Transpose of a tensor of at most 2 dimensions.</summary>
        public Tensor t() => Tracing.TraceHooks.Op(FromNative(cdsr_tensor_t(Handle)), "t", this);
        /// <summary>Without the size-1 dimension <paramref name="dim"/> (or every size-1 dimension when null).</summary>
        public Tensor squeeze(long? dim = null) => dim is null
            ? Tracing.TraceHooks.Op(FromNative(cdsr_tensor_squeeze(Handle)), "squeeze_all", this)
            : Tracing.TraceHooks.OpI(FromNative(cdsr_tensor_squeeze_dim(Handle, dim.Value)), "squeeze", this, dim.Value);
        public Tensor unsqueeze(long dim) => Tracing.TraceHooks.OpI(FromNative(cdsr_tensor_unsqueeze(Handle, dim)), "unsqueeze", this, dim);

        /// <summary>A broadcast view with the given sizes (-1 keeps a size).</summary>
        public unsafe Tensor expand(params long[] sizes)
        {
            fixed (long* p = sizes) return Tracing.TraceHooks.OpL(FromNative(cdsr_tensor_expand(Handle, p, sizes.Length)), "expand", this, sizes);
        }

        public Tensor expand_as(Tensor other) => expand(other.shape);
        public Tensor narrow(long dim, long start, long length) => Tracing.TraceHooks.OpI(FromNative(cdsr_tensor_narrow(Handle, dim, start, length)), "narrow", this, dim, start, length);
        /// <summary>The slice at <paramref name="index"/> along <paramref name="dim"/>, which disappears.</summary>
        public Tensor select(long dim, long index) => Tracing.TraceHooks.OpI(FromNative(cdsr_tensor_select(Handle, dim, index)), "select", this, dim, index);

        public unsafe Tensor repeat(params long[] repeats)
        {
            fixed (long* p = repeats) return FromNative(cdsr_tensor_repeat(Handle, p, repeats.Length));
        }

        public unsafe Tensor flip(params long[] dims)
        {
            fixed (long* p = dims) return Tracing.TraceHooks.OpL(FromNative(cdsr_tensor_flip(Handle, p, dims.Length)), "flip", this, dims);
        }

        public Tensor tril(long diagonal = 0) => FromNative(cdsr_tensor_tril(Handle, diagonal));
        public Tensor triu(long diagonal = 0) => FromNative(cdsr_tensor_triu(Handle, diagonal));

        /// <summary>Shifts elements along <paramref name="dim"/> (or the flattened tensor when null), wrapping around.</summary>
        public Tensor roll(long shift, long? dim = null) =>
            dim is null ? roll(new[] { shift }, Array.Empty<long>()) : roll(new[] { shift }, new[] { dim.Value });

        public unsafe Tensor roll(long[] shifts, long[] dims)
        {
            fixed (long* s = shifts, d = dims) return FromNative(cdsr_tensor_roll(Handle, s, shifts.Length, d, dims.Length));
        }

        /// <summary>Each element <paramref name="repeats"/> times in a row along <paramref name="dim"/> (flattened when null).</summary>
        public Tensor repeat_interleave(long repeats, long? dim = null) =>
            FromNative(cdsr_tensor_repeat_interleave(Handle, repeats, dim ?? 0, dim.HasValue ? 1 : 0));

        /// <summary>A view of the diagonal (offset &gt; 0 above it) of the matrices over <paramref name="dim1"/>, <paramref name="dim2"/>.</summary>
        public Tensor diagonal(long offset = 0, long dim1 = 0, long dim2 = 1) => FromNative(cdsr_tensor_diagonal(Handle, offset, dim1, dim2));

        /// <summary>All dimensions reversed (the transpose for a matrix).</summary>
        public Tensor T
        {
            get
            {
                var n = dim();
                var order = new long[n];
                for (long i = 0; i < n; i++) order[i] = n - 1 - i;
                return permute(order);
            }
        }

        public bool is_contiguous()
        {
            Check(cdsr_tensor_is_contiguous(Peek, out var c));
            return c != 0;
        }

        /// <summary>Strides in elements, one per dimension.</summary>
        public unsafe long[] stride()
        {
            var n = (int)dim();
            var s = new long[n];
            fixed (long* p = s) Check(cdsr_tensor_strides(Peek, p, n));
            return s;
        }

        /// <summary>The slices along <paramref name="dim"/>, each without that dimension (views).</summary>
        public Tensor[] unbind(long dim = 0)
        {
            var n = size((int)dim);
            var parts = new Tensor[n];
            for (long i = 0; i < n; i++) parts[i] = select(dim, i);
            return parts;
        }

        /// <summary>Pieces of <paramref name="size"/> along <paramref name="dim"/> (the last may be smaller).</summary>
        public Tensor[] split(long size, long dim = 0)
        {
            if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "split size must be positive");
            var n = this.size((int)dim);
            var sizes = new long[Math.Max(1, (n + size - 1) / size)];
            for (int i = 0; i < sizes.Length; i++) sizes[i] = Math.Min(size, n - i * size);
            return split(sizes, dim);
        }

        /// <summary>Pieces of the given sizes along <paramref name="dim"/>; the sizes must add up to the dimension.</summary>
        public unsafe Tensor[] split(long[] sizes, long dim = 0)
        {
            var raw = new IntPtr[sizes.Length];
            fixed (long* s = sizes)
            fixed (IntPtr* o = raw)
                Check(cdsr_tensor_split_with_sizes(Handle, s, sizes.Length, dim, o));
            return raw.Select(FromNative).ToArray();
        }

        /// <summary><paramref name="chunks"/> pieces (fewer when the dimension is short) of equal size but the last.</summary>
        public Tensor[] chunk(long chunks, long dim = 0)
        {
            if (chunks <= 0) throw new ArgumentOutOfRangeException(nameof(chunks), chunks, "chunk count must be positive");
            var n = size((int)dim);
            return split(Math.Max(1, (n + chunks - 1) / chunks), dim);
        }
    }

    public static Tensor reshape(Tensor input, params long[] shape) => input.reshape(shape);
    public static Tensor flatten(Tensor input, long start_dim = 0, long end_dim = -1) => input.flatten(start_dim, end_dim);
    public static Tensor transpose(Tensor input, long dim0, long dim1) => input.transpose(dim0, dim1);
    public static Tensor permute(Tensor input, params long[] dims) => input.permute(dims);
    public static Tensor t(Tensor input) => input.t();
    public static Tensor squeeze(Tensor input, long? dim = null) => input.squeeze(dim);
    public static Tensor unsqueeze(Tensor input, long dim) => input.unsqueeze(dim);
    public static Tensor narrow(Tensor input, long dim, long start, long length) => input.narrow(dim, start, length);
    public static Tensor flip(Tensor input, params long[] dims) => input.flip(dims);
    public static Tensor tril(Tensor input, long diagonal = 0) => input.tril(diagonal);
    public static Tensor triu(Tensor input, long diagonal = 0) => input.triu(diagonal);
    public static Tensor clone(Tensor input) => input.clone();
    public static Tensor roll(Tensor input, long shift, long? dim = null) => input.roll(shift, dim);
    public static Tensor repeat_interleave(Tensor input, long repeats, long? dim = null) => input.repeat_interleave(repeats, dim);
    public static Tensor diagonal(Tensor input, long offset = 0, long dim1 = 0, long dim2 = 1) => input.diagonal(offset, dim1, dim2);
    public static Tensor[] unbind(Tensor input, long dim = 0) => input.unbind(dim);
    public static Tensor[] split(Tensor input, long size, long dim = 0) => input.split(size, dim);
    public static Tensor[] split(Tensor input, long[] sizes, long dim = 0) => input.split(sizes, dim);
    public static Tensor[] chunk(Tensor input, long chunks, long dim = 0) => input.chunk(chunks, dim);

    /// <summary>Concatenates along an existing dimension.</summary>
    public static unsafe Tensor cat(IList<Tensor> tensors, long dim = 0)
    {
        var raw = RawHandles(tensors);
        fixed (IntPtr* p = raw)
        {
            var r = Tensor.FromNative(cdsr_tensor_cat(p, tensors.Count, dim));
            GC.KeepAlive(tensors);
            if (Tracing.TraceHooks.Active) Tracing.TraceHooks.Record("cat", tensors.ToArray(), [r], [dim], []);
            return r;
        }
    }

    /// <summary>Stacks equal-shaped tensors along a new dimension.</summary>
    public static unsafe Tensor stack(IList<Tensor> tensors, long dim = 0)
    {
        var raw = RawHandles(tensors);
        fixed (IntPtr* p = raw)
        {
            var r = Tensor.FromNative(cdsr_tensor_stack(p, tensors.Count, dim));
            GC.KeepAlive(tensors);
            return r;
        }
    }

    public static Tensor concat(IList<Tensor> tensors, long dim = 0) => cat(tensors, dim);

    // Borrowed raw handles (the caller keeps the tensors alive across the call).
    private static IntPtr[] RawHandles(IList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var raw = new IntPtr[Math.Max(tensors.Count, 1)];
        for (int i = 0; i < tensors.Count; i++)
            raw[i] = (tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"tensor {i} is null")).Handle.DangerousGetHandle();
        return raw;
    }
}
