using static Cdsr.Torch.Native.LibCdsrTorch;

namespace Cdsr.Torch;

public static partial class torch
{
    // Reductions and sorting (see native/include/cdsr_ops.h). Without dimensions a reduction covers every element.
    public partial class Tensor
    {
        // No sum(ScalarType) overload: C# converts the literal 0 to any enum, so sum(0) would pick it over sum(long dim).
        public Tensor sum() => sum(Array.Empty<long>());
        public Tensor sum(long dim, bool keepdim = false, ScalarType? type = null) => sum(new[] { dim }, keepdim, type);

        public unsafe Tensor sum(long[] dim, bool keepdim = false, ScalarType? type = null)
        {
            fixed (long* p = dim) return Tracing.TraceHooks.OpL(FromNative(cdsr_tensor_sum(Handle, p, dim.Length, keepdim ? 1 : 0, type is null ? -1 : (int)type.Value)), "sum", this, [keepdim ? 1 : 0, .. dim]);
        }

        public Tensor mean() => mean(Array.Empty<long>());
        public Tensor mean(long dim, bool keepdim = false) => mean(new[] { dim }, keepdim);

        public unsafe Tensor mean(long[] dimensions, bool keepdim = false)
        {
            fixed (long* p = dimensions) return Tracing.TraceHooks.OpL(FromNative(cdsr_tensor_mean(Handle, p, dimensions.Length, keepdim ? 1 : 0)), "mean", this, [keepdim ? 1 : 0, .. dimensions]);
        }

        public Tensor prod() => FromNative(cdsr_tensor_prod(Handle, 0, 0, 0));
        public Tensor prod(long dim, bool keepdim = false) => FromNative(cdsr_tensor_prod(Handle, dim, 1, keepdim ? 1 : 0));

        public Tensor std(bool unbiased = true) => std(Array.Empty<long>(), unbiased);
        public Tensor std(long dim, bool unbiased = true, bool keepdim = false) => std(new[] { dim }, unbiased, keepdim);

        public unsafe Tensor std(long[] dimensions, bool unbiased = true, bool keepdim = false)
        {
            fixed (long* p = dimensions) return FromNative(cdsr_tensor_std(Handle, p, dimensions.Length, unbiased ? 1 : 0, keepdim ? 1 : 0));
        }

        public Tensor var(bool unbiased = true) => var(Array.Empty<long>(), unbiased);
        public Tensor var(long dim, bool unbiased = true, bool keepdim = false) => var(new[] { dim }, unbiased, keepdim);

        public unsafe Tensor var(long[] dimensions, bool unbiased = true, bool keepdim = false)
        {
            fixed (long* p = dimensions) return FromNative(cdsr_tensor_var(Handle, p, dimensions.Length, unbiased ? 1 : 0, keepdim ? 1 : 0));
        }

        /// <summary>log(sum(exp(x))) along <paramref name="dim"/>, computed without overflow.</summary>
        public Tensor logsumexp(long dim, bool keepdim = false) => logsumexp(new[] { dim }, keepdim);

        public unsafe Tensor logsumexp(long[] dims, bool keepdim = false)
        {
            fixed (long* p = dims) return FromNative(cdsr_tensor_logsumexp(Handle, p, dims.Length, keepdim ? 1 : 0));
        }

        /// <summary>The p-norm of all elements (p = double.PositiveInfinity for the largest magnitude).</summary>
        public Tensor norm(double p = 2) => norm(Array.Empty<long>(), false, p);
        // keepdim is required here so that norm(1) means the 1-norm, not the 2-norm along dimension 1.
        public Tensor norm(long dim, bool keepdim, double p = 2) => norm(new[] { dim }, keepdim, p);

        public unsafe Tensor norm(long[] dims, bool keepdim = false, double p = 2)
        {
            fixed (long* d = dims) return FromNative(cdsr_tensor_norm(Handle, p, d, dims.Length, keepdim ? 1 : 0));
        }

        public Tensor cumsum(long dim) => Tracing.TraceHooks.OpI(FromNative(cdsr_tensor_cumsum(Handle, dim)), "cumsum", this, dim);

        public Tensor max() => FromNative(cdsr_tensor_max_all(Handle));
        public Tensor min() => FromNative(cdsr_tensor_min_all(Handle));

        /// <summary>Largest values along <paramref name="dim"/> and their int64 positions.</summary>
        public (Tensor values, Tensor indexes) max(long dim, bool keepdim = false)
        {
            Check(cdsr_tensor_max_dim(Handle, dim, keepdim ? 1 : 0, out var v, out var i));
            return (FromNative(v), FromNative(i));
        }

        public (Tensor values, Tensor indexes) min(long dim, bool keepdim = false)
        {
            Check(cdsr_tensor_min_dim(Handle, dim, keepdim ? 1 : 0, out var v, out var i));
            return (FromNative(v), FromNative(i));
        }

        /// <summary>Position of the largest element in the flattened tensor.</summary>
        public Tensor argmax() => FromNative(cdsr_tensor_argmax(Handle, 0, 0, 0));
        public Tensor argmax(long dim, bool keepdim = false) => FromNative(cdsr_tensor_argmax(Handle, dim, 1, keepdim ? 1 : 0));
        public Tensor argmin() => FromNative(cdsr_tensor_argmin(Handle, 0, 0, 0));
        public Tensor argmin(long dim, bool keepdim = false) => FromNative(cdsr_tensor_argmin(Handle, dim, 1, keepdim ? 1 : 0));

        /// <summary>True when every element is non-zero (a bool tensor).</summary>
        public Tensor all() => FromNative(cdsr_tensor_all(Handle, 0, 0, 0));
        public Tensor all(long dim, bool keepdim = false) => FromNative(cdsr_tensor_all(Handle, dim, 1, keepdim ? 1 : 0));
        public Tensor any() => FromNative(cdsr_tensor_any(Handle, 0, 0, 0));
        public Tensor any(long dim, bool keepdim = false) => FromNative(cdsr_tensor_any(Handle, dim, 1, keepdim ? 1 : 0));

        /// <summary>The <paramref name="k"/> largest (or smallest) values along <paramref name="dim"/> and their positions.</summary>
        public (Tensor values, Tensor indexes) topk(long k, long dim = -1, bool largest = true, bool sorted = true)
        {
            Check(cdsr_tensor_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var v, out var i));
            return (FromNative(v), FromNative(i));
        }

        /// <summary>Stable sort along <paramref name="dim"/>: equal values keep their order.</summary>
        public (Tensor values, Tensor indices) sort(long dim = -1, bool descending = false)
        {
            Check(cdsr_tensor_sort(Handle, dim, descending ? 1 : 0, out var v, out var i));
            return (FromNative(v), FromNative(i));
        }

        /// <summary>The positions that sort this tensor along <paramref name="dim"/> (stable).</summary>
        public Tensor argsort(long dim = -1, bool descending = false) => FromNative(cdsr_tensor_argsort(Handle, dim, descending ? 1 : 0));
    }

    public static Tensor sum(Tensor input) => input.sum();
    public static Tensor sum(Tensor input, long dim, bool keepdim = false, ScalarType? type = null) => input.sum(dim, keepdim, type);
    public static Tensor mean(Tensor input) => input.mean();
    public static Tensor mean(Tensor input, long dim, bool keepdim = false) => input.mean(dim, keepdim);
    public static Tensor prod(Tensor input) => input.prod();
    public static Tensor std(Tensor input, bool unbiased = true) => input.std(unbiased);
    public static Tensor var(Tensor input, bool unbiased = true) => input.var(unbiased);
    public static Tensor logsumexp(Tensor input, long dim, bool keepdim = false) => input.logsumexp(dim, keepdim);
    public static Tensor norm(Tensor input, double p = 2) => input.norm(p);
    public static Tensor cumsum(Tensor input, long dim) => input.cumsum(dim);
    public static Tensor max(Tensor input) => input.max();
    public static Tensor min(Tensor input) => input.min();
    public static (Tensor values, Tensor indexes) max(Tensor input, long dim, bool keepdim = false) => input.max(dim, keepdim);
    public static (Tensor values, Tensor indexes) min(Tensor input, long dim, bool keepdim = false) => input.min(dim, keepdim);
    public static Tensor argmax(Tensor input) => input.argmax();
    public static Tensor argmax(Tensor input, long dim, bool keepdim = false) => input.argmax(dim, keepdim);
    public static Tensor argmin(Tensor input) => input.argmin();
    public static Tensor argmin(Tensor input, long dim, bool keepdim = false) => input.argmin(dim, keepdim);
    public static Tensor all(Tensor input) => input.all();
    public static Tensor any(Tensor input) => input.any();
    public static (Tensor values, Tensor indexes) topk(Tensor input, long k, long dim = -1, bool largest = true, bool sorted = true) =>
        input.topk(k, dim, largest, sorted);
    public static (Tensor values, Tensor indices) sort(Tensor input, long dim = -1, bool descending = false) => input.sort(dim, descending);
    public static Tensor argsort(Tensor input, long dim = -1, bool descending = false) => input.argsort(dim, descending);
}
