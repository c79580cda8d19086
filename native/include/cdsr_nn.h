/* cdsr_nn_*: the functional layer under torch.nn (activations, normalisation, losses, attention, recurrent
 * cells, parameter initialisation) and sparse COO products.
 *
 * Ownership follows cdsr_common.h: every returned cdsr_tensor (directly, or through an out-pointer) is a new
 * handle owned by the caller; every argument is borrowed. Optional tensor arguments are NULL when absent.
 * Functions with several results return a status (0 ok, non-zero error) and write handles to out-pointers;
 * on error no out-pointer is written. reduction codes: 0 none, 1 mean, 2 sum (at::Reduction).
 * Every op records autograd unless it ends in an underscore (in-place initialisers run under no-grad).
 */
#ifndef CDSR_NN_H
#define CDSR_NN_H
#include "cdsr_common.h"

/* ---- activations ---- */
/* approximate: 0 exact (erf), 1 tanh approximation. */
CDSR_API cdsr_tensor cdsr_nn_gelu(cdsr_tensor x, int approximate);
CDSR_API cdsr_tensor cdsr_nn_leaky_relu(cdsr_tensor x, double negative_slope);
CDSR_API cdsr_tensor cdsr_nn_elu(cdsr_tensor x, double alpha);
CDSR_API cdsr_tensor cdsr_nn_softmax(cdsr_tensor x, int64_t dim);
CDSR_API cdsr_tensor cdsr_nn_log_softmax(cdsr_tensor x, int64_t dim);
/* x / max(||x||_p along dim, eps). */
CDSR_API cdsr_tensor cdsr_nn_normalize(cdsr_tensor x, double p, int64_t dim, double eps);
/* log(sigmoid(x)), computed stably (BPR-style losses). */
CDSR_API cdsr_tensor cdsr_nn_logsigmoid(cdsr_tensor x);
/* (1/beta) log(1 + exp(beta x)); linear above threshold. */
CDSR_API cdsr_tensor cdsr_nn_softplus(cdsr_tensor x, double beta, double threshold);
/* x * sigmoid(x). */
CDSR_API cdsr_tensor cdsr_nn_silu(cdsr_tensor x);
/* sum(x1 * x2) / max(||x1|| * ||x2||, eps) along dim, broadcasting. */
CDSR_API cdsr_tensor cdsr_nn_cosine_similarity(cdsr_tensor x1, cdsr_tensor x2, int64_t dim, double eps);
/* int64 indices [*] -> int64 [*, num_classes] with a 1 at each index; num_classes < 0 infers max + 1. */
CDSR_API cdsr_tensor cdsr_nn_one_hot(cdsr_tensor indices, int64_t num_classes);
/* Inverted dropout: zeroes with probability p and scales survivors by 1/(1-p) when training, else identity. */
CDSR_API cdsr_tensor cdsr_nn_dropout(cdsr_tensor x, double p, int training);

/* ---- layers ---- */
/* y = x W^T + b; W [out, in], b [out] or NULL. */
CDSR_API cdsr_tensor cdsr_nn_linear(cdsr_tensor x, cdsr_tensor weight, cdsr_tensor bias);
/* Normalises over the trailing ndim dims given by shape; weight/bias of that shape or NULL. */
CDSR_API cdsr_tensor cdsr_nn_layer_norm(cdsr_tensor x, const int64_t* shape, int ndim, cdsr_tensor weight, cdsr_tensor bias, double eps);
/* Rows of weight [N, D] at indices (int64, any shape); padding_idx < 0 means none, else that row gets no gradient. */
CDSR_API cdsr_tensor cdsr_nn_embedding(cdsr_tensor weight, cdsr_tensor indices, int64_t padding_idx);

/* ---- losses ---- */
/* input [N, C] (or [N, C, d...]) logits, target int64 class ids [N] (or [N, d...]); weight [C] or NULL. */
CDSR_API cdsr_tensor cdsr_nn_cross_entropy(cdsr_tensor input, cdsr_tensor target, cdsr_tensor weight, int64_t ignore_index,
                                           int reduction, double label_smoothing);
/* input [N, C] log-probabilities. */
CDSR_API cdsr_tensor cdsr_nn_nll_loss(cdsr_tensor input, cdsr_tensor target, cdsr_tensor weight, int64_t ignore_index, int reduction);
/* weight broadcasts to input; pos_weight [C] broadcasts over the last dim; both may be NULL. */
CDSR_API cdsr_tensor cdsr_nn_binary_cross_entropy_with_logits(cdsr_tensor input, cdsr_tensor target, cdsr_tensor weight,
                                                              cdsr_tensor pos_weight, int reduction);
/* input probabilities in [0, 1]; weight broadcasts to input or NULL. */
CDSR_API cdsr_tensor cdsr_nn_binary_cross_entropy(cdsr_tensor input, cdsr_tensor target, cdsr_tensor weight, int reduction);
CDSR_API cdsr_tensor cdsr_nn_mse_loss(cdsr_tensor input, cdsr_tensor target, int reduction);
/* KL(N(mu_q, exp(logvar_q)) || N(mu_p, exp(logvar_p))), summed over the last dim: shape of mu_q without it
 * when reduction is none, else its mean or sum. */
CDSR_API cdsr_tensor cdsr_nn_kl_div_diag_gaussian(cdsr_tensor mu_q, cdsr_tensor logvar_q, cdsr_tensor mu_p, cdsr_tensor logvar_p,
                                                  int reduction);

/* ---- attention ---- */
/* softmax(q k^T / sqrt(E) + mask) v over q [..., L, E], k [..., S, E], v [..., S, Ev]. attn_mask broadcasts to
 * [..., L, S]: bool (true = may attend, PyTorch 2 convention) or float (added). is_causal masks j > i.
 * Rows with no allowed key give zero output (not NaN). */
CDSR_API cdsr_tensor cdsr_nn_scaled_dot_product_attention(cdsr_tensor q, cdsr_tensor k, cdsr_tensor v, cdsr_tensor attn_mask,
                                                          double dropout_p, int is_causal, int training);
/* nn.MultiheadAttention's forward (equal q/k/v embedding sizes, packed in-projection).
 * q [B, L, E], k and v [B, S, E] when batch_first, else [L, B, E] / [S, B, E].
 * key_padding_mask [B, S]: bool (true = ignore that key) or float (added). attn_mask [L, S] or [B*H, L, S]:
 * bool (true = not allowed, nn.MultiheadAttention's convention) or float (added).
 * *out: [B, L, E] (or [L, B, E]); *weights: NULL unless need_weights, then [B, L, S] averaged over heads when
 * average_weights, else [B, H, L, S]. Query rows with no allowed key attend to nothing (zero weights). */
CDSR_API int cdsr_nn_multi_head_attention(cdsr_tensor q, cdsr_tensor k, cdsr_tensor v, int64_t num_heads,
                                          cdsr_tensor in_proj_weight, cdsr_tensor in_proj_bias, cdsr_tensor out_proj_weight,
                                          cdsr_tensor out_proj_bias, cdsr_tensor key_padding_mask, cdsr_tensor attn_mask,
                                          double dropout_p, int training, int need_weights, int average_weights, int batch_first,
                                          cdsr_tensor* out, cdsr_tensor* weights);
/* Float mask [n, n]: 0 on and below the diagonal, -inf above (nn.Transformer.generate_square_subsequent_mask). */
CDSR_API cdsr_tensor cdsr_nn_square_subsequent_mask(int64_t n, int dtype, int device_type, int device_index);

/* ---- recurrent ---- */
/* at::gru. params: nparams handles in PyTorch's order (per layer and direction: w_ih, w_hh[, b_ih, b_hh]).
 * input [B, L, In] when batch_first else [L, B, In]; hx [layers*dirs, B, H] or NULL (zeros).
 * *output [B, L, dirs*H] (or [L, B, dirs*H]); *h_n [layers*dirs, B, H]. */
CDSR_API int cdsr_nn_gru(cdsr_tensor input, cdsr_tensor hx, const cdsr_tensor* params, int nparams, int has_biases,
                         int64_t num_layers, double dropout, int training, int bidirectional, int batch_first,
                         cdsr_tensor* output, cdsr_tensor* h_n);

/* ---- parameters (in place, without recording autograd) ---- */
CDSR_API int cdsr_nn_init_uniform_(cdsr_tensor t, double low, double high);
CDSR_API int cdsr_nn_init_normal_(cdsr_tensor t, double mean, double std);
CDSR_API int cdsr_nn_init_constant_(cdsr_tensor t, double value);
/* Normal(mean, std) truncated to [a, b] by inverse-CDF sampling (as torch.nn.init.trunc_normal_). */
CDSR_API int cdsr_nn_init_trunc_normal_(cdsr_tensor t, double mean, double std, double a, double b);
/* dst.copy_(src) under no-grad (shapes must match; dtype/device converted). */
CDSR_API int cdsr_nn_copy_(cdsr_tensor dst, cdsr_tensor src);
/* Replaces dst's data by src's (dtype/device may change) keeping dst's identity and requires_grad (param.data = src). */
CDSR_API int cdsr_nn_set_data(cdsr_tensor dst, cdsr_tensor src);

/* ---- sparse COO ---- */
/* indices int64 [ndim, nnz], values [nnz]; shape of ndim sizes. The result is coalesced. */
CDSR_API cdsr_tensor cdsr_sparse_coo_tensor(cdsr_tensor indices, cdsr_tensor values, const int64_t* shape, int ndim);
/* sparse [n, m] x dense [m, k] -> dense [n, k]; gradient flows to dense (and to the sparse values). */
CDSR_API cdsr_tensor cdsr_sparse_mm(cdsr_tensor sparse, cdsr_tensor dense);
/* A dense copy of a sparse tensor. */
CDSR_API cdsr_tensor cdsr_sparse_to_dense(cdsr_tensor sparse);

#endif
