using System.Runtime.InteropServices;

namespace Cdsr.Torch.Native;

/// <summary>P/Invoke declarations for native/include/cdsr_ops.h (shape, indexing, in-place, reductions, sorting,
/// error policy, benchmarks). Returned IntPtr handles are owned by the caller and wrapped at once by
/// <c>Tensor.FromNative</c>; status results go through <see cref="Check(int)"/>.</summary>
internal static partial class LibCdsrTorch
{
    // views and shape
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_reshape(TensorHandle t, long* shape, int ndim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_view(TensorHandle t, long* shape, int ndim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_flatten(TensorHandle t, long startDim, long endDim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_transpose(TensorHandle t, long dim0, long dim1);
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_permute(TensorHandle t, long* dims, int ndim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_t(TensorHandle t);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_squeeze(TensorHandle t);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_squeeze_dim(TensorHandle t, long dim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_unsqueeze(TensorHandle t, long dim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_expand(TensorHandle t, long* shape, int ndim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_narrow(TensorHandle t, long dim, long start, long length);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_select(TensorHandle t, long dim, long index);
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_repeat(TensorHandle t, long* repeats, int n);
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_flip(TensorHandle t, long* dims, int ndim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_tril(TensorHandle t, long diagonal);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_triu(TensorHandle t, long diagonal);

    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_roll(TensorHandle t, long* shifts, int nshifts, long* dims, int ndims);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_repeat_interleave(TensorHandle t, long repeats, long dim, int hasDim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_diagonal(TensorHandle t, long offset, long dim1, long dim2);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_is_contiguous(TensorHandle t, out int value);
    [LibraryImport(Library)] internal static unsafe partial int cdsr_tensor_strides(TensorHandle t, long* strides, int cap);

    // indexing
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_index(TensorHandle t, int* kinds, int* flags, long* values, IntPtr* tensors, int n);
    [LibraryImport(Library)] internal static unsafe partial int cdsr_tensor_index_put_(TensorHandle t, int* kinds, int* flags, long* values, IntPtr* tensors, int n, TensorHandle value);
    [LibraryImport(Library)] internal static unsafe partial int cdsr_tensor_index_put_scalar_(TensorHandle t, int* kinds, int* flags, long* values, IntPtr* tensors, int n, double value);

    // joining and splitting
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_cat(IntPtr* tensors, int n, long dim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_stack(IntPtr* tensors, int n, long dim);
    [LibraryImport(Library)] internal static unsafe partial int cdsr_tensor_split_with_sizes(TensorHandle t, long* sizes, int nsizes, long dim, IntPtr* output);

    // gathers, scatters, masks
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_gather(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_scatter(TensorHandle t, long dim, TensorHandle index, TensorHandle src);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_scatter_add(TensorHandle t, long dim, TensorHandle index, TensorHandle src);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_index_select(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_masked_fill(TensorHandle t, TensorHandle mask, double value);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_masked_select(TensorHandle t, TensorHandle mask);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_where(TensorHandle condition, TensorHandle a, TensorHandle b);

    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_nonzero(TensorHandle t);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_isin(TensorHandle t, TensorHandle test);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_bincount(TensorHandle t, IntPtr weightsOrNull, long minlength);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static unsafe partial IntPtr cdsr_tensor_einsum(string equation, IntPtr* tensors, int n);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_scatter_value_(TensorHandle t, long dim, TensorHandle index, double value);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_index_add_(TensorHandle t, long dim, TensorHandle index, TensorHandle src, double alpha);

    // element-wise extras
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_clamp(TensorHandle t, double min, int hasMin, double max, int hasMax);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_fmod(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_fmod_scalar(TensorHandle a, double b);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_add_alpha(TensorHandle a, TensorHandle b, double alpha);

    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_isinf(TensorHandle t);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_isfinite(TensorHandle t);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_nan_to_num(TensorHandle t, double nan, double posinf, double neginf);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_lerp(TensorHandle a, TensorHandle b, double weight);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_addmm(TensorHandle t, TensorHandle a, TensorHandle b, double beta, double alpha);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_baddbmm(TensorHandle t, TensorHandle a, TensorHandle b, double beta, double alpha);

    // in place
    [LibraryImport(Library)] internal static partial int cdsr_tensor_add_(TensorHandle t, TensorHandle other, double alpha);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_sub_(TensorHandle t, TensorHandle other);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_mul_(TensorHandle t, TensorHandle other);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_div_(TensorHandle t, TensorHandle other);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_add_scalar_(TensorHandle t, double value);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_mul_scalar_(TensorHandle t, double value);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_div_scalar_(TensorHandle t, double value);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_fill_(TensorHandle t, double value);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_zero_(TensorHandle t);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_copy_(TensorHandle t, TensorHandle src);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_clamp_(TensorHandle t, double min, int hasMin, double max, int hasMax);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_masked_fill_(TensorHandle t, TensorHandle mask, double value);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_uniform_(TensorHandle t, double from, double to);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_normal_(TensorHandle t, double mean, double std);

    // reductions
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_sum(TensorHandle t, long* dims, int ndims, int keepdim, int dtype);
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_mean(TensorHandle t, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_prod(TensorHandle t, long dim, int hasDim, int keepdim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_std(TensorHandle t, long* dims, int ndims, int unbiased, int keepdim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_var(TensorHandle t, long* dims, int ndims, int unbiased, int keepdim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_logsumexp(TensorHandle t, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_tensor_norm(TensorHandle t, double p, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_cumsum(TensorHandle t, long dim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_max_all(TensorHandle t);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_min_all(TensorHandle t);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_max_dim(TensorHandle t, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_min_dim(TensorHandle t, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_argmax(TensorHandle t, long dim, int hasDim, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_argmin(TensorHandle t, long dim, int hasDim, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_all(TensorHandle t, long dim, int hasDim, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_any(TensorHandle t, long dim, int hasDim, int keepdim);

    // sorting
    [LibraryImport(Library)] internal static partial int cdsr_tensor_topk(TensorHandle t, long k, long dim, int largest, int sorted, out IntPtr values, out IntPtr indices);
    [LibraryImport(Library)] internal static partial int cdsr_tensor_sort(TensorHandle t, long dim, int descending, out IntPtr values, out IntPtr indices);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_tensor_argsort(TensorHandle t, long dim, int descending);

    // errors and benchmarks
    [LibraryImport(Library)] internal static partial int cdsr_cpp_backtraces_enabled();
    [LibraryImport(Library)] internal static partial int cdsr_bench_matmul_direct(TensorHandle a, TensorHandle b, int iterations, out double nsPerCall);
}
