using System.Runtime.InteropServices;
using Cdsr.Trainers.Layers;
using Cdsr.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Tests.Torch;

/// <summary>
/// A shape error never crashes the process. TorchSharp 0.107's Tensor.matmul aborts the process on mismatched shapes,
/// so the project multiplies through <see cref="Shapes.MatMul"/>, which checks first; the other operations the models
/// use raise a catchable exception. 10,000 failures in a row leave the process healthy and leak no tensor.
/// </summary>
public class ShapeErrorTests
{
    [Test]
    public void A_mismatched_matmul_names_both_shapes()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => Shapes.MatMul(zeros(2, 3), zeros(4, 5)))!;
        Assert.That(ex.Message, Is.EqualTo("matmul: shapes [2, 3] and [4, 5] do not multiply"));
        Assert.That(Assert.Throws<ArgumentException>(() => Shapes.MatMul(zeros(2, 3, 4), zeros(5, 4, 2)))!.Message, Does.Contain("batch dimensions differ"));
        Assert.That(Shapes.MatMul(ones(2, 3), ones(3)).data<float>().ToArray(), Is.EqualTo(new float[] { 3, 3 }));
        Assert.That(Shapes.MatMul(ones(4, 2, 3), ones(3, 5)).shape, Is.EqualTo(new long[] { 4, 2, 5 }));
    }

    [Test]
    public void Ten_thousand_shape_errors_leave_the_process_healthy()
    {
        using var scope = NewDisposeScope();
        var a = ones(2, 3);
        var b = ones(4, 5);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        string? first = null, last = null;
        int caught = 0;
        for (int i = 0; i < 10_000; i++)
        {
            try
            {
                // alternate the guarded product with operations TorchSharp itself reports as exceptions
                _ = (i % 3) switch { 0 => Shapes.MatMul(a, b), 1 => a.mm(b), _ => cat([a, b], 0) };
                Assert.Fail("a mismatched operation succeeded");
            }
            catch (Exception e) when (e is ArgumentException or ExternalException)
            {
                caught++;
                if (i % 3 == 0) { first ??= e.Message; last = e.Message; }
            }
        }
        Assert.That(caught, Is.EqualTo(10_000));
        Assert.That(last, Is.EqualTo(first), "every failure reports the same message");
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before), "failed calls leave no tensor behind");
        Assert.That(Shapes.MatMul(a, ones(3, 2)).data<float>().ToArray(), Is.EqualTo(new float[] { 3, 3, 3, 3 }));
    }

    [Test]
    public void Scoring_with_wrongly_shaped_inputs_is_an_error_not_a_crash()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = new SasRec(new SasRecOptions { HiddenSize = 8, MaxLength = 5 }, itemCount: 20);
        model.eval();
        using var _ = no_grad();
        Assert.That(Assert.Throws<ArgumentException>(() => model.Score(ones(2, 4, dtype: ScalarType.Int64), ones(2, 3, dtype: ScalarType.Int64)))!.Message,
            Does.Contain("expected items [B, 5], got [2, 4]"));
        Assert.That(Assert.Throws<ArgumentException>(() => model.Score(ones(2, 5, dtype: ScalarType.Int64), ones(2, 3, 1, dtype: ScalarType.Int64)))!.Message,
            Does.Contain("candidates must be [B, C] or [C]"));
        Assert.That(model.Score(ones(2, 5, dtype: ScalarType.Int64), ones(3, dtype: ScalarType.Int64)).shape, Is.EqualTo(new long[] { 2, 3 }));
    }
}
