// Helpers shared by the nn_*.cpp translation units (argument checks that name what was expected and what came).
#pragma once
#include "boundary.hpp"
#include "cdsr_tensor.h"
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <mutex>
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

// Inverted dropout: y = x * m / (1 - p) with m ~ Bernoulli(1 - p) element-wise while training, the input itself otherwise.
// libtorch 1.13 built without MKL draws CPU Bernoulli masks one element at a time from the locked Mersenne Twister
// (~100 ms of a 128 x 50 x 128 SASRec forward). Here the default CPU generator gives one 64-bit seed per call (so
// manual_seed, get/set_rng_state and checkpoints keep governing the masks) and element i keeps iff the top 24 bits
// of splitmix64(seed + i * golden) fall below (1 - p) * 2^24, a counter-based stream that is the same for any thread
// count. CUDA tensors, non-float dtypes and p in {0, 1} go through at::dropout unchanged.
inline at::Tensor dropout(const at::Tensor& x, double p, bool training) {
    if (!training || p == 0.0 || p == 1.0 || !x.device().is_cpu() || !(x.scalar_type() == at::kFloat || x.scalar_type() == at::kDouble))
        return at::dropout(x, p, training);
    uint64_t seed;
    {
        auto gen = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(gen.mutex());
        seed = at::check_generator<at::CPUGeneratorImpl>(gen)->random64();
    }
    const uint64_t threshold = static_cast<uint64_t>((1.0 - p) * 16777216.0);  // keep iff r < threshold, r in [0, 2^24)
    at::Tensor mask = at::empty(x.sizes(), x.options().requires_grad(false));
    const int64_t n = mask.numel();
    AT_DISPATCH_FLOATING_TYPES(mask.scalar_type(), "cdsr_dropout_mask", [&] {
        scalar_t* m = mask.data_ptr<scalar_t>();
        const scalar_t keep = static_cast<scalar_t>(1.0 / (1.0 - p));
        at::parallel_for(0, n, 1 << 15, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) {
                uint64_t z = seed + static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ULL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
                z ^= z >> 31;
                m[i] = (z >> 40) < threshold ? keep : scalar_t(0);
            }
        });
    });
    return x * mask;
}

}  // namespace cdsr::nn
