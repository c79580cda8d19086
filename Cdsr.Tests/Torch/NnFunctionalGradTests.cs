using Cdsr.Torch;
using static Cdsr.Torch.torch;
using F = Cdsr.Torch.torch.nn.functional;

namespace Cdsr.Tests.Torch;

/// <summary>Autograd of every torch.nn.functional op against central finite differences (float64, relative error &lt; 1e-6).</summary>
public class NnFunctionalGradTests
{
    private static Tensor In(int seed, params long[] shape) => GradCheck.Input(seed, shape);

    // Inputs away from 0 (the kink of relu / leaky_relu / elu): magnitudes in [0.1, 1] with mixed signs.
    private static Tensor AwayFromZero(int seed, long[] shape)
    {
        var x = GradCheck.Input(seed, shape, 0.1, 1.0);
        var n = (int)x.numel();
        var signs = tensor(Enumerable.Range(0, n).Select(i => i % 3 == 0 ? -1.0 : 1.0).ToArray(), shape);
        return (x * signs).detach().requires_grad_();
    }

    private static readonly Dictionary<string, Func<Tensor, Tensor>> Activations = new()
    {
        ["relu"] = x => F.relu(x),
        ["sigmoid"] = x => F.sigmoid(x),
        ["tanh"] = x => F.tanh(x),
        ["gelu"] = x => F.gelu(x),
        ["gelu_tanh"] = x => F.gelu(x, "tanh"),
        ["leaky_relu"] = x => F.leaky_relu(x, 0.2),
        ["elu"] = x => F.elu(x, 1.3),
        ["softmax_dim1"] = x => F.softmax(x, 1),
        ["softmax_dim0"] = x => F.softmax(x, 0),
        ["log_softmax"] = x => F.log_softmax(x, -1),
        ["normalize_p2"] = x => F.normalize(x, 2.0, 1),
        ["normalize_p1_dim0"] = x => F.normalize(x, 1.0, 0),
        ["logsigmoid"] = x => F.logsigmoid(x),
        ["softplus"] = x => F.softplus(x, beta: 2),
        ["silu"] = x => F.silu(x),
        ["dropout_p0_training"] = x => F.dropout(x, 0.0, training: true),
        ["dropout_eval"] = x => F.dropout(x, 0.5, training: false),
    };

    public static IEnumerable<string> ActivationNames => Activations.Keys;

    [TestCaseSource(nameof(ActivationNames))]
    public void ActivationGradient(string name)
    {
        using var scope = NewDisposeScope();
        GradCheck.AssertGradients(xs => Activations[name](xs[0]), new[] { AwayFromZero(1, new long[] { 3, 4 }) }, what: name);
    }

    [Test]
    public void LinearGradientWithRespectToInputWeightAndBias()
    {
        using var scope = NewDisposeScope();
        GradCheck.AssertGradients(xs => F.linear(xs[0], xs[1], xs[2]), new[] { In(2, 2, 3, 4), In(3, 5, 4), In(4, 5) }, what: "linear");
        GradCheck.AssertGradients(xs => F.linear(xs[0], xs[1]), new[] { In(5, 3, 4), In(6, 2, 4) }, what: "linear without bias");
    }

    [Test]
    public void LayerNormGradientWithRespectToInputWeightAndBias()
    {
        using var scope = NewDisposeScope();
        GradCheck.AssertGradients(xs => F.layer_norm(xs[0], new long[] { 4 }, xs[1], xs[2]), new[] { In(7, 2, 3, 4), In(8, 4), In(9, 4) }, what: "layer_norm");
        GradCheck.AssertGradients(xs => F.layer_norm(xs[0], new long[] { 3, 4 }), new[] { In(10, 2, 3, 4) }, what: "layer_norm 2-d, no affine");
    }

    [Test]
    public void EmbeddingGradientWithRespectToWeight()
    {
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 0, 2, 2, 4, 1, 0 }, new long[] { 2, 3 });
        GradCheck.AssertGradients(xs => F.embedding(ids, xs[0]), new[] { In(11, 5, 3) }, what: "embedding");
    }

    [Test]
    public void LossGradients()
    {
        using var scope = NewDisposeScope();
        var target = tensor(new long[] { 1, 0, 3, -100, 2 });
        var classWeight = tensor(new double[] { 0.5, 1.0, 2.0, 1.5 });
        GradCheck.AssertGradients(xs => F.cross_entropy(xs[0], target), new[] { In(12, 5, 4) }, what: "cross_entropy");
        GradCheck.AssertGradients(xs => F.cross_entropy(xs[0], target, classWeight, reduction: nn.Reduction.Sum, label_smoothing: 0.1),
            new[] { In(13, 5, 4) }, what: "cross_entropy weighted, smoothed, summed");
        GradCheck.AssertGradients(xs => F.cross_entropy(xs[0], target, reduction: nn.Reduction.None), new[] { In(14, 5, 4) }, what: "cross_entropy none");
        GradCheck.AssertGradients(xs => F.nll_loss(F.log_softmax(xs[0], 1), target, classWeight), new[] { In(15, 5, 4) }, what: "nll_loss");

        var y = tensor(new double[] { 1, 0, 1, 1, 0, 0 }, new long[] { 2, 3 });
        var w = tensor(new double[] { 1, 2, 0.5, 1, 1, 3 }, new long[] { 2, 3 });
        var posWeight = tensor(new double[] { 2, 0.5, 1 });
        GradCheck.AssertGradients(xs => F.binary_cross_entropy_with_logits(xs[0], y, w, pos_weights: posWeight), new[] { In(16, 2, 3) }, what: "bce_with_logits");
        GradCheck.AssertGradients(xs => F.binary_cross_entropy_with_logits(xs[0], y, reduction: nn.Reduction.None), new[] { In(17, 2, 3) }, what: "bce none");
        var probs = GradCheck.Input(32, new long[] { 2, 3 }, 0.1, 0.9);
        GradCheck.AssertGradients(xs => F.binary_cross_entropy(xs[0], y, w), new[] { probs }, what: "binary_cross_entropy");
        GradCheck.AssertGradients(xs => F.cosine_similarity(xs[0], xs[1], 1), new[] { In(33, 3, 4), In(34, 3, 4) }, what: "cosine_similarity");
        GradCheck.AssertGradients(xs => F.mse_loss(xs[0], xs[1]), new[] { In(18, 2, 3), In(19, 2, 3) }, what: "mse_loss");
        GradCheck.AssertGradients(xs => F.kl_div_diag_gaussian(xs[0], xs[1], xs[2], xs[3]),
            new[] { In(20, 3, 4), In(21, 3, 4), In(22, 3, 4), In(23, 3, 4) }, what: "kl_div_diag_gaussian");
    }

    [Test]
    public void ScaledDotProductAttentionGradient()
    {
        using var scope = NewDisposeScope();
        var inputs = new[] { In(24, 2, 3, 4), In(25, 2, 5, 4), In(26, 2, 5, 2) };
        GradCheck.AssertGradients(xs => F.scaled_dot_product_attention(xs[0], xs[1], xs[2]), inputs, what: "sdpa");
        var allowed = tensor(new[] { true, true, false, true, false, true, true, true, false, false, false, true, true, true, true }, new long[] { 3, 5 });
        GradCheck.AssertGradients(xs => F.scaled_dot_product_attention(xs[0], xs[1], xs[2], allowed), inputs, what: "sdpa bool mask");
        var square = new[] { In(27, 2, 4, 4), In(28, 2, 4, 4), In(29, 2, 4, 3) };
        GradCheck.AssertGradients(xs => F.scaled_dot_product_attention(xs[0], xs[1], xs[2], is_causal: true), square, what: "sdpa causal");
    }

    [Test]
    public void SparseMatrixProductGradientReachesTheDenseFactorAndTheValues()
    {
        using var scope = NewDisposeScope();
        var indices = tensor(new long[] { 0, 0, 1, 2, 2, 1, 0, 2, 1, 0 }, new long[] { 2, 5 });
        GradCheck.AssertGradients(xs => sparse.mm(sparse_coo_tensor(indices, xs[0], new long[] { 3, 3 }), xs[1]),
            new[] { In(30, 5), In(31, 3, 2) }, what: "sparse.mm");
    }
}
