// cdsr_tensor_* element-wise extras, in-place updates, reductions and sorting (see include/cdsr_ops.h).
#include "boundary.hpp"
#include "cdsr_ops.h"
#include "cdsr_tensor.h"
#include <numeric>
#include <vector>

using cdsr::unwrap;

namespace {
// The reduction dimensions: the given list, or every dimension when the list is empty.
std::vector<int64_t> reduce_dims(const at::Tensor& t, const int64_t* dims, int ndims) {
    if (ndims > 0) return std::vector<int64_t>(dims, dims + ndims);
    std::vector<int64_t> all(static_cast<size_t>(t.dim()));
    std::iota(all.begin(), all.end(), 0);
    return all;
}
c10::optional<at::Scalar> bound(double v, int has) { return has ? c10::optional<at::Scalar>(v) : c10::nullopt; }
void check_bounds(int has_min, int has_max) {
    if (!has_min && !has_max) throw std::invalid_argument("clamp: at least one of min and max must be given");
}
// Writes a (values, indices) pair only after both handles exist.
void write_pair(std::tuple<at::Tensor, at::Tensor> r, cdsr_tensor* values, cdsr_tensor* indices) {
    auto v = cdsr::wrap(std::move(std::get<0>(r)));
    try {
        *indices = cdsr::wrap(std::move(std::get<1>(r)));
    } catch (...) {
        cdsr_tensor_dispose(v);  // no handle escapes a failed call
        throw;
    }
    *values = v;
}
}  // namespace

// ---- element-wise extras ----
CDSR_API cdsr_tensor cdsr_tensor_clamp(cdsr_tensor t, double mn, int has_min, double mx, int has_max) {
    CDSR_GUARD(nullptr, {
        check_bounds(has_min, has_max);
        return cdsr::wrap(at::clamp(unwrap(t), bound(mn, has_min), bound(mx, has_max)));
    })
}
CDSR_API cdsr_tensor cdsr_tensor_fmod(cdsr_tensor a, cdsr_tensor b) { CDSR_TENSOR_FN(at::fmod(unwrap(a), unwrap(b))) }
CDSR_API cdsr_tensor cdsr_tensor_fmod_scalar(cdsr_tensor a, double b) { CDSR_TENSOR_FN(at::fmod(unwrap(a), at::Scalar(b))) }
CDSR_API cdsr_tensor cdsr_tensor_add_alpha(cdsr_tensor a, cdsr_tensor b, double alpha) { CDSR_TENSOR_FN(at::add(unwrap(a), unwrap(b), alpha)) }

CDSR_API cdsr_tensor cdsr_tensor_isinf(cdsr_tensor t) { CDSR_TENSOR_FN(at::isinf(unwrap(t))) }
CDSR_API cdsr_tensor cdsr_tensor_isfinite(cdsr_tensor t) { CDSR_TENSOR_FN(at::isfinite(unwrap(t))) }
CDSR_API cdsr_tensor cdsr_tensor_nan_to_num(cdsr_tensor t, double nan, double posinf, double neginf) {
    CDSR_TENSOR_FN(at::nan_to_num(unwrap(t), nan, posinf, neginf))
}
CDSR_API cdsr_tensor cdsr_tensor_lerp(cdsr_tensor a, cdsr_tensor b, double w) { CDSR_TENSOR_FN(at::lerp(unwrap(a), unwrap(b), at::Scalar(w))) }
CDSR_API cdsr_tensor cdsr_tensor_addmm(cdsr_tensor t, cdsr_tensor a, cdsr_tensor b, double beta, double alpha) {
    CDSR_TENSOR_FN(at::addmm(unwrap(t), unwrap(a), unwrap(b), beta, alpha))
}
CDSR_API cdsr_tensor cdsr_tensor_baddbmm(cdsr_tensor t, cdsr_tensor a, cdsr_tensor b, double beta, double alpha) {
    CDSR_TENSOR_FN(at::baddbmm(unwrap(t), unwrap(a), unwrap(b), beta, alpha))
}

// ---- in place ----
CDSR_API int cdsr_tensor_add_(cdsr_tensor t, cdsr_tensor o, double alpha) { CDSR_STATUS_FN(unwrap(t).add_(unwrap(o), alpha);) }
CDSR_API int cdsr_tensor_sub_(cdsr_tensor t, cdsr_tensor o) { CDSR_STATUS_FN(unwrap(t).sub_(unwrap(o));) }
CDSR_API int cdsr_tensor_mul_(cdsr_tensor t, cdsr_tensor o) { CDSR_STATUS_FN(unwrap(t).mul_(unwrap(o));) }
CDSR_API int cdsr_tensor_div_(cdsr_tensor t, cdsr_tensor o) { CDSR_STATUS_FN(unwrap(t).div_(unwrap(o));) }
CDSR_API int cdsr_tensor_add_scalar_(cdsr_tensor t, double v) { CDSR_STATUS_FN(unwrap(t).add_(at::Scalar(v));) }
CDSR_API int cdsr_tensor_mul_scalar_(cdsr_tensor t, double v) { CDSR_STATUS_FN(unwrap(t).mul_(at::Scalar(v));) }
CDSR_API int cdsr_tensor_div_scalar_(cdsr_tensor t, double v) { CDSR_STATUS_FN(unwrap(t).div_(at::Scalar(v));) }
CDSR_API int cdsr_tensor_fill_(cdsr_tensor t, double v) { CDSR_STATUS_FN(unwrap(t).fill_(at::Scalar(v));) }
CDSR_API int cdsr_tensor_zero_(cdsr_tensor t) { CDSR_STATUS_FN(unwrap(t).zero_();) }
CDSR_API int cdsr_tensor_copy_(cdsr_tensor t, cdsr_tensor src) { CDSR_STATUS_FN(unwrap(t).copy_(unwrap(src));) }
CDSR_API int cdsr_tensor_clamp_(cdsr_tensor t, double mn, int has_min, double mx, int has_max) {
    CDSR_STATUS_FN({
        check_bounds(has_min, has_max);
        unwrap(t).clamp_(bound(mn, has_min), bound(mx, has_max));
    })
}
CDSR_API int cdsr_tensor_masked_fill_(cdsr_tensor t, cdsr_tensor mask, double v) { CDSR_STATUS_FN(unwrap(t).masked_fill_(unwrap(mask), at::Scalar(v));) }
CDSR_API int cdsr_tensor_uniform_(cdsr_tensor t, double from, double to) { CDSR_STATUS_FN(unwrap(t).uniform_(from, to);) }
CDSR_API int cdsr_tensor_normal_(cdsr_tensor t, double mean, double std) { CDSR_STATUS_FN(unwrap(t).normal_(mean, std);) }

// ---- reductions ----
CDSR_API cdsr_tensor cdsr_tensor_sum(cdsr_tensor t, const int64_t* dims, int ndims, int keepdim, int dtype) {
    CDSR_GUARD(nullptr, {
        auto& x = unwrap(t);
        c10::optional<at::ScalarType> st = dtype < 0 ? c10::nullopt : c10::optional<at::ScalarType>(static_cast<at::ScalarType>(dtype));
        return cdsr::wrap(at::sum(x, reduce_dims(x, dims, ndims), keepdim != 0, st));
    })
}
CDSR_API cdsr_tensor cdsr_tensor_mean(cdsr_tensor t, const int64_t* dims, int ndims, int keepdim) {
    CDSR_GUARD(nullptr, {
        auto& x = unwrap(t);
        return cdsr::wrap(at::mean(x, reduce_dims(x, dims, ndims), keepdim != 0));
    })
}
CDSR_API cdsr_tensor cdsr_tensor_prod(cdsr_tensor t, int64_t dim, int has_dim, int keepdim) {
    CDSR_TENSOR_FN(has_dim ? at::prod(unwrap(t), dim, keepdim != 0) : at::prod(unwrap(t)))
}
CDSR_API cdsr_tensor cdsr_tensor_std(cdsr_tensor t, const int64_t* dims, int ndims, int unbiased, int keepdim) {
    CDSR_GUARD(nullptr, {
        auto& x = unwrap(t);
        return cdsr::wrap(at::std(x, at::OptionalIntArrayRef(reduce_dims(x, dims, ndims)), unbiased != 0, keepdim != 0));
    })
}
CDSR_API cdsr_tensor cdsr_tensor_var(cdsr_tensor t, const int64_t* dims, int ndims, int unbiased, int keepdim) {
    CDSR_GUARD(nullptr, {
        auto& x = unwrap(t);
        return cdsr::wrap(at::var(x, at::OptionalIntArrayRef(reduce_dims(x, dims, ndims)), unbiased != 0, keepdim != 0));
    })
}
CDSR_API cdsr_tensor cdsr_tensor_logsumexp(cdsr_tensor t, const int64_t* dims, int ndims, int keepdim) {
    CDSR_GUARD(nullptr, {
        auto& x = unwrap(t);
        return cdsr::wrap(at::logsumexp(x, reduce_dims(x, dims, ndims), keepdim != 0));
    })
}
CDSR_API cdsr_tensor cdsr_tensor_norm(cdsr_tensor t, double p, const int64_t* dims, int ndims, int keepdim) {
    CDSR_GUARD(nullptr, {
        auto& x = unwrap(t);
        return cdsr::wrap(at::norm(x, at::Scalar(p), reduce_dims(x, dims, ndims), keepdim != 0));
    })
}
CDSR_API cdsr_tensor cdsr_tensor_cumsum(cdsr_tensor t, int64_t dim) { CDSR_TENSOR_FN(at::cumsum(unwrap(t), dim)) }
CDSR_API cdsr_tensor cdsr_tensor_max_all(cdsr_tensor t) { CDSR_TENSOR_FN(at::max(unwrap(t))) }
CDSR_API cdsr_tensor cdsr_tensor_min_all(cdsr_tensor t) { CDSR_TENSOR_FN(at::min(unwrap(t))) }
CDSR_API int cdsr_tensor_max_dim(cdsr_tensor t, int64_t dim, int keepdim, cdsr_tensor* values, cdsr_tensor* indices) {
    CDSR_STATUS_FN(write_pair(at::max(unwrap(t), dim, keepdim != 0), values, indices);)
}
CDSR_API int cdsr_tensor_min_dim(cdsr_tensor t, int64_t dim, int keepdim, cdsr_tensor* values, cdsr_tensor* indices) {
    CDSR_STATUS_FN(write_pair(at::min(unwrap(t), dim, keepdim != 0), values, indices);)
}
CDSR_API cdsr_tensor cdsr_tensor_argmax(cdsr_tensor t, int64_t dim, int has_dim, int keepdim) {
    CDSR_TENSOR_FN(at::argmax(unwrap(t), has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
}
CDSR_API cdsr_tensor cdsr_tensor_argmin(cdsr_tensor t, int64_t dim, int has_dim, int keepdim) {
    CDSR_TENSOR_FN(at::argmin(unwrap(t), has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
}
CDSR_API cdsr_tensor cdsr_tensor_all(cdsr_tensor t, int64_t dim, int has_dim, int keepdim) {
    CDSR_TENSOR_FN(has_dim ? at::all(unwrap(t), dim, keepdim != 0) : at::all(unwrap(t)))
}
CDSR_API cdsr_tensor cdsr_tensor_any(cdsr_tensor t, int64_t dim, int has_dim, int keepdim) {
    CDSR_TENSOR_FN(has_dim ? at::any(unwrap(t), dim, keepdim != 0) : at::any(unwrap(t)))
}

// ---- sorting ----
CDSR_API int cdsr_tensor_topk(cdsr_tensor t, int64_t k, int64_t dim, int largest, int sorted, cdsr_tensor* values, cdsr_tensor* indices) {
    CDSR_STATUS_FN(write_pair(at::topk(unwrap(t), k, dim, largest != 0, sorted != 0), values, indices);)
}
CDSR_API int cdsr_tensor_sort(cdsr_tensor t, int64_t dim, int descending, cdsr_tensor* values, cdsr_tensor* indices) {
    CDSR_STATUS_FN(write_pair(at::sort(unwrap(t), c10::optional<bool>(true), dim, descending != 0), values, indices);)
}
CDSR_API cdsr_tensor cdsr_tensor_argsort(cdsr_tensor t, int64_t dim, int descending) {
    CDSR_TENSOR_FN(std::get<1>(at::sort(unwrap(t), c10::optional<bool>(true), dim, descending != 0)))
}
