// Helpers shared by the nn_*.cpp translation units (argument checks that name what was expected and what came).
#pragma once
#include "boundary.hpp"
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

}  // namespace cdsr::nn
