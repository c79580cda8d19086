// cdsr_tensor_* shape and view ops, indexing, joining/splitting, gathers/scatters (see include/cdsr_ops.h).
#include "boundary.hpp"
#include "cdsr_ops.h"
#include "cdsr_tensor.h"
#include <ATen/TensorIndexing.h>
#include <vector>

using cdsr::dims;
using cdsr::unwrap;

namespace {
std::vector<at::Tensor> unwrap_all(const cdsr_tensor* tensors, int n) {
    if (n < 0) throw std::invalid_argument("negative tensor count " + std::to_string(n));
    if (n > 0 && tensors == nullptr) throw std::invalid_argument("null tensor array");
    std::vector<at::Tensor> v;
    v.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) v.push_back(unwrap(tensors[i]));
    return v;
}

std::vector<at::indexing::TensorIndex> indices(const int* kinds, const int* flags, const int64_t* values,
                                               const cdsr_tensor* tensors, int n) {
    using namespace at::indexing;
    std::vector<TensorIndex> out;
    out.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const int64_t* v = values + 3 * i;
        switch (kinds[i]) {
            case 0: out.emplace_back(v[0]); break;
            case 1: {
                c10::optional<int64_t> start = (flags[i] & 1) ? c10::optional<int64_t>(v[0]) : c10::nullopt;
                c10::optional<int64_t> stop = (flags[i] & 2) ? c10::optional<int64_t>(v[1]) : c10::nullopt;
                if (v[2] <= 0) throw std::invalid_argument("slice step must be positive, got " + std::to_string(v[2]));
                out.emplace_back(Slice(start, stop, v[2]));
                break;
            }
            case 2: out.emplace_back(Ellipsis); break;
            case 3: out.emplace_back(None); break;
            case 4: out.emplace_back(unwrap(tensors[i])); break;
            case 5: out.emplace_back(v[0] != 0); break;
            default: throw std::invalid_argument("unknown index kind " + std::to_string(kinds[i]) + " at position " + std::to_string(i));
        }
    }
    return out;
}
}  // namespace

// ---- views and shape ----
CDSR_API cdsr_tensor cdsr_tensor_reshape(cdsr_tensor t, const int64_t* shape, int ndim) { CDSR_TENSOR_FN(unwrap(t).reshape(dims(shape, ndim))) }
CDSR_API cdsr_tensor cdsr_tensor_view(cdsr_tensor t, const int64_t* shape, int ndim) { CDSR_TENSOR_FN(unwrap(t).view(dims(shape, ndim))) }
CDSR_API cdsr_tensor cdsr_tensor_flatten(cdsr_tensor t, int64_t s, int64_t e) { CDSR_TENSOR_FN(unwrap(t).flatten(s, e)) }
CDSR_API cdsr_tensor cdsr_tensor_transpose(cdsr_tensor t, int64_t d0, int64_t d1) { CDSR_TENSOR_FN(unwrap(t).transpose(d0, d1)) }
CDSR_API cdsr_tensor cdsr_tensor_permute(cdsr_tensor t, const int64_t* d, int n) { CDSR_TENSOR_FN(unwrap(t).permute(dims(d, n))) }
CDSR_API cdsr_tensor cdsr_tensor_t(cdsr_tensor t) { CDSR_TENSOR_FN(unwrap(t).t()) }
CDSR_API cdsr_tensor cdsr_tensor_squeeze(cdsr_tensor t) { CDSR_TENSOR_FN(unwrap(t).squeeze()) }
CDSR_API cdsr_tensor cdsr_tensor_squeeze_dim(cdsr_tensor t, int64_t d) { CDSR_TENSOR_FN(unwrap(t).squeeze(d)) }
CDSR_API cdsr_tensor cdsr_tensor_unsqueeze(cdsr_tensor t, int64_t d) { CDSR_TENSOR_FN(unwrap(t).unsqueeze(d)) }
CDSR_API cdsr_tensor cdsr_tensor_expand(cdsr_tensor t, const int64_t* s, int n) { CDSR_TENSOR_FN(unwrap(t).expand(dims(s, n))) }
CDSR_API cdsr_tensor cdsr_tensor_narrow(cdsr_tensor t, int64_t d, int64_t start, int64_t len) { CDSR_TENSOR_FN(unwrap(t).narrow(d, start, len)) }
CDSR_API cdsr_tensor cdsr_tensor_select(cdsr_tensor t, int64_t d, int64_t i) { CDSR_TENSOR_FN(unwrap(t).select(d, i)) }
CDSR_API cdsr_tensor cdsr_tensor_repeat(cdsr_tensor t, const int64_t* r, int n) { CDSR_TENSOR_FN(unwrap(t).repeat(dims(r, n))) }
CDSR_API cdsr_tensor cdsr_tensor_flip(cdsr_tensor t, const int64_t* d, int n) { CDSR_TENSOR_FN(unwrap(t).flip(dims(d, n))) }
CDSR_API cdsr_tensor cdsr_tensor_tril(cdsr_tensor t, int64_t k) { CDSR_TENSOR_FN(unwrap(t).tril(k)) }
CDSR_API cdsr_tensor cdsr_tensor_triu(cdsr_tensor t, int64_t k) { CDSR_TENSOR_FN(unwrap(t).triu(k)) }

CDSR_API cdsr_tensor cdsr_tensor_roll(cdsr_tensor t, const int64_t* shifts, int nshifts, const int64_t* d, int ndims) {
    CDSR_TENSOR_FN(unwrap(t).roll(dims(shifts, nshifts), dims(d, ndims)))
}
CDSR_API cdsr_tensor cdsr_tensor_repeat_interleave(cdsr_tensor t, int64_t repeats, int64_t dim, int has_dim) {
    CDSR_TENSOR_FN(unwrap(t).repeat_interleave(repeats, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt))
}
CDSR_API cdsr_tensor cdsr_tensor_diagonal(cdsr_tensor t, int64_t offset, int64_t d1, int64_t d2) { CDSR_TENSOR_FN(unwrap(t).diagonal(offset, d1, d2)) }
CDSR_API int cdsr_tensor_is_contiguous(cdsr_tensor t, int* out) { CDSR_STATUS_FN(*out = unwrap(t).is_contiguous() ? 1 : 0;) }
CDSR_API int cdsr_tensor_strides(cdsr_tensor t, int64_t* out, int cap) {
    CDSR_STATUS_FN({
        auto s = unwrap(t).strides();
        for (int i = 0; i < cap && i < static_cast<int>(s.size()); ++i) out[i] = s[i];
    })
}

// ---- indexing ----
CDSR_API cdsr_tensor cdsr_tensor_index(cdsr_tensor t, const int* kinds, const int* flags, const int64_t* values,
                                       const cdsr_tensor* tensors, int n) {
    CDSR_TENSOR_FN(unwrap(t).index(indices(kinds, flags, values, tensors, n)))
}
CDSR_API int cdsr_tensor_index_put_(cdsr_tensor t, const int* kinds, const int* flags, const int64_t* values,
                                    const cdsr_tensor* tensors, int n, cdsr_tensor value) {
    CDSR_STATUS_FN(unwrap(t).index_put_(indices(kinds, flags, values, tensors, n), unwrap(value));)
}
CDSR_API int cdsr_tensor_index_put_scalar_(cdsr_tensor t, const int* kinds, const int* flags, const int64_t* values,
                                           const cdsr_tensor* tensors, int n, double value) {
    CDSR_STATUS_FN(unwrap(t).index_put_(indices(kinds, flags, values, tensors, n), at::Scalar(value));)
}

// ---- joining and splitting ----
CDSR_API cdsr_tensor cdsr_tensor_cat(const cdsr_tensor* tensors, int n, int64_t dim) { CDSR_TENSOR_FN(at::cat(unwrap_all(tensors, n), dim)) }
CDSR_API cdsr_tensor cdsr_tensor_stack(const cdsr_tensor* tensors, int n, int64_t dim) { CDSR_TENSOR_FN(at::stack(unwrap_all(tensors, n), dim)) }
CDSR_API int cdsr_tensor_split_with_sizes(cdsr_tensor t, const int64_t* sizes, int nsizes, int64_t dim, cdsr_tensor* out) {
    CDSR_STATUS_FN({
        auto parts = unwrap(t).split_with_sizes(dims(sizes, nsizes), dim);
        std::vector<cdsr_tensor> handles;
        handles.reserve(parts.size());
        try {
            for (auto& p : parts) handles.push_back(cdsr::wrap(std::move(p)));
        } catch (...) {
            for (auto h : handles) cdsr_tensor_dispose(h);
            throw;
        }
        for (size_t i = 0; i < handles.size(); ++i) out[i] = handles[i];
    })
}

// ---- gathers, scatters, masks ----
CDSR_API cdsr_tensor cdsr_tensor_gather(cdsr_tensor t, int64_t dim, cdsr_tensor index) { CDSR_TENSOR_FN(at::gather(unwrap(t), dim, unwrap(index))) }
CDSR_API cdsr_tensor cdsr_tensor_scatter(cdsr_tensor t, int64_t dim, cdsr_tensor index, cdsr_tensor src) {
    CDSR_TENSOR_FN(at::scatter(unwrap(t), dim, unwrap(index), unwrap(src)))
}
CDSR_API cdsr_tensor cdsr_tensor_scatter_add(cdsr_tensor t, int64_t dim, cdsr_tensor index, cdsr_tensor src) {
    CDSR_TENSOR_FN(at::scatter_add(unwrap(t), dim, unwrap(index), unwrap(src)))
}
CDSR_API cdsr_tensor cdsr_tensor_index_select(cdsr_tensor t, int64_t dim, cdsr_tensor index) {
    CDSR_TENSOR_FN(at::index_select(unwrap(t), dim, unwrap(index)))
}
CDSR_API cdsr_tensor cdsr_tensor_masked_fill(cdsr_tensor t, cdsr_tensor mask, double value) {
    CDSR_TENSOR_FN(at::masked_fill(unwrap(t), unwrap(mask), at::Scalar(value)))
}
CDSR_API cdsr_tensor cdsr_tensor_masked_select(cdsr_tensor t, cdsr_tensor mask) { CDSR_TENSOR_FN(at::masked_select(unwrap(t), unwrap(mask))) }
CDSR_API cdsr_tensor cdsr_tensor_where(cdsr_tensor c, cdsr_tensor a, cdsr_tensor b) { CDSR_TENSOR_FN(at::where(unwrap(c), unwrap(a), unwrap(b))) }
CDSR_API cdsr_tensor cdsr_tensor_nonzero(cdsr_tensor t) { CDSR_TENSOR_FN(at::nonzero(unwrap(t))) }
CDSR_API cdsr_tensor cdsr_tensor_isin(cdsr_tensor t, cdsr_tensor test) { CDSR_TENSOR_FN(at::isin(unwrap(t), unwrap(test))) }
CDSR_API cdsr_tensor cdsr_tensor_bincount(cdsr_tensor t, cdsr_tensor w, int64_t minlength) {
    CDSR_TENSOR_FN(at::bincount(unwrap(t), w ? c10::optional<at::Tensor>(unwrap(w)) : c10::nullopt, minlength))
}
CDSR_API cdsr_tensor cdsr_tensor_einsum(const char* equation, const cdsr_tensor* tensors, int n) {
    CDSR_GUARD(nullptr, {
        if (equation == nullptr) throw std::invalid_argument("einsum: null equation");
        return cdsr::wrap(at::einsum(equation, unwrap_all(tensors, n)));
    })
}
CDSR_API int cdsr_tensor_scatter_value_(cdsr_tensor t, int64_t dim, cdsr_tensor index, double value) {
    CDSR_STATUS_FN(unwrap(t).scatter_(dim, unwrap(index), at::Scalar(value));)
}
CDSR_API int cdsr_tensor_index_add_(cdsr_tensor t, int64_t dim, cdsr_tensor index, cdsr_tensor src, double alpha) {
    CDSR_STATUS_FN(unwrap(t).index_add_(dim, unwrap(index), unwrap(src), at::Scalar(alpha));)
}
