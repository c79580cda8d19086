#include "boundary.hpp"
#include <ATen/Parallel.h>
#include <torch/version.h>
#include <ATen/Context.h>
#include <malloc.h>
#include <stdexcept>

namespace cdsr {
std::atomic<int64_t> live_tensors{0};
namespace {
thread_local std::string last_error;
}

void set_error(const char* message) noexcept {
    try {
        last_error = message ? message : "(null message)";
    } catch (...) {
        // Out of memory while copying the message: the previous message stays; the sentinel still reports failure.
    }
}

const char* last_error_cstr() noexcept { return last_error.c_str(); }
}  // namespace cdsr

CDSR_API const char* cdsr_last_error(void) { return cdsr::last_error_cstr(); }

CDSR_API int64_t cdsr_tensor_live_count(void) { return cdsr::live_tensors.load(std::memory_order_relaxed); }

CDSR_API const char* cdsr_torch_version(void) { return TORCH_VERSION; }

CDSR_API int cdsr_cuda_is_available(void) { CDSR_GUARD(0, return at::hasCUDA() ? 1 : 0;) }

CDSR_API int cdsr_set_num_threads(int n) { CDSR_STATUS_FN(at::set_num_threads(n);) }

CDSR_API int cdsr_get_num_threads(void) { CDSR_GUARD(-1, return at::get_num_threads();) }

CDSR_API int cdsr_set_malloc_retention(int64_t bytes) {
    CDSR_STATUS_FN({
        if (bytes < 0) throw std::invalid_argument("malloc retention must be >= 0 bytes, got " + std::to_string(bytes));
        // glibc returns freed memory above the trim threshold to the kernel and serves blocks above the mmap threshold
        // with fresh mappings, so every step's large tensors page-fault again. Keep up to `bytes` of freed heap and
        // take blocks up to glibc's 32 MiB ceiling from the heap; 0 restores nothing, it only stops retaining.
        if (mallopt(M_TRIM_THRESHOLD, static_cast<int>(std::min<int64_t>(bytes, INT32_MAX))) != 1) throw std::runtime_error("mallopt(M_TRIM_THRESHOLD) failed");
        if (bytes > 0 && mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) != 1) throw std::runtime_error("mallopt(M_MMAP_THRESHOLD) failed");
        if (bytes > 0 && mallopt(M_TOP_PAD, static_cast<int>(std::min<int64_t>(bytes, 64LL * 1024 * 1024))) != 1)
            throw std::runtime_error("mallopt(M_TOP_PAD) failed");
    })
}
