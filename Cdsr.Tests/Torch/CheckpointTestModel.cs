using TorchSharp;
using Cdsr.Trainers.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cdsr.Tests.Torch;

/// <summary>
/// A small attention model and its training step, shared by the checkpoint, determinism and memory tests.
/// ids [B, L] -> Embedding -> TransformerBlock (dropout, so the RNG matters) -> Linear -> logit [B, L, 1];
/// the label of a position is the parity of its item id, read from a fixed lookup table. Batches are drawn from
/// libtorch's default generator, so a run depends on the seed, the weights and the RNG state only.
/// </summary>
internal sealed class TinyAttentionModel : nn.Module<Tensor, Tensor>
{
    public const long Vocab = 50, Dim = 16, Batch = 8, Length = 10;

    private readonly Embedding items;
    private readonly TransformerBlock block;
    private readonly Linear head;
    private readonly Tensor labelTable; // [Vocab, 1] float: id parity

    public TinyAttentionModel(double dropout = 0.1) : base(nameof(TinyAttentionModel))
    {
        items = nn.Embedding(Vocab, Dim, padding_idx: 0);
        block = new TransformerBlock(Dim, 2, 2 * Dim, dropout, 1e-5, normFirst: false);
        head = nn.Linear(Dim, 1);
        RegisterComponents();
        labelTable = tensor(Enumerable.Range(0, (int)Vocab).Select(i => (float)(i % 2)).ToArray(), new[] { Vocab, 1L });
        register_buffer("label_table", labelTable);
    }

    /// <summary>ids [B, L] int64 -> logits [B, L, 1].</summary>
    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        var h = items.forward(ids);            // [B, L, D]
        h = block.forward(h, null);            // [B, L, D]
        return head.forward(h).MoveToOuterDisposeScope(); // [B, L, 1]
    }

    /// <summary>One optimisation step on a freshly drawn batch; returns the loss before the update.</summary>
    public float TrainStep(optim.Optimizer optimizer)
    {
        using var scope = NewDisposeScope();
        var ids = randint(1, Vocab, new[] { Batch, Length });               // [B, L]
        var labels = labelTable.index_select(0, ids.reshape(-1)).view(Batch, Length, 1); // [B, L, 1]
        var loss = nn.functional.binary_cross_entropy_with_logits(forward(ids), labels);
        optimizer.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(parameters(), 5.0);
        optimizer.step();
        return loss.item<float>();
    }

    /// <summary>Every parameter's values, flattened, in registration order.</summary>
    public float[] Snapshot() => parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    /// <summary>A model and AdamW optimizer built from <paramref name="seed"/>.</summary>
    public static (TinyAttentionModel Model, optim.Optimizer Optimizer) Build(long seed, double dropout = 0.1)
    {
        manual_seed(seed);
        var model = new TinyAttentionModel(dropout);
        var opt = optim.AdamW(model.parameters(), lr: 3e-3, weight_decay: 0.01);
        var sched = optim.lr_scheduler.LinearLR(opt, start_factor: 0.2, total_iters: 10);
        return (model, opt);
    }
}
