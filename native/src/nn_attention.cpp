// cdsr_nn_*: scaled dot-product and multi-head attention, causal masks (see include/cdsr_nn.h).
#include "nn_common.hpp"
#include "cdsr_nn.h"
#include <cmath>
#include <limits>

using cdsr::unwrap;
using cdsr::nn::optional;

namespace {
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// Softmax over the last dim of scores whose disallowed entries are -inf. A row with no allowed entry would be
// NaN (0/0) in a plain softmax; here it becomes all zeros, so a query that may attend to nothing (e.g. a
// left-padded position under a causal mask) contributes nothing instead of poisoning the batch with NaN.
at::Tensor masked_softmax(const at::Tensor& scores) {
    auto dead = (scores == kNegInf).all(-1, /*keepdim=*/true);
    return at::softmax(scores.masked_fill(dead, 0.0), -1).masked_fill(dead, 0.0);
}

at::Tensor apply_mask(const at::Tensor& scores, const at::Tensor& mask, bool true_means_blocked, const char* what) {
    if (mask.scalar_type() == at::kBool || mask.scalar_type() == at::kByte) {
        auto m = mask.to(at::kBool);
        return scores.masked_fill(true_means_blocked ? m : m.logical_not(), kNegInf);
    }
    if (!at::isFloatingType(mask.scalar_type()))
        throw std::invalid_argument(std::string(what) + " must be bool or floating point, got " + c10::toString(mask.scalar_type()));
    return scores + mask.to(scores.scalar_type());
}
}  // namespace

CDSR_API cdsr_tensor cdsr_nn_scaled_dot_product_attention(cdsr_tensor q, cdsr_tensor k, cdsr_tensor v, cdsr_tensor attn_mask,
                                                          double dropout_p, int is_causal, int training) {
    CDSR_GUARD(nullptr, {
        const auto& Q = unwrap(q);  // [..., L, E]
        const auto& K = unwrap(k);  // [..., S, E]
        const auto& V = unwrap(v);  // [..., S, Ev]
        if (Q.dim() < 2 || K.dim() < 2 || V.dim() < 2)
            throw std::invalid_argument("scaled_dot_product_attention: q, k, v need at least 2 dimensions, got " + c10::str(Q.sizes()) +
                                        ", " + c10::str(K.sizes()) + ", " + c10::str(V.sizes()));
        if (Q.size(-1) != K.size(-1))
            throw std::invalid_argument("scaled_dot_product_attention: q feature size " + std::to_string(Q.size(-1)) +
                                        " differs from k feature size " + std::to_string(K.size(-1)));
        if (K.size(-2) != V.size(-2))
            throw std::invalid_argument("scaled_dot_product_attention: k has " + std::to_string(K.size(-2)) + " positions, v has " +
                                        std::to_string(V.size(-2)));
        const int64_t L = Q.size(-2), S = K.size(-2);
        auto scores = at::matmul(Q, K.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(Q.size(-1))));  // [..., L, S]
        if (attn_mask != nullptr) scores = apply_mask(scores, unwrap(attn_mask), /*true_means_blocked=*/false, "attn_mask");
        if (is_causal) {
            auto future = at::ones({L, S}, scores.options().dtype(at::kBool)).triu(1);  // [L, S], true above the diagonal
            scores = scores.masked_fill(future, kNegInf);
        }
        auto attn = cdsr::nn::dropout(masked_softmax(scores), dropout_p, training != 0);  // [..., L, S]
        return cdsr::wrap(at::matmul(attn, V));  // [..., L, Ev]
    })
}

CDSR_API int cdsr_nn_multi_head_attention(cdsr_tensor q, cdsr_tensor k, cdsr_tensor v, int64_t num_heads,
                                          cdsr_tensor in_proj_weight, cdsr_tensor in_proj_bias, cdsr_tensor out_proj_weight,
                                          cdsr_tensor out_proj_bias, cdsr_tensor key_padding_mask, cdsr_tensor attn_mask,
                                          double dropout_p, int training, int need_weights, int average_weights, int batch_first,
                                          cdsr_tensor* out, cdsr_tensor* weights) {
    CDSR_STATUS_FN({
        auto query = batch_first ? unwrap(q) : unwrap(q).transpose(0, 1);  // [B, L, E]
        auto key = batch_first ? unwrap(k) : unwrap(k).transpose(0, 1);    // [B, S, E]
        auto value = batch_first ? unwrap(v) : unwrap(v).transpose(0, 1);  // [B, S, E]
        cdsr::nn::expect_dims(query, 3, "multi_head_attention query");
        cdsr::nn::expect_dims(key, 3, "multi_head_attention key");
        cdsr::nn::expect_dims(value, 3, "multi_head_attention value");
        const int64_t B = query.size(0), L = query.size(1), E = query.size(2), S = key.size(1), H = num_heads;
        if (H <= 0 || E % H != 0)
            throw std::invalid_argument("multi_head_attention: embed_dim " + std::to_string(E) + " is not divisible by num_heads " +
                                        std::to_string(H));
        if (key.size(0) != B || value.size(0) != B || value.size(1) != S || key.size(2) != E || value.size(2) != E)
            throw std::invalid_argument("multi_head_attention: query " + c10::str(query.sizes()) + ", key " + c10::str(key.sizes()) +
                                        ", value " + c10::str(value.sizes()) + " (batch-first) do not agree");
        const auto& w_in = unwrap(in_proj_weight);  // [3E, E]
        if (w_in.dim() != 2 || w_in.size(0) != 3 * E || w_in.size(1) != E)
            throw std::invalid_argument("multi_head_attention: in_proj_weight must be [" + std::to_string(3 * E) + ", " +
                                        std::to_string(E) + "], got " + c10::str(w_in.sizes()));
        const int64_t Dh = E / H;
        auto w = w_in.chunk(3, 0);
        std::vector<c10::optional<at::Tensor>> b(3);
        if (in_proj_bias != nullptr) {
            auto bc = unwrap(in_proj_bias).chunk(3, 0);
            for (int i = 0; i < 3; ++i) b[i] = bc[i];
        }
        auto heads = [&](const at::Tensor& x, int64_t n) { return x.reshape({B, n, H, Dh}).transpose(1, 2); };
        auto Q = heads(at::linear(query, w[0], b[0]), L);  // [B, H, L, Dh]
        auto K = heads(at::linear(key, w[1], b[1]), S);    // [B, H, S, Dh]
        auto V = heads(at::linear(value, w[2], b[2]), S);  // [B, H, S, Dh]
        auto scores = at::matmul(Q, K.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(Dh)));  // [B, H, L, S]
        if (attn_mask != nullptr) {
            auto m = unwrap(attn_mask);
            if (m.dim() == 2 && m.size(0) == L && m.size(1) == S) m = m.view({1, 1, L, S});
            else if (m.dim() == 3 && m.size(0) == B * H && m.size(1) == L && m.size(2) == S) m = m.view({B, H, L, S});
            else
                throw std::invalid_argument("multi_head_attention: attn_mask must be [" + std::to_string(L) + ", " + std::to_string(S) +
                                            "] or [" + std::to_string(B * H) + ", " + std::to_string(L) + ", " + std::to_string(S) +
                                            "], got " + c10::str(m.sizes()));
            scores = apply_mask(scores, m, /*true_means_blocked=*/true, "attn_mask");
        }
        if (key_padding_mask != nullptr) {
            const auto& m = unwrap(key_padding_mask);
            if (m.dim() != 2 || m.size(0) != B || m.size(1) != S)
                throw std::invalid_argument("multi_head_attention: key_padding_mask must be [" + std::to_string(B) + ", " +
                                            std::to_string(S) + "], got " + c10::str(m.sizes()));
            scores = apply_mask(scores, m.view({B, 1, 1, S}), /*true_means_blocked=*/true, "key_padding_mask");
        }
        auto attn = masked_softmax(scores);                                // [B, H, L, S]
        auto ctx = at::matmul(cdsr::nn::dropout(attn, dropout_p, training != 0), V);  // [B, H, L, Dh]
        auto merged = ctx.transpose(1, 2).reshape({B, L, E});               // [B, L, E]
        auto result = at::linear(merged, unwrap(out_proj_weight), optional(out_proj_bias));  // [B, L, E]
        if (!batch_first) result = result.transpose(0, 1);  // [L, B, E]
        at::Tensor w_out;
        if (need_weights) w_out = average_weights ? attn.mean(1) : attn;  // [B, L, S] or [B, H, L, S]
        cdsr::nn::wrap_pair(std::move(result), std::move(w_out), need_weights != 0, out, weights);
    })
}

CDSR_API cdsr_tensor cdsr_nn_square_subsequent_mask(int64_t n, int dtype, int device_type, int device_index) {
    CDSR_GUARD(nullptr, {
        if (n < 0) throw std::invalid_argument("square_subsequent_mask: size must be >= 0, got " + std::to_string(n));
        if (device_type != 0 && device_type != 1) throw std::invalid_argument("unknown device type " + std::to_string(device_type));
        auto opts = at::TensorOptions()
                        .dtype(cdsr::nn::scalar_type(dtype))
                        .device(device_type == 0 ? at::Device(at::kCPU) : at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(device_index)));
        return cdsr::wrap(at::full({n, n}, kNegInf, opts).triu(1));  // [n, n]: -inf above the diagonal, 0 elsewhere
    })
}
