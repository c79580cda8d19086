using System.Runtime.InteropServices;

namespace Cdsr.Torch.Native;

/// <summary>P/Invoke declarations for native/include/cdsr_tensor.h. Handles returned as IntPtr are owned by the
/// caller and must be wrapped in a <see cref="TensorHandle"/> at once (see <c>Tensor.FromNative</c>).</summary>
internal static partial class TensorNative
{
    private const string L = LibCdsrTorch.Library;

    [LibraryImport(L)] internal static partial void cdsr_tensor_dispose(IntPtr t);

    // creation
    [LibraryImport(L)] internal static unsafe partial IntPtr cdsr_tensor_from_data(void* data, long nbytes, int dtype, long* shape, int ndim, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(L)] internal static unsafe partial IntPtr cdsr_tensor_zeros(long* shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(L)] internal static unsafe partial IntPtr cdsr_tensor_ones(long* shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(L)] internal static unsafe partial IntPtr cdsr_tensor_empty(long* shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(L)] internal static unsafe partial IntPtr cdsr_tensor_full(long* shape, int ndim, double value, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_eye(long n, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_scalar(double value, int dtype, int deviceType, int deviceIndex);

    // random
    [LibraryImport(L)] internal static partial int cdsr_manual_seed(ulong seed);
    [LibraryImport(L)] internal static unsafe partial IntPtr cdsr_tensor_rand(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(L)] internal static unsafe partial IntPtr cdsr_tensor_randn(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(L)] internal static unsafe partial IntPtr cdsr_tensor_randint(long low, long high, long* shape, int ndim, int deviceType, int deviceIndex);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_randperm(long n, int deviceType, int deviceIndex);
    [LibraryImport(L)] internal static unsafe partial IntPtr cdsr_tensor_normal(double mean, double std, long* shape, int ndim, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_multinomial(TensorHandle probs, long numSamples, int replacement);
    [LibraryImport(L)] internal static unsafe partial int cdsr_rng_get_state(byte* buffer, long cap, out long len);
    [LibraryImport(L)] internal static unsafe partial int cdsr_rng_set_state(byte* buffer, long len);

    // data out and properties
    [LibraryImport(L)] internal static unsafe partial int cdsr_tensor_copy_to(TensorHandle t, void* dst, long nbytes, int dtype);
    [LibraryImport(L)] internal static partial int cdsr_tensor_item_double(TensorHandle t, out double value);
    [LibraryImport(L)] internal static partial int cdsr_tensor_item_int64(TensorHandle t, out long value);
    [LibraryImport(L)] internal static partial int cdsr_tensor_ndim(TensorHandle t, out long ndim);
    [LibraryImport(L)] internal static unsafe partial int cdsr_tensor_sizes(TensorHandle t, long* sizes, int cap);
    [LibraryImport(L)] internal static partial int cdsr_tensor_numel(TensorHandle t, out long numel);
    [LibraryImport(L)] internal static partial int cdsr_tensor_dtype(TensorHandle t, out int dtype);
    [LibraryImport(L)] internal static partial int cdsr_tensor_device(TensorHandle t, out int deviceType, out int deviceIndex);
    [LibraryImport(L)] internal static partial int cdsr_tensor_is_sparse(TensorHandle t, out int sparse);

    // conversion
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_to_dtype(TensorHandle t, int dtype);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_to_device(TensorHandle t, int deviceType, int deviceIndex);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_contiguous(TensorHandle t);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_clone(TensorHandle t);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_detach(TensorHandle t);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_alias(TensorHandle t);

    // autograd
    [LibraryImport(L)] internal static partial int cdsr_tensor_requires_grad(TensorHandle t, out int value);
    [LibraryImport(L)] internal static partial int cdsr_tensor_set_requires_grad(TensorHandle t, int value);
    [LibraryImport(L)] internal static partial int cdsr_tensor_is_leaf(TensorHandle t, out int value);
    [LibraryImport(L)] internal static partial int cdsr_tensor_backward(TensorHandle t, IntPtr gradientOrNull, int retainGraph);
    [LibraryImport(L)] internal static partial int cdsr_tensor_grad(TensorHandle t, out IntPtr grad);
    [LibraryImport(L)] internal static partial int cdsr_tensor_set_grad(TensorHandle t, IntPtr gradOrNull);
    [LibraryImport(L)] internal static partial int cdsr_autograd_set_enabled(int enabled, out int previous);
    [LibraryImport(L)] internal static partial int cdsr_autograd_is_enabled();

    // element-wise, one input
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_neg(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_exp(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_log(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_log1p(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_sqrt(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_rsqrt(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_abs(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_sign(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_square(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_reciprocal(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_sin(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_cos(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_floor(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_ceil(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_round(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_relu(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_sigmoid(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_tanh(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_logical_not(TensorHandle a);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_isnan(TensorHandle a);

    // element-wise, two inputs (broadcasting)
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_add(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_sub(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_mul(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_div(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_pow(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_maximum(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_minimum(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_remainder(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_eq(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_ne(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_lt(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_le(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_gt(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_ge(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_logical_and(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_logical_or(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_logical_xor(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_matmul(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_bmm(TensorHandle a, TensorHandle b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_mm(TensorHandle a, TensorHandle b);

    // element-wise with a scalar
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_add_scalar(TensorHandle a, double b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_sub_scalar(TensorHandle a, double b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_mul_scalar(TensorHandle a, double b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_div_scalar(TensorHandle a, double b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_pow_scalar(TensorHandle a, double b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_remainder_scalar(TensorHandle a, double b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_eq_scalar(TensorHandle a, double b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_ne_scalar(TensorHandle a, double b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_lt_scalar(TensorHandle a, double b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_le_scalar(TensorHandle a, double b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_gt_scalar(TensorHandle a, double b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_ge_scalar(TensorHandle a, double b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_rsub_scalar(TensorHandle a, double b);
    [LibraryImport(L)] internal static partial IntPtr cdsr_tensor_rdiv_scalar(TensorHandle a, double b);
}
