using Cdsr.Torch.Native;
using static Cdsr.Torch.Native.LibCdsrTorch;

namespace Cdsr.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Stateless neural-network ops (torch.nn.functional). Every op records autograd.</summary>
        public static class functional
        {
            // ---- activations ----
            public static Tensor relu(Tensor input) => input.relu();
            public static Tensor sigmoid(Tensor input) => input.sigmoid();
            public static Tensor tanh(Tensor input) => input.tanh();

            /// <summary>x * Phi(x); <paramref name="approximate"/> "tanh" uses the tanh approximation.</summary>
            public static Tensor gelu(Tensor input, string approximate = "none") => approximate switch
            {
                "none" => Tracing.TraceHooks.OpI(Tensor.FromNative(cdsr_nn_gelu(input.Handle, 0)), "gelu", input, 0),
                "tanh" => Tracing.TraceHooks.OpI(Tensor.FromNative(cdsr_nn_gelu(input.Handle, 1)), "gelu", input, 1),
                _ => throw new ArgumentException($"gelu: approximate must be \"none\" or \"tanh\", got \"{approximate}\"", nameof(approximate)),
            };

            public static Tensor leaky_relu(Tensor input, double negative_slope = 0.01) =>
                Tensor.FromNative(cdsr_nn_leaky_relu(input.Handle, negative_slope));

            public static Tensor elu(Tensor input, double alpha = 1.0) => Tensor.FromNative(cdsr_nn_elu(input.Handle, alpha));

            public static Tensor softmax(Tensor input, long dim) => Tracing.TraceHooks.OpI(Tensor.FromNative(cdsr_nn_softmax(input.Handle, dim)), "softmax", input, dim);

            public static Tensor log_softmax(Tensor input, long dim) => Tracing.TraceHooks.OpI(Tensor.FromNative(cdsr_nn_log_softmax(input.Handle, dim)), "log_softmax", input, dim);

            /// <summary>log(sigmoid(x)) without overflow; -logsigmoid(pos - neg) is the BPR loss.</summary>
            public static Tensor logsigmoid(Tensor input) => Tensor.FromNative(cdsr_nn_logsigmoid(input.Handle));

            /// <summary>(1/beta) log(1 + exp(beta x)), the identity where beta x exceeds <paramref name="threshold"/>.</summary>
            public static Tensor softplus(Tensor input, double beta = 1, double threshold = 20) =>
                Tensor.FromNative(cdsr_nn_softplus(input.Handle, beta, threshold));

            /// <summary>x * sigmoid(x).</summary>
            public static Tensor silu(Tensor input) => Tensor.FromNative(cdsr_nn_silu(input.Handle));

            /// <summary>sum(x1 * x2) / max(||x1|| ||x2||, eps) along <paramref name="dim"/> (broadcasting): [*, D] -> [*].</summary>
            public static Tensor cosine_similarity(Tensor x1, Tensor x2, long dim = 1, double eps = 1e-8) =>
                Tensor.FromNative(cdsr_nn_cosine_similarity(x1.Handle, x2.Handle, dim, eps));

            /// <summary>int64 ids [*] -> int64 [*, num_classes]; -1 infers num_classes as max id + 1.</summary>
            public static Tensor one_hot(Tensor x, long num_classes = -1) => Tensor.FromNative(cdsr_nn_one_hot(x.Handle, num_classes));

            /// <summary>input / max(||input||_p along <paramref name="dim"/>, eps).</summary>
            public static Tensor normalize(Tensor input, double p = 2.0, long dim = 1, double eps = 1e-12) =>
                Tensor.FromNative(cdsr_nn_normalize(input.Handle, p, dim, eps));

            /// <summary>Zeroes elements with probability <paramref name="p"/> and scales the rest by 1/(1-p) when
            /// <paramref name="training"/>; otherwise returns a tensor equal to the input.</summary>
            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true) =>
                Tracing.TraceHooks.OpI(Tensor.FromNative(cdsr_nn_dropout(input.Handle, p, training ? 1 : 0)), "dropout", input, training ? 1 : 0);

            // ---- layers ----
            /// <summary>input [*, in] W^T [in, out] + b -> [*, out].</summary>
            public static Tensor linear(Tensor input, Tensor weights, Tensor? bias = null)
            {
                var r = Tensor.FromNative(cdsr_nn_linear(input.Handle, weights.Handle, Opt(bias)));
                GC.KeepAlive(bias);
                return Tracing.TraceHooks.Op(r, "linear", input, weights, bias);
            }

            /// <summary>Normalises over the trailing dims <paramref name="normalized_shape"/>, then scales and shifts.</summary>
            public static unsafe Tensor layer_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-05)
            {
                fixed (long* p = normalized_shape)
                {
                    var r = Tensor.FromNative(cdsr_nn_layer_norm(input.Handle, p, normalized_shape.Length, Opt(weight), Opt(bias), eps));
                    GC.KeepAlive(weight);
                    GC.KeepAlive(bias);
                    if (Tracing.TraceHooks.Active) Tracing.TraceHooks.Record("layer_norm", [input, weight, bias], [r], (long[])normalized_shape.Clone(), [eps]);
                    return r;
                }
            }

            /// <summary>Rows of <paramref name="weights"/> [N, D] at <paramref name="x"/> (int64, any shape) -> [*x.shape, D].
            /// The <paramref name="padding_idx"/> row (negative counts from the end) receives no gradient.</summary>
            public static Tensor embedding(Tensor x, Tensor weights, long? padding_idx = null)
            {
                long pad = -1;
                if (padding_idx is long p)
                {
                    var rows = weights.size(0);
                    pad = p < 0 ? p + rows : p;
                    if (pad < 0 || pad >= rows)
                        throw new ArgumentOutOfRangeException(nameof(padding_idx), $"padding_idx {p} is out of range for an embedding of {rows} rows");
                }
                return Tracing.TraceHooks.Op(Tensor.FromNative(cdsr_nn_embedding(weights.Handle, x.Handle, pad)), "embedding", weights, x);
            }

            // ---- losses ----
            /// <summary>Softmax cross-entropy of logits <paramref name="input"/> [N, C] against class ids <paramref name="target"/> [N]
            /// (int64). Targets equal to <paramref name="ignore_index"/> contribute nothing, also not to the mean's denominator.</summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100,
                Reduction reduction = Reduction.Mean, double label_smoothing = 0.0)
            {
                var r = Tensor.FromNative(cdsr_nn_cross_entropy(input.Handle, target.Handle, Opt(weight), ignore_index, (int)reduction, label_smoothing));
                GC.KeepAlive(weight);
                return r;
            }

            /// <summary>Negative log-likelihood of log-probabilities <paramref name="input"/> [N, C] at <paramref name="target"/> [N].</summary>
            public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100, Reduction reduction = Reduction.Mean)
            {
                var r = Tensor.FromNative(cdsr_nn_nll_loss(input.Handle, target.Handle, Opt(weight), ignore_index, (int)reduction));
                GC.KeepAlive(weight);
                return r;
            }

            /// <summary>-[pos_weight * y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))] * weight, computed stably from logits.</summary>
            public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null,
                Reduction reduction = Reduction.Mean, Tensor? pos_weights = null)
            {
                var r = Tensor.FromNative(cdsr_nn_binary_cross_entropy_with_logits(input.Handle, target.Handle, Opt(weight), Opt(pos_weights), (int)reduction));
                GC.KeepAlive(weight);
                GC.KeepAlive(pos_weights);
                return r;
            }

            /// <summary>-[y log p + (1 - y) log(1 - p)] * weight on probabilities <paramref name="input"/> (logs clamped at -100).</summary>
            public static Tensor binary_cross_entropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
            {
                var r = Tensor.FromNative(cdsr_nn_binary_cross_entropy(input.Handle, target.Handle, Opt(weight), (int)reduction));
                GC.KeepAlive(weight);
                return r;
            }

            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Tensor.FromNative(cdsr_nn_mse_loss(input.Handle, target.Handle, (int)reduction));

            /// <summary>KL(N(mu_q, diag exp(logvar_q)) || N(mu_p, diag exp(logvar_p))), summed over the last dim:
            /// 0.5 * sum(logvar_p - logvar_q + (exp(logvar_q) + (mu_q - mu_p)^2) / exp(logvar_p) - 1).
            /// [*, D] -> [*] with Reduction.None, else the mean or sum of that.</summary>
            public static Tensor kl_div_diag_gaussian(Tensor mu_q, Tensor logvar_q, Tensor mu_p, Tensor logvar_p, Reduction reduction = Reduction.Mean) =>
                Tensor.FromNative(cdsr_nn_kl_div_diag_gaussian(mu_q.Handle, logvar_q.Handle, mu_p.Handle, logvar_p.Handle, (int)reduction));

            // ---- attention ----
            /// <summary>softmax(q k^T / sqrt(E) + mask) v: q [*, L, E], k [*, S, E], v [*, S, Ev] -> [*, L, Ev].
            /// A bool <paramref name="attn_mask"/> (broadcast to [*, L, S]) marks with true the pairs that MAY attend (PyTorch 2's
            /// convention); a float mask is added to the scores. <paramref name="is_causal"/> blocks keys after the query.
            /// A query with no allowed key gets a zero output instead of NaN.</summary>
            public static Tensor scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask = null,
                double dropout_p = 0.0, bool is_causal = false, bool training = true)
            {
                var r = Tensor.FromNative(cdsr_nn_scaled_dot_product_attention(query.Handle, key.Handle, value.Handle, Opt(attn_mask), dropout_p,
                    is_causal ? 1 : 0, training ? 1 : 0));
                GC.KeepAlive(attn_mask);
                if (Tracing.TraceHooks.Active)
                    Tracing.TraceHooks.Record("scaled_dot_product_attention", [query, key, value, attn_mask], [r], [is_causal ? 1 : 0, training ? 1 : 0], [dropout_p]);
                return r;
            }

            // ---- masks ----
            /// <summary>Float [sz, sz]: 0 on and below the diagonal, -inf above, i.e. position i may attend to j &lt;= i
            /// (the additive attn_mask of nn.Transformer.generate_square_subsequent_mask).</summary>
            public static Tensor generate_square_subsequent_mask(long sz, ScalarType dtype = ScalarType.Float32, Device? device = null)
            {
                var d = device ?? CPU;
                return Tensor.FromNative(cdsr_nn_square_subsequent_mask(sz, (int)dtype, (int)d.type, d.index));
            }

            /// <summary>Bool [sz, sz], true above the diagonal: the boolean form of the causal attn_mask
            /// (true = may not attend, nn.MultiheadAttention's convention).</summary>
            public static Tensor causal_mask(long sz, Device? device = null)
            {
                using var f = generate_square_subsequent_mask(sz, ScalarType.Float32, device);
                return f.lt(0.0);
            }

            /// <summary>key_padding_mask for item ids [B, L]: bool [B, L], true where the id equals <paramref name="padding_idx"/>
            /// (true = this key is ignored). Item id 0 is padding throughout Cdsr.</summary>
            public static Tensor padding_mask(Tensor ids, long padding_idx = 0) => ids.eq(padding_idx);
        }
    }
}
