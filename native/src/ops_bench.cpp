// cdsr_bench_matmul_direct: the C++-side reference for Cdsr.Benchmarks' MatmulBenchmark (see include/cdsr_ops.h).
#include "boundary.hpp"
#include "cdsr_ops.h"
#include <chrono>

using cdsr::unwrap;

CDSR_API int cdsr_bench_matmul_direct(cdsr_tensor a, cdsr_tensor b, int iterations, double* ns_per_call) {
    CDSR_STATUS_FN({
        if (iterations <= 0) throw std::invalid_argument("bench_matmul_direct: iterations must be positive, got " + std::to_string(iterations));
        const at::Tensor& x = unwrap(a);
        const at::Tensor& y = unwrap(b);
        at::NoGradGuard no_grad;
        auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < iterations; ++i) at::matmul(x, y);
        auto t1 = std::chrono::steady_clock::now();
        *ns_per_call = std::chrono::duration<double, std::nano>(t1 - t0).count() / iterations;
    })
}
