// The backtrace policy for libtorch errors (see include/cdsr_ops.h, "errors").
// Every c10::Error constructor calls the process-wide stack-trace fetcher, which walks and symbolises the C++
// stack: milliseconds per error, paid even though the shim reports what_without_backtrace() only. When the library
// is loaded, the fetcher is replaced by one returning an empty string, unless CDSR_CPP_BACKTRACES=1.
#include "boundary.hpp"
#include "cdsr_ops.h"
#include <c10/util/Logging.h>
#include <cstdlib>
#include <cstring>

namespace {
bool backtraces = true;

struct BacktracePolicy {
    BacktracePolicy() noexcept {
        try {
            const char* env = std::getenv("CDSR_CPP_BACKTRACES");
            backtraces = env != nullptr && std::strcmp(env, "1") == 0;
            if (!backtraces) c10::SetStackTraceFetcher([] { return std::string(); });
        } catch (...) {
            backtraces = true;  // left as libtorch set it; errors still work, only slower
        }
    }
};
const BacktracePolicy policy;
}  // namespace

CDSR_API int cdsr_cpp_backtraces_enabled(void) { CDSR_GUARD(-1, return backtraces ? 1 : 0;) }
