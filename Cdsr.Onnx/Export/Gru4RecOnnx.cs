using Cdsr.Onnx.Model;
using Cdsr.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Onnx.Export;

/// <summary>
/// GRU4Rec's scoring graph (<see cref="Gru4Rec"/>, Hidasi et al. 2016), written from its weights:
/// <code>
/// x_t   = E[histories_t]                                   [B, L, E] (padding row zero), seq-first for ONNX: [L, B, E]
/// h_t   = GRU_k(x_t, h_{t-1}), h_0 = 0, k = 1..layers       ONNX GRU, one node per layer
///         z = sigma(W_z x + b_Wz + R_z h + b_Rz), r = sigma(W_r x + b_Wr + R_r h + b_Rr)
///         n = tanh(W_n x + b_Wn + r * (R_n h + b_Rn)), h' = (1 - z) * n + z * h   (linear_before_reset = 1: libtorch's formula)
/// u     = W h_{L-1} + b                                    projection of the last step
/// score = u . E[candidates]
/// </code>
/// libtorch stacks the gate rows of weight_ih/weight_hh/bias_* as (r, z, n); ONNX as (z, r, h), so the first two
/// blocks swap. Dropout is the identity (eval).
/// </summary>
public static class Gru4RecOnnx
{
    /// <summary>Adds GRU4Rec's graph from histories [B, L] and candidates [B, C]; returns the scores value [B, C].</summary>
    public static string Scores(ScoringGraph g, Gru4Rec model)
    {
        var o = model.Options;
        long H = o.HiddenSize;
        var x = g.Transpose(g.Embedding("item_embedding.weight", g.Histories), 1, 0, 2);        // [L, B, E]
        for (int k = 0; k < o.Layers; k++)
        {
            var w = g.Constant($"gru.W_l{k}", Gates(g.State($"gru.weight_ih_l{k}")).unsqueeze(0)); // [1, 3H, in]
            var r = g.Constant($"gru.R_l{k}", Gates(g.State($"gru.weight_hh_l{k}")).unsqueeze(0)); // [1, 3H, H]
            var b = g.Constant($"gru.B_l{k}", cat([Gates(g.State($"gru.bias_ih_l{k}")), Gates(g.State($"gru.bias_hh_l{k}"))]).unsqueeze(0)); // [1, 6H]
            var y = g.G.Node("GRU", [x, w, r, b], 2, OnnxAttribute.Int("hidden_size", H), OnnxAttribute.Int("linear_before_reset", 1))[0]; // [L, 1, B, H]
            x = g.Squeeze(y, 1);                                                                 // [L, B, H]
        }
        var last = g.Select(x, 0, model.MaxLength - 1);                                          // [B, H]
        var user = g.Linear(last, "projection");                                                 // [B, E]
        return g.DotScores(user, g.Embedding("item_embedding.weight", g.Candidates));            // [B, C]
    }

    /// <summary>Gate blocks (r, z, n) along dim 0 -> (z, r, n): [3H, ..] -> [3H, ..].</summary>
    private static Tensor Gates(Tensor t)
    {
        var rzn = t.detach().chunk(3, 0);                                                        // r, z, n: [H, ..] each
        return cat([rzn[1], rzn[0], rzn[2]], 0);
    }
}
