// cdsr_nn_gru: multi-layer GRU through at::gru (see include/cdsr_nn.h).
#include "nn_common.hpp"
#include "cdsr_nn.h"
#include <vector>

using cdsr::unwrap;

CDSR_API int cdsr_nn_gru(cdsr_tensor input, cdsr_tensor hx, const cdsr_tensor* params, int nparams, int has_biases,
                         int64_t num_layers, double dropout, int training, int bidirectional, int batch_first,
                         cdsr_tensor* output, cdsr_tensor* h_n) {
    CDSR_STATUS_FN({
        const auto& x = unwrap(input);  // [B, L, In] or [L, B, In]
        cdsr::nn::expect_dims(x, 3, "gru input");
        const int64_t dirs = bidirectional ? 2 : 1;
        const int per = has_biases ? 4 : 2;
        if (num_layers <= 0 || nparams != num_layers * dirs * per)
            throw std::invalid_argument("gru: expected " + std::to_string(num_layers * dirs * per) + " parameter tensors for " +
                                        std::to_string(num_layers) + " layers, got " + std::to_string(nparams));
        std::vector<at::Tensor> ps;
        ps.reserve(static_cast<size_t>(nparams));
        for (int i = 0; i < nparams; ++i) ps.push_back(unwrap(params[i]));
        const int64_t hidden = ps[1].size(1);  // w_hh [3H, H]
        const int64_t batch = batch_first ? x.size(0) : x.size(1);
        at::Tensor h0 = hx != nullptr ? unwrap(hx) : at::zeros({num_layers * dirs, batch, hidden}, x.options());
        if (h0.dim() != 3 || h0.size(0) != num_layers * dirs || h0.size(1) != batch || h0.size(2) != hidden)
            throw std::invalid_argument("gru: hx must be [" + std::to_string(num_layers * dirs) + ", " + std::to_string(batch) + ", " +
                                        std::to_string(hidden) + "], got " + c10::str(h0.sizes()));
        auto result = at::gru(x, h0, ps, has_biases != 0, num_layers, dropout, training != 0, bidirectional != 0, batch_first != 0);
        // std::get<0>: [B, L, dirs*H] (or [L, B, dirs*H]); std::get<1>: [layers*dirs, B, H]
        cdsr::nn::wrap_pair(std::get<0>(result), std::get<1>(result), true, output, h_n);
    })
}
