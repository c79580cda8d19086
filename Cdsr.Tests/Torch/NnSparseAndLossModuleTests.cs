using Cdsr.Torch;
using static Cdsr.Torch.torch;
using static Cdsr.Tests.Torch.NnTestHelpers;

namespace Cdsr.Tests.Torch;

/// <summary>Sparse COO tensors and sparse x dense products (GCN propagation), and the loss modules.</summary>
public class NnSparseAndLossModuleTests
{
    [Test]
    public void SparseCooSumsDuplicatesAndMultipliesLikeItsDenseForm()
    {
        using var scope = NewDisposeScope();
        // Entries (0,1)=2, (1,0)=3, (1,0)=4 (duplicate, summed to 7), (2,2)=-1.
        var idx = tensor(new long[] { 0, 1, 1, 2, 1, 0, 0, 2 }, new long[] { 2, 4 });
        var a = sparse_coo_tensor(idx, tensor(new double[] { 2, 3, 4, -1 }), new long[] { 3, 3 });
        Assert.That(a.is_sparse, Is.True);
        AssertClose(new double[] { 0, 2, 0, 7, 0, 0, 0, 0, -1 }, sparse.to_dense(a).data<double>(), 0, "dense form");
        var x = GradCheck.Input(1, new long[] { 3, 2 });
        var y = sparse.mm(a, x);
        AssertClose(sparse.to_dense(a).matmul(x).data<double>(), y.data<double>(), 1e-12, "sparse.mm == dense matmul");
        y.backward(ones(new long[] { 3, 2 }, ScalarType.Float64));
        // d sum(A x) / d x[j, :] = sum_i A[i, j] (column sums): [7, 2, -1].
        AssertClose(new double[] { 7, 7, 2, 2, -1, -1 }, x.grad!.data<double>(), 1e-12, "gradient to the dense factor");
    }

    [Test]
    public void SparseErrorsNameTheProblem()
    {
        using var scope = NewDisposeScope();
        var idx = tensor(new long[] { 0, 3, 1, 0 }, new long[] { 2, 2 });
        var ex = Assert.Throws<TorchException>(() => sparse_coo_tensor(idx, tensor(new double[] { 1, 2 }), new long[] { 3, 3 }))!;
        Assert.That(ex.Message, Does.Contain("index 3 in dimension 0 is out of range for size 3"));
        ex = Assert.Throws<TorchException>(() => sparse_coo_tensor(tensor(new long[] { 0, 1 }, new long[] { 2, 1 }), tensor(new double[] { 1, 2 }), new long[] { 3, 3 }))!;
        Assert.That(ex.Message, Does.Contain("values must be [1], got [2]"));
        ex = Assert.Throws<TorchException>(() => sparse.mm(ones(2, 2), ones(2, 2)))!;
        Assert.That(ex.Message, Does.Contain("the first argument must be a sparse COO tensor"));
    }

    [Test]
    public void LossModulesEqualTheirFunctionalForms()
    {
        using var scope = NewDisposeScope();
        var logits = GradCheck.Input(2, new long[] { 4, 3 });
        var target = tensor(new long[] { 2, 0, -100, 1 });
        var w = tensor(new double[] { 1, 2, 0.5 });
        using var ce = nn.CrossEntropyLoss(w, label_smoothing: 0.1);
        w.Dispose(); // the module holds its own handle
        using var w2 = tensor(new double[] { 1, 2, 0.5 });
        Assert.That(ce.forward(logits, target).item<double>(),
            Is.EqualTo(nn.functional.cross_entropy(logits, target, w2, label_smoothing: 0.1).item<double>()));
        Assert.That(ce.state_dict().Keys, Is.EqualTo(new[] { "weight" }));
        using var nll = nn.NLLLoss();
        Assert.That(nll.forward(nn.functional.log_softmax(logits, 1), target).item<double>(),
            Is.EqualTo(nn.functional.cross_entropy(logits, target).item<double>()).Within(1e-12));
        var y = tensor(new double[] { 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0 }, new long[] { 4, 3 });
        using var bce = nn.BCEWithLogitsLoss(pos_weights: tensor(new double[] { 2, 1, 1 }));
        Assert.That(bce.forward(logits, y).item<double>(),
            Is.EqualTo(nn.functional.binary_cross_entropy_with_logits(logits, y, pos_weights: tensor(new double[] { 2, 1, 1 })).item<double>()));
        using var mse = nn.MSELoss(nn.Reduction.Sum);
        Assert.That(mse.forward(logits, y).item<double>(), Is.EqualTo(nn.functional.mse_loss(logits, y, nn.Reduction.Sum).item<double>()));
        GradCheck.AssertGradients(xs => ce.forward(xs[0], target), new[] { logits }, what: "CrossEntropyLoss");
        GradCheck.AssertGradients(xs => bce.forward(xs[0], y), new[] { logits }, what: "BCEWithLogitsLoss");
    }
}
