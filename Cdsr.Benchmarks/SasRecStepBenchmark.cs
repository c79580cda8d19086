using BenchmarkDotNet.Attributes;
using Cdsr.Torch;
using Cdsr.Torch.Modules;
using Cdsr.Torch.Optimizers;
using static Cdsr.Torch.torch;

namespace Cdsr.Benchmarks;

/// <summary>
/// One SASRec training step (Kang and McAuley, 2018) at the paper's scale, through the binding: forward, BCE with one
/// sampled negative per position, backward, AdamW. Batch 256, length 50, hidden 64, 2 blocks, 1 head, 10,000 items.
/// Run: <c>dotnet run -c Release --project Cdsr.Benchmarks -- --filter '*SasRecStep*'</c> (smoke check: add <c>--job Dry --inProcess</c>).
/// </summary>
[MemoryDiagnoser]
public class SasRecStepBenchmark
{
    private const long Items = 10_000, Batch = 256, Length = 50, Hidden = 64, Blocks = 2, Heads = 1;

    private StepModel model = null!;
    private Optimizer optimizer = null!;
    private Tensor seq = null!, pos = null!, neg = null!;

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(2018);
        model = new StepModel(Items, Length, Hidden, Blocks, Heads, dropout: 0.2);
        optimizer = optim.AdamW(model.parameters(), lr: 1e-3, beta2: 0.98, weight_decay: 0.0);
        // A fixed batch, left-padded as SASRec's are: the first 10 positions of every 4th row are padding.
        using var scope = NewDisposeScope();
        var s = randint(1, Items + 1, new[] { Batch, Length });
        var p = randint(1, Items + 1, new[] { Batch, Length });
        var padRows = (arange(Batch).remainder(4).eq(0)).unsqueeze(1);   // [B, 1]
        var padCols = arange(Length).lt(10).unsqueeze(0);                 // [1, L]
        var pad = padRows.logical_and(padCols);                           // [B, L]
        seq = s.masked_fill(pad, 0).MoveToOuterDisposeScope().DetachFromDisposeScope();
        pos = p.masked_fill(pad, 0).MoveToOuterDisposeScope().DetachFromDisposeScope();
        neg = randint(1, Items + 1, new[] { Batch, Length }).MoveToOuterDisposeScope().DetachFromDisposeScope();
    }

    [Benchmark(Description = "SASRec step: forward + BCE + backward + AdamW (B=256, L=50, d=64, 2 blocks)")]
    public float Step()
    {
        using var scope = NewDisposeScope();
        var loss = model.Loss(seq, pos, neg);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        optimizer.Dispose();
        model.Dispose();
        seq.Dispose();
        pos.Dispose();
        neg.Dispose();
    }

    /// <summary>SASRec's network: item + learned position embeddings, causal pre-norm transformer blocks, final norm,
    /// scores by dot product with the item embedding table (shared input/output embeddings).</summary>
    private sealed class StepModel : nn.Module
    {
        private readonly Embedding item_emb, pos_emb;
        private readonly TransformerEncoder encoder;
        private readonly LayerNorm last_norm;
        private readonly Dropout emb_dropout;
        private readonly Tensor causal;
        private readonly double scale;

        public StepModel(long items, long length, long hidden, long blocks, long heads, double dropout) : base("SASRecStep")
        {
            item_emb = nn.Embedding(items + 1, hidden, padding_idx: 0);
            pos_emb = nn.Embedding(length, hidden);
            using var layer = nn.TransformerEncoderLayer(hidden, heads, hidden, dropout, batch_first: true, norm_first: true);
            encoder = nn.TransformerEncoder(layer, blocks);
            last_norm = nn.LayerNorm(hidden, eps: 1e-8);
            emb_dropout = nn.Dropout(dropout);
            RegisterComponents();
            causal = nn.functional.causal_mask(length).DetachFromDisposeScope();
            register_buffer("causal", causal);
            scale = Math.Sqrt(hidden);
        }

        /// <summary>seq, pos, neg [B, L] item ids (0 = padding) -> mean BCE over non-padding positions.</summary>
        public Tensor Loss(Tensor seq, Tensor pos, Tensor neg)
        {
            using var scope = NewDisposeScope();
            var keep = seq.ne(0).unsqueeze(-1).to(ScalarType.Float32);                  // [B, L, 1]
            var positions = arange(seq.size(1)).unsqueeze(0);                          // [1, L]
            var x = item_emb.forward(seq) * scale + pos_emb.forward(positions);       // [B, L, D]
            x = emb_dropout.forward(x) * keep;                                        // [B, L, D]
            var h = last_norm.forward(encoder.forward(x, causal, null)) * keep;       // [B, L, D]
            var posLogits = (h * item_emb.forward(pos)).sum(-1);                      // [B, L]
            var negLogits = (h * item_emb.forward(neg)).sum(-1);                      // [B, L]
            var target = pos.ne(0).to(ScalarType.Float32);                            // [B, L]
            var count = target.sum();
            var lossPos = nn.functional.binary_cross_entropy_with_logits(posLogits, ones(posLogits.shape), target, nn.Reduction.Sum);
            var lossNeg = nn.functional.binary_cross_entropy_with_logits(negLogits, zeros(negLogits.shape), target, nn.Reduction.Sum);
            return ((lossPos + lossNeg) / count).MoveToOuterDisposeScope();
        }
    }
}
