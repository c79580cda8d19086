/* Common definitions of the Cdsr C ABI over libtorch.
 *
 * Error convention: every export catches every C++ exception. On failure it stores the message in a
 * thread-local slot and returns its sentinel: NULL for a function returning a handle, a non-zero
 * int for a function returning a status. cdsr_last_error() then returns the message of the last failed
 * call made on this thread (valid until the next failing call on the same thread).
 *
 * Ownership: a cdsr_tensor returned by any export is a new handle owned by the caller, who must release
 * it exactly once with cdsr_tensor_dispose. Handles passed as arguments are borrowed, never consumed.
 */
#ifndef CDSR_COMMON_H
#define CDSR_COMMON_H
#include <stdint.h>

#ifdef __cplusplus
#define CDSR_API extern "C" __attribute__((visibility("default")))
#else
#define CDSR_API __attribute__((visibility("default")))
#endif

typedef struct cdsr_tensor_opaque* cdsr_tensor;

/* Message of the last failed call on this thread; never NULL (empty when none). */
CDSR_API const char* cdsr_last_error(void);
/* Number of tensor handles created and not yet disposed, over all threads. */
CDSR_API int64_t cdsr_tensor_live_count(void);
/* Version string of the libtorch this shim was built against. */
CDSR_API const char* cdsr_torch_version(void);
/* 1 when CUDA is available to this libtorch, else 0. */
CDSR_API int cdsr_cuda_is_available(void);
CDSR_API int cdsr_set_num_threads(int n);
CDSR_API int cdsr_get_num_threads(void);
/* Keeps up to `bytes` of freed heap memory in the process (glibc mallopt trim threshold, top pad, mmap threshold 32 MiB)
   so large tensors reuse resident pages instead of page-faulting fresh mappings every step. */
CDSR_API int cdsr_set_malloc_retention(int64_t bytes);

#endif
