/* cdsr_tensor_*: tensor creation, data transfer, properties, element-wise math, autograd.
 * Every returned cdsr_tensor is owned by the caller (release with cdsr_tensor_dispose); arguments are borrowed.
 * dtype codes are c10::ScalarType values (Byte 0, Int8 1, Int16 2, Int32 3, Int64 4, Float16 5, Float32 6,
 * Float64 7, Bool 11, BFloat16 15). device_type: 0 = CPU, 1 = CUDA; device_index -1 = current.
 */
#ifndef CDSR_TENSOR_H
#define CDSR_TENSOR_H
#include "cdsr_common.h"

/* ---- lifetime ---- */
CDSR_API void cdsr_tensor_dispose(cdsr_tensor t);

/* ---- creation ---- */
/* Copies nbytes from data (host memory, row-major, dtype) into a new tensor of the given shape. */
CDSR_API cdsr_tensor cdsr_tensor_from_data(const void* data, int64_t nbytes, int dtype, const int64_t* shape, int ndim,
                                           int device_type, int device_index, int requires_grad);
CDSR_API cdsr_tensor cdsr_tensor_zeros(const int64_t* shape, int ndim, int dtype, int device_type, int device_index, int requires_grad);
CDSR_API cdsr_tensor cdsr_tensor_ones(const int64_t* shape, int ndim, int dtype, int device_type, int device_index, int requires_grad);
CDSR_API cdsr_tensor cdsr_tensor_empty(const int64_t* shape, int ndim, int dtype, int device_type, int device_index, int requires_grad);
CDSR_API cdsr_tensor cdsr_tensor_full(const int64_t* shape, int ndim, double value, int dtype, int device_type, int device_index, int requires_grad);
CDSR_API cdsr_tensor cdsr_tensor_arange(double start, double end, double step, int dtype, int device_type, int device_index);
CDSR_API cdsr_tensor cdsr_tensor_eye(int64_t n, int dtype, int device_type, int device_index);
CDSR_API cdsr_tensor cdsr_tensor_scalar(double value, int dtype, int device_type, int device_index);

/* ---- random (the global generator; seed with cdsr_manual_seed) ---- */
CDSR_API int cdsr_manual_seed(uint64_t seed);
CDSR_API cdsr_tensor cdsr_tensor_rand(const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
CDSR_API cdsr_tensor cdsr_tensor_randn(const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
CDSR_API cdsr_tensor cdsr_tensor_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, int device_type, int device_index);
CDSR_API cdsr_tensor cdsr_tensor_randperm(int64_t n, int device_type, int device_index);
CDSR_API cdsr_tensor cdsr_tensor_normal(double mean, double std, const int64_t* shape, int ndim, int dtype, int device_type, int device_index);
CDSR_API cdsr_tensor cdsr_tensor_multinomial(cdsr_tensor probs, int64_t num_samples, int replacement);
/* Serialises / restores the CPU generator state (for resumable runs). get: writes at most cap bytes, returns the
 * state length in *len (call with cap 0 to ask the length). */
CDSR_API int cdsr_rng_get_state(uint8_t* buffer, int64_t cap, int64_t* len);
CDSR_API int cdsr_rng_set_state(const uint8_t* buffer, int64_t len);

/* ---- data out and properties ---- */
/* Copies the tensor (converted to dtype, moved to CPU, made contiguous) into dst; nbytes must match exactly. */
CDSR_API int cdsr_tensor_copy_to(cdsr_tensor t, void* dst, int64_t nbytes, int dtype);
CDSR_API int cdsr_tensor_item_double(cdsr_tensor t, double* out);
CDSR_API int cdsr_tensor_item_int64(cdsr_tensor t, int64_t* out);
CDSR_API int cdsr_tensor_ndim(cdsr_tensor t, int64_t* out);
/* Writes min(ndim, cap) sizes to out. */
CDSR_API int cdsr_tensor_sizes(cdsr_tensor t, int64_t* out, int cap);
CDSR_API int cdsr_tensor_numel(cdsr_tensor t, int64_t* out);
CDSR_API int cdsr_tensor_dtype(cdsr_tensor t, int* out);
CDSR_API int cdsr_tensor_device(cdsr_tensor t, int* device_type, int* device_index);
CDSR_API int cdsr_tensor_is_sparse(cdsr_tensor t, int* out);

/* ---- conversion ---- */
CDSR_API cdsr_tensor cdsr_tensor_to_dtype(cdsr_tensor t, int dtype);
CDSR_API cdsr_tensor cdsr_tensor_to_device(cdsr_tensor t, int device_type, int device_index);
CDSR_API cdsr_tensor cdsr_tensor_contiguous(cdsr_tensor t);
CDSR_API cdsr_tensor cdsr_tensor_clone(cdsr_tensor t);
CDSR_API cdsr_tensor cdsr_tensor_detach(cdsr_tensor t);
/* A new handle to the same tensor (shares storage and autograd identity). */
CDSR_API cdsr_tensor cdsr_tensor_alias(cdsr_tensor t);

/* ---- autograd ---- */
CDSR_API int cdsr_tensor_requires_grad(cdsr_tensor t, int* out);
CDSR_API int cdsr_tensor_set_requires_grad(cdsr_tensor t, int requires_grad);
CDSR_API int cdsr_tensor_is_leaf(cdsr_tensor t, int* out);
/* gradient may be NULL for a scalar tensor. */
CDSR_API int cdsr_tensor_backward(cdsr_tensor t, cdsr_tensor gradient, int retain_graph);
/* *out = new handle to the .grad tensor, or NULL when it is undefined. */
CDSR_API int cdsr_tensor_grad(cdsr_tensor t, cdsr_tensor* out);
CDSR_API int cdsr_tensor_set_grad(cdsr_tensor t, cdsr_tensor grad_or_null);
/* Sets grad-mode for this thread; *previous receives the former mode. */
CDSR_API int cdsr_autograd_set_enabled(int enabled, int* previous);
CDSR_API int cdsr_autograd_is_enabled(void);

/* ---- element-wise, one input ---- */
#define CDSR_UNARY_OPS(X) \
    X(neg) X(exp) X(log) X(log1p) X(sqrt) X(rsqrt) X(abs) X(sign) X(square) X(reciprocal) \
    X(sin) X(cos) X(floor) X(ceil) X(round) X(relu) X(sigmoid) X(tanh) X(logical_not) X(isnan)
#define CDSR_DECLARE_UNARY(name) CDSR_API cdsr_tensor cdsr_tensor_##name(cdsr_tensor a);
CDSR_UNARY_OPS(CDSR_DECLARE_UNARY)
#undef CDSR_DECLARE_UNARY

/* ---- element-wise, two inputs, broadcasting ---- */
#define CDSR_BINARY_OPS(X) \
    X(add) X(sub) X(mul) X(div) X(pow) X(maximum) X(minimum) X(remainder) \
    X(eq) X(ne) X(lt) X(le) X(gt) X(ge) X(logical_and) X(logical_or) X(logical_xor) \
    X(matmul) X(bmm) X(mm)
#define CDSR_DECLARE_BINARY(name) CDSR_API cdsr_tensor cdsr_tensor_##name(cdsr_tensor a, cdsr_tensor b);
CDSR_BINARY_OPS(CDSR_DECLARE_BINARY)
#undef CDSR_DECLARE_BINARY

/* ---- element-wise with a scalar right-hand side ---- */
#define CDSR_SCALAR_OPS(X) \
    X(add) X(sub) X(mul) X(div) X(pow) X(remainder) X(eq) X(ne) X(lt) X(le) X(gt) X(ge)
#define CDSR_DECLARE_SCALAR(name) CDSR_API cdsr_tensor cdsr_tensor_##name##_scalar(cdsr_tensor a, double b);
CDSR_SCALAR_OPS(CDSR_DECLARE_SCALAR)
#undef CDSR_DECLARE_SCALAR
/* b - a (scalar on the left). */
CDSR_API cdsr_tensor cdsr_tensor_rsub_scalar(cdsr_tensor a, double b);
/* b / a (scalar on the left). */
CDSR_API cdsr_tensor cdsr_tensor_rdiv_scalar(cdsr_tensor a, double b);

#endif
