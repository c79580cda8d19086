// cdsr_sparse_*: COO sparse tensors and sparse x dense products (see include/cdsr_nn.h).
#include "nn_common.hpp"
#include "cdsr_nn.h"

using cdsr::dims;
using cdsr::unwrap;

CDSR_API cdsr_tensor cdsr_sparse_coo_tensor(cdsr_tensor indices, cdsr_tensor values, const int64_t* shape, int ndim) {
    CDSR_GUARD(nullptr, {
        const auto& ix = unwrap(indices);  // [ndim, nnz]
        const auto& val = unwrap(values);  // [nnz]
        if (ix.scalar_type() != at::kLong)
            throw std::invalid_argument(std::string("sparse_coo_tensor: indices must be int64, got ") + c10::toString(ix.scalar_type()));
        if (ix.dim() != 2 || ix.size(0) != ndim)
            throw std::invalid_argument("sparse_coo_tensor: indices must be [" + std::to_string(ndim) + ", nnz] for a " + std::to_string(ndim) +
                                        "-d shape, got " + c10::str(ix.sizes()));
        if (val.dim() != 1 || val.size(0) != ix.size(1))
            throw std::invalid_argument("sparse_coo_tensor: values must be [" + std::to_string(ix.size(1)) + "], got " + c10::str(val.sizes()));
        if (ix.numel() > 0) {
            auto lo = ix.min().item<int64_t>();
            if (lo < 0) throw std::invalid_argument("sparse_coo_tensor: negative index " + std::to_string(lo));
            auto maxes = std::get<0>(ix.max(1));
            for (int d = 0; d < ndim; ++d) {
                auto m = maxes[d].item<int64_t>();
                if (m >= shape[d])
                    throw std::invalid_argument("sparse_coo_tensor: index " + std::to_string(m) + " in dimension " + std::to_string(d) +
                                                " is out of range for size " + std::to_string(shape[d]));
            }
        }
        return cdsr::wrap(at::sparse_coo_tensor(ix, val, dims(shape, ndim)).coalesce());
    })
}
CDSR_API cdsr_tensor cdsr_sparse_mm(cdsr_tensor sparse, cdsr_tensor dense) {
    CDSR_GUARD(nullptr, {
        const auto& s = unwrap(sparse);  // [n, m]
        const auto& d = unwrap(dense);   // [m, k]
        if (!s.is_sparse()) throw std::invalid_argument("sparse.mm: the first argument must be a sparse COO tensor");
        cdsr::nn::expect_dims(s, 2, "sparse.mm sparse");
        cdsr::nn::expect_dims(d, 2, "sparse.mm dense");
        if (s.size(1) != d.size(0))
            throw std::invalid_argument("sparse.mm: shapes " + c10::str(s.sizes()) + " and " + c10::str(d.sizes()) + " cannot be multiplied");
        return cdsr::wrap(at::_sparse_mm(s, d));  // [n, k]
    })
}
CDSR_API cdsr_tensor cdsr_sparse_to_dense(cdsr_tensor sparse) { CDSR_TENSOR_FN(unwrap(sparse).to_dense()) }
