#include "boundary.hpp"
#include <ATen/Parallel.h>
#include <torch/version.h>
#include <ATen/Context.h>

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
