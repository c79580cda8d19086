// cdsr_optim_*: fused optimizer updates and gradient clipping (see include/cdsr_optim.h).
// The arithmetic follows PyTorch 1.13's single-tensor torch.optim implementations step for step, so that
// a model trained through this binding matches one trained with torch.optim on the same data.
#include "boundary.hpp"
#include "cdsr_optim.h"
#include <ATen/core/grad_mode.h>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <vector>

using cdsr::unwrap;
using cdsr::wrap;

namespace {
void check_count(int n) {
    if (n < 0) throw std::invalid_argument("negative parameter count " + std::to_string(n));
}

void check_hyper(const char* name, double value, double low) {
    if (!(value >= low)) throw std::invalid_argument(std::string("invalid ") + name + ": " + std::to_string(value));
}

// Checks every parameter (and any existing state slot) before the first one is changed, so that a failing call
// leaves parameters, state and step counts exactly as they were.
void validate(const cdsr_tensor* params, int n, const char* optimizer, bool dense_only,
              std::initializer_list<const cdsr_tensor*> slot_arrays) {
    for (int i = 0; i < n; ++i) {
        const at::Tensor& p = unwrap(params[i]);
        const at::Tensor& g = p.grad();
        if (!g.defined()) continue;
        if (dense_only && g.is_sparse())
            throw std::invalid_argument(std::string(optimizer) + " does not support sparse gradients (parameter " + std::to_string(i) + ")");
        if (g.sizes() != p.sizes() || g.device() != p.device())
            throw std::invalid_argument(std::string(optimizer) + ": gradient of parameter " + std::to_string(i) + " does not match it in shape or device");
        for (const cdsr_tensor* slots : slot_arrays) {
            if (slots == nullptr || slots[i] == nullptr) continue;
            const at::Tensor& s = unwrap(slots[i]);
            if (s.sizes() != p.sizes() || s.device() != p.device() || s.scalar_type() != p.scalar_type())
                throw std::invalid_argument(std::string(optimizer) + ": state of parameter " + std::to_string(i) + " does not match it in shape, device or dtype");
        }
    }
}

// Fills a NULL state slot with a new zero tensor shaped like p (the caller owns the handle).
at::Tensor& state_slot(cdsr_tensor* slots, int i, const at::Tensor& p) {
    if (slots[i] == nullptr) slots[i] = wrap(at::zeros_like(p, at::MemoryFormat::Preserve));
    return unwrap(slots[i]);
}
}  // namespace

CDSR_API int cdsr_optim_adam_step(const cdsr_tensor* params, cdsr_tensor* exp_avg, cdsr_tensor* exp_avg_sq,
                                  cdsr_tensor* max_exp_avg_sq, int64_t* steps, int n, double lr, double beta1,
                                  double beta2, double eps, double weight_decay, int decoupled, int amsgrad) {
    CDSR_STATUS_FN({
        check_count(n);
        check_hyper("learning rate", lr, 0.0);
        check_hyper("epsilon", eps, 0.0);
        check_hyper("weight_decay", weight_decay, 0.0);
        if (!(beta1 >= 0.0 && beta1 < 1.0)) throw std::invalid_argument("invalid beta1 " + std::to_string(beta1) + ": expected 0 <= beta1 < 1");
        if (!(beta2 >= 0.0 && beta2 < 1.0)) throw std::invalid_argument("invalid beta2 " + std::to_string(beta2) + ": expected 0 <= beta2 < 1");
        if (amsgrad && max_exp_avg_sq == nullptr) throw std::invalid_argument("amsgrad needs max_exp_avg_sq slots");
        validate(params, n, "Adam", true, {exp_avg, exp_avg_sq, amsgrad ? max_exp_avg_sq : nullptr});
        at::NoGradGuard no_grad;
        for (int i = 0; i < n; ++i) {
            at::Tensor& p = unwrap(params[i]);
            const at::Tensor& g0 = p.grad();
            if (!g0.defined()) continue;
            at::Tensor& m = state_slot(exp_avg, i, p);
            at::Tensor& v = state_slot(exp_avg_sq, i, p);
            const int64_t step = ++steps[i];
            at::Tensor g = g0;
            if (weight_decay != 0.0) {
                if (decoupled) p.mul_(1.0 - lr * weight_decay);
                else g = g.add(p, weight_decay);
            }
            m.mul_(beta1).add_(g, 1.0 - beta1);
            v.mul_(beta2).addcmul_(g, g, 1.0 - beta2);
            const double bias1 = 1.0 - std::pow(beta1, static_cast<double>(step));
            const double bias2_sqrt = std::sqrt(1.0 - std::pow(beta2, static_cast<double>(step)));
            at::Tensor denom;
            if (amsgrad) {
                at::Tensor& vmax = state_slot(max_exp_avg_sq, i, p);
                at::maximum_out(vmax, vmax, v);
                denom = (vmax.sqrt() / bias2_sqrt).add_(eps);
            } else {
                denom = (v.sqrt() / bias2_sqrt).add_(eps);
            }
            p.addcdiv_(m, denom, -lr / bias1);
        }
    })
}

CDSR_API int cdsr_optim_sgd_step(const cdsr_tensor* params, cdsr_tensor* momentum_buffer, int64_t* steps, int n,
                                 double lr, double momentum, double dampening, double weight_decay, int nesterov) {
    CDSR_STATUS_FN({
        check_count(n);
        check_hyper("learning rate", lr, 0.0);
        check_hyper("momentum", momentum, 0.0);
        check_hyper("weight_decay", weight_decay, 0.0);
        if (nesterov && (momentum <= 0.0 || dampening != 0.0))
            throw std::invalid_argument("Nesterov momentum requires a momentum and zero dampening");
        if (momentum != 0.0 && momentum_buffer == nullptr) throw std::invalid_argument("momentum needs buffer slots");
        validate(params, n, "SGD", false, {momentum != 0.0 ? momentum_buffer : nullptr});
        at::NoGradGuard no_grad;
        for (int i = 0; i < n; ++i) {
            at::Tensor& p = unwrap(params[i]);
            const at::Tensor& g0 = p.grad();
            if (!g0.defined()) continue;
            ++steps[i];
            at::Tensor d = g0;
            if (weight_decay != 0.0) d = d.add(p, weight_decay);
            if (momentum != 0.0) {
                if (momentum_buffer[i] == nullptr) {
                    momentum_buffer[i] = wrap(d.clone().detach());
                } else {
                    unwrap(momentum_buffer[i]).mul_(momentum).add_(d, 1.0 - dampening);
                }
                const at::Tensor& buf = unwrap(momentum_buffer[i]);
                d = nesterov ? d.add(buf, momentum) : buf;
            }
            p.add_(d, -lr);
        }
    })
}

CDSR_API int cdsr_optim_zero_grad(const cdsr_tensor* params, int n, int set_to_none) {
    CDSR_STATUS_FN({
        check_count(n);
        at::NoGradGuard no_grad;
        for (int i = 0; i < n; ++i) {
            at::Tensor& p = unwrap(params[i]);
            if (!p.grad().defined()) continue;
            if (set_to_none) {
                p.mutable_grad() = at::Tensor();
            } else {
                at::Tensor& g = p.mutable_grad();
                if (g.grad_fn()) g = g.detach();
                else g.requires_grad_(false);
                g.zero_();
            }
        }
    })
}

CDSR_API int cdsr_optim_clip_grad_norm(const cdsr_tensor* params, int n, double max_norm, double norm_type,
                                       double* total_norm) {
    CDSR_STATUS_FN({
        check_count(n);
        check_hyper("max_norm", max_norm, 0.0);
        if (!(norm_type > 0.0)) throw std::invalid_argument("invalid norm_type " + std::to_string(norm_type) + ": expected > 0 or inf");
        at::NoGradGuard no_grad;
        std::vector<at::Tensor> grads;
        for (int i = 0; i < n; ++i) {
            const at::Tensor& g = unwrap(params[i]).grad();
            if (g.defined()) grads.push_back(g);
        }
        if (grads.empty()) {
            *total_norm = 0.0;
            return 0;
        }
        const bool inf = std::isinf(norm_type);
        std::vector<at::Tensor> norms;
        norms.reserve(grads.size());
        for (const auto& g : grads) norms.push_back(inf ? g.abs().max().to(at::kDouble) : at::norm(g, norm_type).to(at::kDouble));
        at::Tensor stacked = at::stack(norms);
        at::Tensor total = inf ? stacked.max() : at::norm(stacked, norm_type);
        *total_norm = total.item<double>();
        const double coef = max_norm / (*total_norm + 1e-6);
        if (coef < 1.0)
            for (auto& g : grads) g.mul_(coef);
    })
}

CDSR_API int cdsr_optim_clip_grad_value(const cdsr_tensor* params, int n, double clip_value) {
    CDSR_STATUS_FN({
        check_count(n);
        check_hyper("clip_value", clip_value, 0.0);
        at::NoGradGuard no_grad;
        for (int i = 0; i < n; ++i) {
            const at::Tensor& g = unwrap(params[i]).grad();
            if (g.defined()) g.clamp_(-clip_value, clip_value);
        }
    })
}
