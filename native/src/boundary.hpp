// The exception boundary and handle helpers shared by every translation unit of the shim.
#pragma once
#include <ATen/ATen.h>
#include <torch/csrc/autograd/variable.h>
#include <atomic>
#include <string>
#include "cdsr_common.h"

namespace cdsr {

void set_error(const char* message) noexcept;
const char* last_error_cstr() noexcept;
extern std::atomic<int64_t> live_tensors;

inline cdsr_tensor wrap(at::Tensor t) {
    auto* p = new at::Tensor(std::move(t));
    live_tensors.fetch_add(1, std::memory_order_relaxed);
    return reinterpret_cast<cdsr_tensor>(p);
}

inline at::Tensor& unwrap(cdsr_tensor h) {
    if (h == nullptr) throw std::invalid_argument("null tensor handle");
    return *reinterpret_cast<at::Tensor*>(h);
}

inline at::IntArrayRef dims(const int64_t* p, int n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }

}  // namespace cdsr

// Runs BODY; any exception becomes the thread's error message and the function returns SENTINEL.
// c10::Error is caught first so that the message carries no C++ backtrace.
#define CDSR_GUARD(SENTINEL, ...)                                                        \
    try {                                                                                \
        __VA_ARGS__                                                                      \
    } catch (const c10::Error& e) {                                                      \
        cdsr::set_error(e.what_without_backtrace());                                     \
        return SENTINEL;                                                                 \
    } catch (const std::exception& e) {                                                  \
        cdsr::set_error(e.what());                                                       \
        return SENTINEL;                                                                 \
    } catch (...) {                                                                      \
        cdsr::set_error("unknown native exception");                                     \
        return SENTINEL;                                                                 \
    }

// A function returning a new tensor handle (NULL on error).
#define CDSR_TENSOR_FN(EXPR) CDSR_GUARD(nullptr, return cdsr::wrap(EXPR);)
// A function returning a status (0 ok, -1 error).
#define CDSR_STATUS_FN(...) CDSR_GUARD(-1, __VA_ARGS__ return 0;)
