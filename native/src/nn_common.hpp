// Helpers shared by the nn_*.cpp translation units (argument checks that name what was expected and what came).
#pragma once
#include "boundary.hpp"
#include "cdsr_tensor.h"
#include <string>

namespace cdsr::nn {

inline c10::optional<at::Tensor> optional(cdsr_tensor h) {
    if (h == nullptr) return c10::nullopt;
    return cdsr::unwrap(h);
}

inline int64_t reduction(int code) {
    if (code < 0 || code > 2)
        throw std::invalid_argument("reduction code " + std::to_string(code) + " is not one of 0 (none), 1 (mean), 2 (sum)");
    return code;
}

inline void expect_dims(const at::Tensor& t, int64_t ndim, const char* what) {
    if (t.dim() != ndim)
        throw std::invalid_argument(std::string(what) + ": expected " + std::to_string(ndim) + " dimensions, got shape " +
                                    c10::str(t.sizes()));
}

// Writes two results to out-pointers, or neither: if wrapping the second fails, the first handle is released
// before the exception reaches the boundary, so a failed call leaks no handle and writes no out-pointer.
inline void wrap_pair(at::Tensor a, at::Tensor b, bool want_b, cdsr_tensor* out_a, cdsr_tensor* out_b) {
    cdsr_tensor ha = cdsr::wrap(std::move(a));
    cdsr_tensor hb = nullptr;
    if (want_b) {
        try {
            hb = cdsr::wrap(std::move(b));
        } catch (...) {
            cdsr_tensor_dispose(ha);
            throw;
        }
    }
    *out_a = ha;
    *out_b = hb;
}

inline at::ScalarType scalar_type(int dtype) {
    if (dtype < 0 || dtype >= static_cast<int>(at::ScalarType::NumOptions))
        throw std::invalid_argument("unknown dtype code " + std::to_string(dtype));
    return static_cast<at::ScalarType>(dtype);
}

}  // namespace cdsr::nn
