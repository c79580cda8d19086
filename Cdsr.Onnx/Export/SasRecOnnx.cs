using Cdsr.Trainers.Models;

namespace Cdsr.Onnx.Export;

/// <summary>
/// SASRec's scoring graph (<see cref="SasRec"/>, Kang &amp; McAuley 2018), written from its weights:
/// <code>
/// keep  = histories != 0                                   [B, L, 1]
/// H^0   = (M[histories] * sqrt(d) + P) * keep              P = position_embedding.weight, all L rows (positions 0..L-1)
/// H^k   = Block_k(H^{k-1}, causal | padding keys), k = 1..b (pre-norm; a query with no allowed key attends to nothing)
/// F     = LayerNorm(H^b * keep)
/// score = F_{L-1} . M[candidates]                          last position, item embeddings tied to the input
/// </code>
/// Dropout is the identity (eval). Only the last position is needed after the encoder, so the final LayerNorm and the
/// head run on it alone (both are per position).
/// </summary>
public static class SasRecOnnx
{
    /// <summary>Adds SASRec's graph from histories [B, L] and candidates [B, C]; returns the scores value [B, C].</summary>
    public static string Scores(ScoringGraph g, SasRec model)
    {
        var o = model.Options;
        long d = o.HiddenSize, L = model.MaxLength;
        var padding = g.Padding(g.Histories);                                                  // [B, L] true = padding
        var keep = g.Keep(padding);                                                            // [B, L, 1]
        var x = g.Add(g.Mul(g.Embedding("item_embedding.weight", g.Histories), g.Float((float)Math.Sqrt(d))),
            g.Weight("position_embedding.weight"));                                            // [B, L, d] + [L, d]
        x = g.Mul(x, keep);                                                                    // [B, L, d]
        var blocked = g.Blocked(g.Causal(L), padding);                                         // [B, 1, L, L]
        x = g.Mul(g.TransformerStack(x, "encoder", o.Blocks, o.Heads, d, o.LayerNormEps, blocked), keep); // [B, L, d]
        var user = g.LayerNorm(g.Select(x, 1, L - 1), "final_norm", o.LayerNormEps);          // [B, d]
        return g.DotScores(user, g.Embedding("item_embedding.weight", g.Candidates));          // [B, C]
    }
}
