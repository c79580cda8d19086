// cdsr_nn_init_*, cdsr_nn_copy_, cdsr_nn_set_data: in-place parameter updates outside autograd (see include/cdsr_nn.h).
#include "nn_common.hpp"
#include "cdsr_nn.h"
#include <torch/csrc/autograd/grad_mode.h>
#include <cmath>

using cdsr::unwrap;

CDSR_API int cdsr_nn_init_uniform_(cdsr_tensor t, double low, double high) {
    CDSR_STATUS_FN({
        if (!(low <= high)) throw std::invalid_argument("uniform_: low " + std::to_string(low) + " exceeds high " + std::to_string(high));
        at::NoGradGuard no_grad;
        unwrap(t).uniform_(low, high);
    })
}
CDSR_API int cdsr_nn_init_normal_(cdsr_tensor t, double mean, double std) {
    CDSR_STATUS_FN({
        if (!(std >= 0)) throw std::invalid_argument("normal_: std must be >= 0, got " + std::to_string(std));
        at::NoGradGuard no_grad;
        unwrap(t).normal_(mean, std);
    })
}
CDSR_API int cdsr_nn_init_constant_(cdsr_tensor t, double value) {
    CDSR_STATUS_FN({
        at::NoGradGuard no_grad;
        unwrap(t).fill_(value);
    })
}
CDSR_API int cdsr_nn_init_trunc_normal_(cdsr_tensor t, double mean, double std, double a, double b) {
    CDSR_STATUS_FN({
        if (!(std > 0)) throw std::invalid_argument("trunc_normal_: std must be > 0, got " + std::to_string(std));
        if (!(a < b)) throw std::invalid_argument("trunc_normal_: a " + std::to_string(a) + " must be below b " + std::to_string(b));
        auto cdf = [](double x) { return 0.5 * (1.0 + std::erf(x / std::sqrt(2.0))); };
        const double lo = cdf((a - mean) / std), hi = cdf((b - mean) / std);
        at::NoGradGuard no_grad;
        auto& x = unwrap(t);
        // Uniform on [2lo-1, 2hi-1], then the inverse normal CDF maps it into [a, b]; clamp guards rounding.
        x.uniform_(2 * lo - 1, 2 * hi - 1);
        x.erfinv_();
        x.mul_(std * std::sqrt(2.0));
        x.add_(mean);
        x.clamp_(a, b);
    })
}
CDSR_API int cdsr_nn_copy_(cdsr_tensor dst, cdsr_tensor src) {
    CDSR_STATUS_FN({
        auto& d = unwrap(dst);
        const auto& s = unwrap(src);
        if (d.sizes() != s.sizes())
            throw std::invalid_argument("copy_: source shape " + c10::str(s.sizes()) + " differs from destination shape " + c10::str(d.sizes()));
        at::NoGradGuard no_grad;
        d.copy_(s);
    })
}
CDSR_API int cdsr_nn_set_data(cdsr_tensor dst, cdsr_tensor src) {
    CDSR_STATUS_FN({
        auto& d = unwrap(dst);
        d.set_data(unwrap(src).detach());
    })
}
