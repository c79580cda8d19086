using Cdsr.Onnx.Model;
using Cdsr.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Onnx.Export;

/// <summary>
/// CDSRNP's scoring graph (<see cref="CdsrNp"/>, Li et al., arXiv 2410.13588), written from its weights; it reproduces
/// <c>CdsrNp.Score(histories, candidates, F_S, mu_s)</c> with the fixed inference support set baked in:
/// <code>
/// F_S, mu_s = model.InferenceSupport()                     computed eagerly once, stored as initializers [S, D], [D]
/// X_c       = DomainItems(histories, c), c = A (1), B (2)   [B, T]: slot j = the item of domain c whose rank from the end
///             rank = reverse-cumsum(dom == c) along L       among that domain's items is T - j (0 = none)
/// E_spec^A  = V_A[X_A] + P_A,  E_shared^A = V[X_A] + P      (B alike)
/// X_*^c     = LN(Enc_*((E_*^c) * keep) * keep) * keep       one causal pre-norm block per encoder, padding keys blocked
/// F_A = MLP_A([X_spec^A | X_shared^A]), F_B alike, F = MLP([F_A | F_B | X_spec^A | X_shared^A | X_spec^B | X_shared^B])
///             (shared_only: F_A = MLP_A(X_shared^A), F = MLP([F_A | F_B | X_shared^A | X_shared^B]))
/// f         = sum_t F_t valid_t / max(sum_t valid_t, 1)     valid = A or B has an item at slot t      [B, D]
/// f_s       = softmax((f W_Q)(F_S W_K)^T / sqrt(D)) (F_S W_V)  (interest adaptive layer, when on)    [B, D]
/// d         = MLP_d([f | f_s | mu_s])                                                                 [B, D]
/// score     = out_final(ReLU(out_user(d) + out_item(V[candidates])))                                  [B, C]
/// </code>
/// The two domains run the encoders separately (the eager model stacks them into one [2B, T] batch; rows are independent,
/// so the result is the same and the graph needs no batch-sized slice).
/// </summary>
public static class CdsrNpOnnx
{
    /// <summary>Adds CDSRNP's graph from histories [B, L] and candidates [B, C]; returns the scores value [B, C].
    /// The model must be in eval mode (dropout off), under no_grad, inside a dispose scope.</summary>
    public static string Scores(ScoringGraph g, CdsrNp model)
    {
        var o = model.Options;
        long d = o.HiddenSize, T = o.DomainLength;
        var domain = g.State("item_domain");                                                   // int64 [N+1]
        if (domain.max().item<long>() == 0)
            throw new OnnxExportException("CdsrNp: the item->domain map is empty: call Attach(data) or load a checkpoint before exporting");
        var itemDomain = g.G.Initializer(OnnxTensor.FromInt64s("item_domain", domain.cpu().contiguous().data<long>().ToArray(), domain.shape)); // [N+1]
        var (supportF, supportMu) = model.InferenceSupport();                                  // [S, D], [D]
        var muS = g.Constant("support_mu", supportMu);                                         // [D]

        var dom = g.G.Node("Gather", [itemDomain, g.Histories], OnnxAttribute.Int("axis", 0)); // [B, L] 0, 1 = A, 2 = B
        var a = DomainItems(g, dom, 1, T);                                                      // [B, T]
        var b = DomainItems(g, dom, 2, T);                                                      // [B, T]
        var (padA, padB) = (g.Padding(a), g.Padding(b));                                        // [B, T] true = padding
        var causal = g.Causal(T);                                                               // [T, T]
        var sharedA = Encode(g, o, "shared", g.Embedding("item_shared.weight", a), "position_shared", padA, causal); // [B, T, D]
        var sharedB = Encode(g, o, "shared", g.Embedding("item_shared.weight", b), "position_shared", padB, causal);  // [B, T, D]
        string fused;                                                                           // [B, T, D]
        if (o.Embedding == CdsrNpEmbedding.SpecificAndShared)
        {
            var specA = Encode(g, o, "specific", g.Embedding("item_specific.weight", a), "position_a", padA, causal); // [B, T, D]
            var specB = Encode(g, o, "specific", g.Embedding("item_specific.weight", b), "position_b", padB, causal); // [B, T, D]
            var fa = g.Mlp(g.Concat(-1, specA, sharedA), "mlp_a");                             // [B, T, D]
            var fb = g.Mlp(g.Concat(-1, specB, sharedB), "mlp_b");                             // [B, T, D]
            fused = g.Mlp(g.Concat(-1, fa, fb, specA, sharedA, specB, sharedB), "mlp_fuse");   // [B, T, 6D] -> [B, T, D]
        }
        else
        {
            var fa = g.Mlp(sharedA, "mlp_a");                                                   // [B, T, D]
            var fb = g.Mlp(sharedB, "mlp_b");                                                   // [B, T, D]
            fused = g.Mlp(g.Concat(-1, fa, fb, sharedA, sharedB), "mlp_fuse");                 // [B, T, 4D] -> [B, T, D]
        }
        var valid = g.Unsqueeze(g.ToFloat(g.G.Node("Not", g.G.Node("And", padA, padB))), 2);  // [B, T, 1]
        var f = g.Node("Div", g.SumOver(g.Mul(fused, valid), 1, keep: false),
            g.Node("Max", g.SumOver(valid, 1, keep: false), g.Float(1)));                       // [B, D] / [B, 1]

        var parts = new List<string> { f };                                                     // Decode(f, F_S, mu_s)
        if (o.InterestAdaptive)                                                                 // only this layer reads F_S
        {
            var fS = g.Constant("support_f", supportF);                                        // [S, D]
            parts.Add(g.Attention(g.Linear(f, "w_q"), g.Linear(fS, "w_k"), g.Linear(fS, "w_v"), d)); // [B, D]
        }
        parts.Add(g.G.Node("Expand", muS, g.G.Node("Shape", f)));                              // [D] -> [B, D]
        var user = g.Linear(g.Mlp(g.Concat(-1, [.. parts]), "mlp_d"), "out_user");              // [B, D]
        var item = g.Linear(g.Embedding("item_shared.weight", g.Candidates), "out_item");       // [B, C, D]
        var hidden = g.Relu(g.Add(g.Unsqueeze(user, 1), item));                                 // [B, C, D]
        return g.Squeeze(g.Linear(hidden, "out_final"), -1);                                    // [B, C, 1] -> [B, C]
    }

    /// <summary>CdsrNp.DomainItems: item domains dom [B, L] -> the most recent T items of domain <paramref name="code"/>,
    /// left-padded [B, T]. A reverse cumulative sum gives each item its rank from the end among its domain's items.</summary>
    private static string DomainItems(ScoringGraph g, string dom, long code, long T)
    {
        var mask = g.G.Node("Equal", dom, g.Int64(code));                                       // [B, L]
        var rank = g.G.Node("CumSum", [g.ToInt64(mask), g.Int64(1)], OnnxAttribute.Int("reverse", 1)); // [B, L] 1 = most recent
        var want = g.G.Constant("want", Enumerable.Range(0, (int)T).Select(j => T - j).ToArray(), 1, T, 1); // [1, T, 1]
        var match = g.G.Node("And", g.G.Node("Equal", g.Unsqueeze(rank, 1), want), g.Unsqueeze(mask, 1)); // [B, T, L]
        return g.SumOver(g.Mul(g.ToInt64(match), g.Unsqueeze(g.Histories, 1)), -1, keep: false); // [B, T]
    }

    /// <summary>CdsrNp.Run over one domain: embeddings [B, T, D] + positions -> encoder "{kind}_encoder" and "{kind}_norm"
    /// with padding positions zero in and out -> [B, T, D].</summary>
    private static string Encode(ScoringGraph g, CdsrNpOptions o, string kind, string embedded, string position, string padding, string causal)
    {
        var keep = g.Keep(padding);                                                             // [B, T, 1]
        var x = g.Mul(g.Add(embedded, g.Weight(position + ".weight")), keep);                  // [B, T, D] + [T, D]
        var blocked = g.Blocked(causal, padding);                                               // [B, 1, T, T]
        x = g.Mul(g.TransformerStack(x, kind + "_encoder", 1, o.Heads, o.HiddenSize, o.LayerNormEps, blocked), keep); // [B, T, D]
        return g.Mul(g.LayerNorm(x, kind + "_norm", o.LayerNormEps), keep);                    // [B, T, D]
    }
}
