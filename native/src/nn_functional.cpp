// cdsr_nn_*: activations, layers and losses (see include/cdsr_nn.h).
#include "nn_common.hpp"
#include "cdsr_nn.h"

using cdsr::dims;
using cdsr::unwrap;
using cdsr::nn::optional;
using cdsr::nn::reduction;

// ---- activations ----
CDSR_API cdsr_tensor cdsr_nn_gelu(cdsr_tensor x, int approximate) {
    CDSR_GUARD(nullptr, {
        if (approximate != 0 && approximate != 1)
            throw std::invalid_argument("gelu: approximate must be 0 (none) or 1 (tanh), got " + std::to_string(approximate));
        return cdsr::wrap(at::gelu(unwrap(x), approximate == 1 ? "tanh" : "none"));
    })
}
CDSR_API cdsr_tensor cdsr_nn_leaky_relu(cdsr_tensor x, double slope) { CDSR_TENSOR_FN(at::leaky_relu(unwrap(x), slope)) }
CDSR_API cdsr_tensor cdsr_nn_elu(cdsr_tensor x, double alpha) { CDSR_TENSOR_FN(at::elu(unwrap(x), alpha)) }
CDSR_API cdsr_tensor cdsr_nn_softmax(cdsr_tensor x, int64_t dim) { CDSR_TENSOR_FN(at::softmax(unwrap(x), dim)) }
CDSR_API cdsr_tensor cdsr_nn_log_softmax(cdsr_tensor x, int64_t dim) { CDSR_TENSOR_FN(at::log_softmax(unwrap(x), dim)) }
CDSR_API cdsr_tensor cdsr_nn_normalize(cdsr_tensor x, double p, int64_t dim, double eps) {
    CDSR_GUARD(nullptr, {
        const auto& t = unwrap(x);
        auto norm = at::norm(t, p, {dim}, /*keepdim=*/true).clamp_min(eps);
        return cdsr::wrap(t / norm);
    })
}
CDSR_API cdsr_tensor cdsr_nn_logsigmoid(cdsr_tensor x) { CDSR_TENSOR_FN(at::log_sigmoid(unwrap(x))) }
CDSR_API cdsr_tensor cdsr_nn_softplus(cdsr_tensor x, double beta, double threshold) {
    CDSR_TENSOR_FN(at::softplus(unwrap(x), beta, threshold))
}
CDSR_API cdsr_tensor cdsr_nn_silu(cdsr_tensor x) { CDSR_TENSOR_FN(at::silu(unwrap(x))) }
CDSR_API cdsr_tensor cdsr_nn_cosine_similarity(cdsr_tensor x1, cdsr_tensor x2, int64_t dim, double eps) {
    CDSR_TENSOR_FN(at::cosine_similarity(unwrap(x1), unwrap(x2), dim, eps))
}
CDSR_API cdsr_tensor cdsr_nn_one_hot(cdsr_tensor indices, int64_t num_classes) {
    CDSR_GUARD(nullptr, {
        const auto& ix = unwrap(indices);
        if (ix.scalar_type() != at::kLong)
            throw std::invalid_argument(std::string("one_hot: indices must be int64, got ") + c10::toString(ix.scalar_type()));
        return cdsr::wrap(at::one_hot(ix, num_classes));
    })
}
CDSR_API cdsr_tensor cdsr_nn_dropout(cdsr_tensor x, double p, int training) {
    CDSR_GUARD(nullptr, {
        if (!(p >= 0.0 && p <= 1.0)) throw std::invalid_argument("dropout probability must be in [0, 1], got " + std::to_string(p));
        return cdsr::wrap(cdsr::nn::dropout(unwrap(x), p, training != 0));
    })
}

// ---- layers ----
CDSR_API cdsr_tensor cdsr_nn_linear(cdsr_tensor x, cdsr_tensor weight, cdsr_tensor bias) {
    CDSR_GUARD(nullptr, {
        const auto& in = unwrap(x);
        const auto& w = unwrap(weight);
        cdsr::nn::expect_dims(w, 2, "linear weight");
        if (in.dim() == 0 || in.size(-1) != w.size(1))
            throw std::invalid_argument("linear: input shape " + c10::str(in.sizes()) + " does not end in in_features " +
                                        std::to_string(w.size(1)) + " of weight " + c10::str(w.sizes()));
        return cdsr::wrap(at::linear(in, w, optional(bias)));
    })
}
CDSR_API cdsr_tensor cdsr_nn_layer_norm(cdsr_tensor x, const int64_t* shape, int ndim, cdsr_tensor weight, cdsr_tensor bias, double eps) {
    CDSR_TENSOR_FN(at::layer_norm(unwrap(x), dims(shape, ndim), optional(weight), optional(bias), eps, /*cudnn_enable=*/true))
}
CDSR_API cdsr_tensor cdsr_nn_embedding(cdsr_tensor weight, cdsr_tensor indices, int64_t padding_idx) {
    CDSR_GUARD(nullptr, {
        const auto& w = unwrap(weight);
        const auto& ix = unwrap(indices);
        cdsr::nn::expect_dims(w, 2, "embedding weight");
        if (ix.scalar_type() != at::kLong && ix.scalar_type() != at::kInt)
            throw std::invalid_argument(std::string("embedding: indices must be int64 or int32, got ") + c10::toString(ix.scalar_type()));
        if (padding_idx >= w.size(0))
            throw std::invalid_argument("embedding: padding_idx " + std::to_string(padding_idx) + " is out of range for " +
                                        std::to_string(w.size(0)) + " rows");
        return cdsr::wrap(at::embedding(w, ix, padding_idx < 0 ? -1 : padding_idx));
    })
}

// ---- losses ----
CDSR_API cdsr_tensor cdsr_nn_cross_entropy(cdsr_tensor input, cdsr_tensor target, cdsr_tensor weight, int64_t ignore_index,
                                           int red, double label_smoothing) {
    CDSR_GUARD(nullptr, {
        if (!(label_smoothing >= 0.0 && label_smoothing <= 1.0))
            throw std::invalid_argument("cross_entropy: label_smoothing must be in [0, 1], got " + std::to_string(label_smoothing));
        return cdsr::wrap(at::cross_entropy_loss(unwrap(input), unwrap(target), optional(weight), reduction(red), ignore_index,
                                                 label_smoothing));
    })
}
CDSR_API cdsr_tensor cdsr_nn_nll_loss(cdsr_tensor input, cdsr_tensor target, cdsr_tensor weight, int64_t ignore_index, int red) {
    CDSR_TENSOR_FN(at::nll_loss_nd(unwrap(input), unwrap(target), optional(weight), reduction(red), ignore_index))
}
CDSR_API cdsr_tensor cdsr_nn_binary_cross_entropy_with_logits(cdsr_tensor input, cdsr_tensor target, cdsr_tensor weight,
                                                              cdsr_tensor pos_weight, int red) {
    CDSR_GUARD(nullptr, {
        const auto& in = unwrap(input);
        const auto& tg = unwrap(target);
        if (in.sizes() != tg.sizes())
            throw std::invalid_argument("binary_cross_entropy_with_logits: target shape " + c10::str(tg.sizes()) +
                                        " differs from input shape " + c10::str(in.sizes()));
        return cdsr::wrap(at::binary_cross_entropy_with_logits(in, tg, optional(weight), optional(pos_weight), reduction(red)));
    })
}
CDSR_API cdsr_tensor cdsr_nn_binary_cross_entropy(cdsr_tensor input, cdsr_tensor target, cdsr_tensor weight, int red) {
    CDSR_GUARD(nullptr, {
        const auto& in = unwrap(input);
        const auto& tg = unwrap(target);
        if (in.sizes() != tg.sizes())
            throw std::invalid_argument("binary_cross_entropy: target shape " + c10::str(tg.sizes()) + " differs from input shape " +
                                        c10::str(in.sizes()));
        return cdsr::wrap(at::binary_cross_entropy(in, tg, optional(weight), reduction(red)));
    })
}
CDSR_API cdsr_tensor cdsr_nn_mse_loss(cdsr_tensor input, cdsr_tensor target, int red) {
    CDSR_GUARD(nullptr, {
        const auto& in = unwrap(input);
        const auto& tg = unwrap(target);
        if (in.sizes() != tg.sizes())
            throw std::invalid_argument("mse_loss: target shape " + c10::str(tg.sizes()) + " differs from input shape " +
                                        c10::str(in.sizes()));
        return cdsr::wrap(at::mse_loss(in, tg, reduction(red)));
    })
}
CDSR_API cdsr_tensor cdsr_nn_kl_div_diag_gaussian(cdsr_tensor mu_q, cdsr_tensor logvar_q, cdsr_tensor mu_p, cdsr_tensor logvar_p,
                                                  int red) {
    CDSR_GUARD(nullptr, {
        const auto& mq = unwrap(mu_q);
        const auto& lq = unwrap(logvar_q);
        const auto& mp = unwrap(mu_p);
        const auto& lp = unwrap(logvar_p);
        if (mq.dim() == 0) throw std::invalid_argument("kl_div_diag_gaussian: mu_q must have at least one dimension");
        if (lq.sizes() != mq.sizes())
            throw std::invalid_argument("kl_div_diag_gaussian: logvar_q shape " + c10::str(lq.sizes()) + " differs from mu_q shape " +
                                        c10::str(mq.sizes()));
        // 0.5 * sum_d [ logvar_p - logvar_q + (exp(logvar_q) + (mu_q - mu_p)^2) / exp(logvar_p) - 1 ]
        auto diff = mq - mp;
        auto term = lp - lq + (lq.exp() + diff * diff) * (-lp).exp() - 1.0;
        auto kl = 0.5 * term.sum(-1);
        switch (reduction(red)) {
            case 0: return cdsr::wrap(kl);
            case 1: return cdsr::wrap(kl.mean());
            default: return cdsr::wrap(kl.sum());
        }
    })
}
