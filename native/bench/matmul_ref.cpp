// Reference timing for the binding's matmul benchmark: the same 1024x1024 float32 matmul called directly in C++.
// Usage: cdsr_matmul_ref [n=1024] [iterations=200]. Prints mean seconds per call and GFLOP/s.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    const int64_t n = argc > 1 ? std::atoll(argv[1]) : 1024;
    const int iters = argc > 2 ? std::atoi(argv[2]) : 200;
    at::manual_seed(0);
    auto a = at::randn({n, n});
    auto b = at::randn({n, n});
    for (int i = 0; i < 10; ++i) at::matmul(a, b);
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) at::matmul(a, b);
    auto t1 = std::chrono::steady_clock::now();
    double s = std::chrono::duration<double>(t1 - t0).count() / iters;
    std::printf("n=%lld threads=%d mean_s=%.6f gflops=%.2f\n", static_cast<long long>(n), at::get_num_threads(), s,
                2.0 * n * n * n / s / 1e9);
    return 0;
}
