using Cdsr.Trainers.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Tests.Torch;

/// <summary>
/// The project's own layers on TorchSharp: masks, SDPA-based attention (which must block, not add, a bool mask, and
/// give zeros for a query with no allowed key), the Transformer block and the Gaussian KL, with gradients checked
/// against finite differences in float64.
/// </summary>
public class LayerTests
{
    [Test]
    public void Masks_mark_later_positions_and_padding_as_blocked()
    {
        using var scope = NewDisposeScope();
        Assert.That(Masks.Causal(3).data<bool>().ToArray(), Is.EqualTo(new[] { false, true, true, false, false, true, false, false, false }));
        Assert.That(Masks.Padding(tensor(new long[] { 0, 5, 3, 0 }, [2, 2])).data<bool>().ToArray(), Is.EqualTo(new[] { true, false, false, true }));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Masks.Causal(-1))!.Message, Does.Contain("length must be >= 0, got -1"));
    }

    [Test]
    public void A_causal_mask_blocks_later_positions_instead_of_shifting_their_scores()
    {
        // TorchSharp 0.107's nn.MultiheadAttention adds a bool mask to the scores as 0/1, so later positions still leak
        // into earlier outputs. Here, changing positions 2.. must leave outputs 0 and 1 exactly unchanged.
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var attn = new MultiHeadSelfAttention(8, 2, 0.0);
        attn.eval();
        var x = randn(1, 5, 8);
        var y = x.clone();
        y[TensorIndex.Colon, TensorIndex.Slice(2)] = randn(1, 3, 8);
        var a = attn.forward(x, Masks.Causal(5));
        var b = attn.forward(y, Masks.Causal(5));
        Assert.That(a.narrow(1, 0, 2).data<float>().ToArray(), Is.EqualTo(b.narrow(1, 0, 2).data<float>().ToArray()), "earlier outputs must not see later inputs");
        Assert.That(a.narrow(1, 2, 3).sub(b.narrow(1, 2, 3)).abs().max().item<float>(), Is.GreaterThan(1e-3f), "later outputs do change");
    }

    [Test]
    public void A_query_with_every_key_blocked_attends_to_nothing_and_stays_finite()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var attn = new MultiHeadSelfAttention(4, 1, 0.0);
        attn.to(ScalarType.Float64);
        var x = GradCheck.Input(1, [1, 3, 4]);
        // A left-padded causal sequence: positions 0 and 1 are padding, so query 0 has no allowed key.
        var padding = tensor(new[] { true, true, false }).view(1, 1, 1, 3);
        var blocked = Masks.Causal(3).logical_or(padding);
        var y = attn.forward(x, blocked);
        var outProjBias = attn.state_dict()["out_proj.bias"];
        Assert.That(y.select(1, 0).data<double>().ToArray(), Is.EqualTo(outProjBias.data<double>().ToArray()), "zero attention: only the output bias");
        y.sum().backward();
        Assert.That(x.grad!.data<double>().ToArray().All(double.IsFinite), Is.True, "finite gradients");
    }

    [Test]
    public void Attention_matches_softmax_attention_written_out()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var attn = new MultiHeadSelfAttention(6, 2, 0.0);
        attn.to(ScalarType.Float64);
        var x = GradCheck.Input(2, [2, 4, 6]);
        var blocked = Masks.Causal(4);
        var sd = attn.state_dict();
        var qkv = nn.functional.linear(x, sd["in_proj_weight"], sd["in_proj_bias"]).view(2, 4, 3, 2, 3).permute(2, 0, 3, 1, 4);
        var scores = Shapes.MatMul(qkv[0], qkv[1].transpose(-2, -1)) / Math.Sqrt(3);          // [B, H, L, L]
        var p = scores.masked_fill(blocked, double.NegativeInfinity).softmax(-1);
        var expected = nn.functional.linear(Shapes.MatMul(p, qkv[2]).transpose(1, 2).reshape(2, 4, 6), sd["out_proj.weight"], sd["out_proj.bias"]);
        var got = attn.forward(x, blocked);
        Assert.That(got.sub(expected).abs().max().item<double>(), Is.LessThan(1e-12));
    }

    [Test]
    public void Attention_and_block_gradients_match_finite_differences()
    {
        manual_seed(11);
        using var attn = new MultiHeadSelfAttention(4, 2, 0.0);
        attn.to(ScalarType.Float64);
        var blocked = Masks.Causal(3);
        GradCheck.AssertGradients(x => attn.forward(x[0], blocked), [GradCheck.Input(3, [2, 3, 4])], what: "attention");
        foreach (var normFirst in new[] { true, false })
        {
            using var block = new TransformerBlock(4, 2, 8, 0.0, 1e-5, normFirst);
            block.to(ScalarType.Float64);
            block.eval();
            GradCheck.AssertGradients(x => block.forward(x[0], blocked), [GradCheck.Input(4, [2, 3, 4])], tolerance: 1e-5, what: $"block (norm_first={normFirst})");
        }
    }

    [Test]
    public void A_stack_starts_every_block_with_the_first_blocks_weights()
    {
        using var stack = new TransformerStack(3, () => new TransformerBlock(4, 1, 4, 0.1, 1e-5));
        var sd = stack.state_dict();
        Assert.That(sd.Keys, Does.Contain("layers.2.self_attn.in_proj_weight").And.Contain("layers.0.norm2.weight").And.Contain("layers.1.linear1.bias"));
        Assert.That(sd["layers.2.linear1.weight"].eq(sd["layers.0.linear1.weight"]).all().item<bool>(), Is.True);
        Assert.That(Assert.Throws<ArgumentException>(() => new TransformerStack(0, () => new TransformerBlock(4, 1, 4, 0, 1e-5)))!.Message,
            Does.Contain("at least one block"));
        Assert.That(Assert.Throws<ArgumentException>(() => new MultiHeadSelfAttention(6, 4, 0))!.Message, Does.Contain("heads must divide the model size 6, got 4"));
    }

    [Test]
    public void Gaussian_kl_matches_the_closed_form_and_finite_differences()
    {
        using var scope = NewDisposeScope();
        // KL(N(0, 1) || N(1, e^2)) in one dimension: log(e) + (1 + 1) / (2 e^2) - 1/2 = 1/2 + 1/e^2.
        var kl = Gaussian.KlDivergence(tensor(new[] { 0.0 }), tensor(new[] { 0.0 }), tensor(new[] { 1.0 }), tensor(new[] { 2.0 }));
        Assert.That(kl.item<double>(), Is.EqualTo(0.5 + Math.Exp(-2)).Within(1e-12));
        Assert.That(Gaussian.KlDivergence(tensor(new[] { 0.3, -1 }), tensor(new[] { 0.2, 0.1 }), tensor(new[] { 0.3, -1 }), tensor(new[] { 0.2, 0.1 })).item<double>(),
            Is.EqualTo(0).Within(1e-15), "KL of a distribution with itself");
        GradCheck.AssertGradients(x => Gaussian.KlDivergence(x[0], x[1], x[2], x[3]),
            [GradCheck.Input(1, [3, 4]), GradCheck.Input(2, [3, 4]), GradCheck.Input(3, [3, 4]), GradCheck.Input(4, [3, 4])], what: "gaussian KL");
        Assert.That(Assert.Throws<ArgumentException>(() => Gaussian.KlDivergence(zeros(2), zeros(3), zeros(2), zeros(2)))!.Message,
            Does.Contain("logvar_q [3] differs from mu_q [2]"));
    }
}
