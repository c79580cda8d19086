// cdsr_bench_matmul_direct: the C++-side reference for Cdsr.Benchmarks' MatmulBenchmark (see include/cdsr_ops.h).
#include "boundary.hpp"
#include "cdsr_ops.h"
#include <ATen/CPUGeneratorImpl.h>
#include <chrono>

CDSR_API int cdsr_bench_matmul_direct(int64_t n, int warmup, int iterations, double* ns_per_call) {
    CDSR_STATUS_FN({
        if (n <= 0 || iterations <= 0 || warmup < 0)
            throw std::invalid_argument("bench_matmul_direct: need n > 0, iterations > 0, warmup >= 0");
        at::NoGradGuard no_grad;
        auto gen = at::make_generator<at::CPUGeneratorImpl>(12345);  // leaves the default generator untouched
        auto a = at::randn({n, n}, gen);
        auto b = at::randn({n, n}, gen);
        for (int i = 0; i < warmup; ++i) at::matmul(a, b);
        auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < iterations; ++i) at::matmul(a, b);
        auto t1 = std::chrono::steady_clock::now();
        *ns_per_call = std::chrono::duration<double, std::nano>(t1 - t0).count() / iterations;
    })
}
