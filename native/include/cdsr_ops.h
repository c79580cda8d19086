/* cdsr_tensor_* (continued): shape and view ops, indexing, joining and splitting, gathers and scatters,
 * in-place updates, reductions, sorting, and the error/backtrace policy.
 *
 * Ownership as in cdsr_common.h: every returned cdsr_tensor (directly or through an out-pointer) is a new handle
 * owned by the caller; arguments are borrowed. Status functions return 0 on success and -1 on failure; on failure
 * no out-pointer has been written. An in-place function (name ending in _) mutates its first argument and
 * returns a status; the caller keeps using its own handle.
 *
 * Dimension lists: (dims, ndims) with ndims == 0 means "all dimensions" for reductions.
 */
#ifndef CDSR_OPS_H
#define CDSR_OPS_H
#include "cdsr_common.h"

/* ---- views and shape ---- */
CDSR_API cdsr_tensor cdsr_tensor_reshape(cdsr_tensor t, const int64_t* shape, int ndim);
CDSR_API cdsr_tensor cdsr_tensor_view(cdsr_tensor t, const int64_t* shape, int ndim);
CDSR_API cdsr_tensor cdsr_tensor_flatten(cdsr_tensor t, int64_t start_dim, int64_t end_dim);
CDSR_API cdsr_tensor cdsr_tensor_transpose(cdsr_tensor t, int64_t dim0, int64_t dim1);
CDSR_API cdsr_tensor cdsr_tensor_permute(cdsr_tensor t, const int64_t* dims, int ndim);
CDSR_API cdsr_tensor cdsr_tensor_t(cdsr_tensor t);
/* Removes every size-1 dimension. */
CDSR_API cdsr_tensor cdsr_tensor_squeeze(cdsr_tensor t);
CDSR_API cdsr_tensor cdsr_tensor_squeeze_dim(cdsr_tensor t, int64_t dim);
CDSR_API cdsr_tensor cdsr_tensor_unsqueeze(cdsr_tensor t, int64_t dim);
CDSR_API cdsr_tensor cdsr_tensor_expand(cdsr_tensor t, const int64_t* shape, int ndim);
CDSR_API cdsr_tensor cdsr_tensor_narrow(cdsr_tensor t, int64_t dim, int64_t start, int64_t length);
CDSR_API cdsr_tensor cdsr_tensor_select(cdsr_tensor t, int64_t dim, int64_t index);
CDSR_API cdsr_tensor cdsr_tensor_repeat(cdsr_tensor t, const int64_t* repeats, int n);
CDSR_API cdsr_tensor cdsr_tensor_flip(cdsr_tensor t, const int64_t* dims, int ndim);
CDSR_API cdsr_tensor cdsr_tensor_tril(cdsr_tensor t, int64_t diagonal);
CDSR_API cdsr_tensor cdsr_tensor_triu(cdsr_tensor t, int64_t diagonal);

/* Removes and rolls. shifts/dims of equal length n; dims may be empty (n == 0 with one shift: roll the flattened tensor). */
CDSR_API cdsr_tensor cdsr_tensor_roll(cdsr_tensor t, const int64_t* shifts, int nshifts, const int64_t* dims, int ndims);
/* Repeats every element `repeats` times along dim (has_dim 0: of the flattened tensor). */
CDSR_API cdsr_tensor cdsr_tensor_repeat_interleave(cdsr_tensor t, int64_t repeats, int64_t dim, int has_dim);
CDSR_API cdsr_tensor cdsr_tensor_diagonal(cdsr_tensor t, int64_t offset, int64_t dim1, int64_t dim2);
CDSR_API int cdsr_tensor_is_contiguous(cdsr_tensor t, int* out);
/* Writes min(ndim, cap) strides (in elements) to out. */
CDSR_API int cdsr_tensor_strides(cdsr_tensor t, int64_t* out, int cap);

/* ---- indexing (Python's t[...]) ----
 * One entry per index, n entries. kinds[i]: 0 integer (values[3i]), 1 slice (values[3i], values[3i+1], values[3i+2]
 * = start, stop, step; flags[i] bit 0 = start given, bit 1 = stop given), 2 ellipsis, 3 None (new axis),
 * 4 tensor (tensors[i]: int64 indices or a bool mask), 5 boolean (values[3i] != 0). Unused slots are ignored. */
CDSR_API cdsr_tensor cdsr_tensor_index(cdsr_tensor t, const int* kinds, const int* flags, const int64_t* values,
                                       const cdsr_tensor* tensors, int n);
/* t[...] = value (value broadcast to the indexed shape). */
CDSR_API int cdsr_tensor_index_put_(cdsr_tensor t, const int* kinds, const int* flags, const int64_t* values,
                                    const cdsr_tensor* tensors, int n, cdsr_tensor value);
CDSR_API int cdsr_tensor_index_put_scalar_(cdsr_tensor t, const int* kinds, const int* flags, const int64_t* values,
                                           const cdsr_tensor* tensors, int n, double value);

/* ---- joining and splitting ---- */
CDSR_API cdsr_tensor cdsr_tensor_cat(const cdsr_tensor* tensors, int n, int64_t dim);
CDSR_API cdsr_tensor cdsr_tensor_stack(const cdsr_tensor* tensors, int n, int64_t dim);
/* Splits along dim into pieces of the given sizes (they must sum to the dimension's size); writes nsizes new
 * handles to out (which has room for nsizes). */
CDSR_API int cdsr_tensor_split_with_sizes(cdsr_tensor t, const int64_t* sizes, int nsizes, int64_t dim, cdsr_tensor* out);

/* ---- gathers, scatters, masks ---- */
CDSR_API cdsr_tensor cdsr_tensor_gather(cdsr_tensor t, int64_t dim, cdsr_tensor index);
CDSR_API cdsr_tensor cdsr_tensor_scatter(cdsr_tensor t, int64_t dim, cdsr_tensor index, cdsr_tensor src);
CDSR_API cdsr_tensor cdsr_tensor_scatter_add(cdsr_tensor t, int64_t dim, cdsr_tensor index, cdsr_tensor src);
CDSR_API cdsr_tensor cdsr_tensor_index_select(cdsr_tensor t, int64_t dim, cdsr_tensor index);
CDSR_API cdsr_tensor cdsr_tensor_masked_fill(cdsr_tensor t, cdsr_tensor mask, double value);
CDSR_API cdsr_tensor cdsr_tensor_masked_select(cdsr_tensor t, cdsr_tensor mask);
CDSR_API cdsr_tensor cdsr_tensor_where(cdsr_tensor condition, cdsr_tensor a, cdsr_tensor b);

/* [number of non-zero elements, ndim] int64 coordinates of the non-zero elements, row-major order. */
CDSR_API cdsr_tensor cdsr_tensor_nonzero(cdsr_tensor t);
/* Bool tensor: whether each element of t occurs in test. */
CDSR_API cdsr_tensor cdsr_tensor_isin(cdsr_tensor t, cdsr_tensor test);
/* Counts of each value of a 1-D non-negative int64 tensor (weights may be NULL); at least minlength bins. */
CDSR_API cdsr_tensor cdsr_tensor_bincount(cdsr_tensor t, cdsr_tensor weights_or_null, int64_t minlength);
/* Einstein summation, e.g. "bij,bjk->bik", over n operands. */
CDSR_API cdsr_tensor cdsr_tensor_einsum(const char* equation, const cdsr_tensor* tensors, int n);
/* In place: t[index[i][j]][j] = value along dim 0 (likewise for others), e.g. one-hot rows. */
CDSR_API int cdsr_tensor_scatter_value_(cdsr_tensor t, int64_t dim, cdsr_tensor index, double value);
/* In place: t[..., index[i], ...] += alpha * src[..., i, ...] along dim (repeated indices accumulate). */
CDSR_API int cdsr_tensor_index_add_(cdsr_tensor t, int64_t dim, cdsr_tensor index, cdsr_tensor src, double alpha);

/* ---- more element-wise ---- */
/* has_min / has_max: 0 leaves that side unbounded. */
CDSR_API cdsr_tensor cdsr_tensor_clamp(cdsr_tensor t, double min, int has_min, double max, int has_max);
CDSR_API cdsr_tensor cdsr_tensor_fmod(cdsr_tensor a, cdsr_tensor b);
CDSR_API cdsr_tensor cdsr_tensor_fmod_scalar(cdsr_tensor a, double b);
/* a + alpha * b. */
CDSR_API cdsr_tensor cdsr_tensor_add_alpha(cdsr_tensor a, cdsr_tensor b, double alpha);

CDSR_API cdsr_tensor cdsr_tensor_isinf(cdsr_tensor t);
CDSR_API cdsr_tensor cdsr_tensor_isfinite(cdsr_tensor t);
/* NaN -> nan, +inf -> posinf, -inf -> neginf. */
CDSR_API cdsr_tensor cdsr_tensor_nan_to_num(cdsr_tensor t, double nan, double posinf, double neginf);
/* a + weight * (b - a). */
CDSR_API cdsr_tensor cdsr_tensor_lerp(cdsr_tensor a, cdsr_tensor b, double weight);
/* beta * t + alpha * (a @ b) for matrices (addmm) or batches of matrices (baddbmm). */
CDSR_API cdsr_tensor cdsr_tensor_addmm(cdsr_tensor t, cdsr_tensor a, cdsr_tensor b, double beta, double alpha);
CDSR_API cdsr_tensor cdsr_tensor_baddbmm(cdsr_tensor t, cdsr_tensor a, cdsr_tensor b, double beta, double alpha);

/* ---- in place (mutate t) ---- */
CDSR_API int cdsr_tensor_add_(cdsr_tensor t, cdsr_tensor other, double alpha);
CDSR_API int cdsr_tensor_sub_(cdsr_tensor t, cdsr_tensor other);
CDSR_API int cdsr_tensor_mul_(cdsr_tensor t, cdsr_tensor other);
CDSR_API int cdsr_tensor_div_(cdsr_tensor t, cdsr_tensor other);
CDSR_API int cdsr_tensor_add_scalar_(cdsr_tensor t, double value);
CDSR_API int cdsr_tensor_mul_scalar_(cdsr_tensor t, double value);
CDSR_API int cdsr_tensor_div_scalar_(cdsr_tensor t, double value);
CDSR_API int cdsr_tensor_fill_(cdsr_tensor t, double value);
CDSR_API int cdsr_tensor_zero_(cdsr_tensor t);
CDSR_API int cdsr_tensor_copy_(cdsr_tensor t, cdsr_tensor src);
CDSR_API int cdsr_tensor_clamp_(cdsr_tensor t, double min, int has_min, double max, int has_max);
CDSR_API int cdsr_tensor_masked_fill_(cdsr_tensor t, cdsr_tensor mask, double value);
/* Draws from the default generator (seeded by cdsr_manual_seed). */
CDSR_API int cdsr_tensor_uniform_(cdsr_tensor t, double from, double to);
CDSR_API int cdsr_tensor_normal_(cdsr_tensor t, double mean, double std);

/* ---- reductions ---- */
/* dtype < 0 keeps the input's type (sum of bool/int gives int64, as in libtorch). */
CDSR_API cdsr_tensor cdsr_tensor_sum(cdsr_tensor t, const int64_t* dims, int ndims, int keepdim, int dtype);
CDSR_API cdsr_tensor cdsr_tensor_mean(cdsr_tensor t, const int64_t* dims, int ndims, int keepdim);
CDSR_API cdsr_tensor cdsr_tensor_prod(cdsr_tensor t, int64_t dim, int has_dim, int keepdim);
CDSR_API cdsr_tensor cdsr_tensor_std(cdsr_tensor t, const int64_t* dims, int ndims, int unbiased, int keepdim);
CDSR_API cdsr_tensor cdsr_tensor_var(cdsr_tensor t, const int64_t* dims, int ndims, int unbiased, int keepdim);
CDSR_API cdsr_tensor cdsr_tensor_logsumexp(cdsr_tensor t, const int64_t* dims, int ndims, int keepdim);
/* p-norm over dims (all when ndims == 0); p = inf for the max norm. */
CDSR_API cdsr_tensor cdsr_tensor_norm(cdsr_tensor t, double p, const int64_t* dims, int ndims, int keepdim);
CDSR_API cdsr_tensor cdsr_tensor_cumsum(cdsr_tensor t, int64_t dim);
/* Over all elements. */
CDSR_API cdsr_tensor cdsr_tensor_max_all(cdsr_tensor t);
CDSR_API cdsr_tensor cdsr_tensor_min_all(cdsr_tensor t);
/* Along dim: values and int64 indices. */
CDSR_API int cdsr_tensor_max_dim(cdsr_tensor t, int64_t dim, int keepdim, cdsr_tensor* values, cdsr_tensor* indices);
CDSR_API int cdsr_tensor_min_dim(cdsr_tensor t, int64_t dim, int keepdim, cdsr_tensor* values, cdsr_tensor* indices);
/* has_dim 0: index into the flattened tensor. */
CDSR_API cdsr_tensor cdsr_tensor_argmax(cdsr_tensor t, int64_t dim, int has_dim, int keepdim);
CDSR_API cdsr_tensor cdsr_tensor_argmin(cdsr_tensor t, int64_t dim, int has_dim, int keepdim);
CDSR_API cdsr_tensor cdsr_tensor_all(cdsr_tensor t, int64_t dim, int has_dim, int keepdim);
CDSR_API cdsr_tensor cdsr_tensor_any(cdsr_tensor t, int64_t dim, int has_dim, int keepdim);

/* ---- sorting ---- */
CDSR_API int cdsr_tensor_topk(cdsr_tensor t, int64_t k, int64_t dim, int largest, int sorted, cdsr_tensor* values, cdsr_tensor* indices);
/* stable sort. */
CDSR_API int cdsr_tensor_sort(cdsr_tensor t, int64_t dim, int descending, cdsr_tensor* values, cdsr_tensor* indices);
CDSR_API cdsr_tensor cdsr_tensor_argsort(cdsr_tensor t, int64_t dim, int descending);

/* ---- errors ----
 * libtorch records a C++ backtrace for every c10::Error it raises, which costs milliseconds per error. The shim
 * turns that off when it is loaded unless the environment sets CDSR_CPP_BACKTRACES=1. */
/* 1 when C++ backtraces are being recorded for libtorch errors, else 0. */
CDSR_API int cdsr_cpp_backtraces_enabled(void);

/* ---- benchmarks ---- */
/* Calls at::matmul(a, b) iterations times directly in C++ (no binding in between, result discarded, grad mode
 * off); *ns_per_call receives the mean wall time of one call in nanoseconds. The reference for the binding's
 * matmul benchmark (Cdsr.Benchmarks/MatmulBenchmark.cs). */
CDSR_API int cdsr_bench_matmul_direct(cdsr_tensor a, cdsr_tensor b, int iterations, double* ns_per_call);

#endif
