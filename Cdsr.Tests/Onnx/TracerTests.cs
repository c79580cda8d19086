using Cdsr.Onnx.Export;
using Cdsr.Onnx.Model;
using Cdsr.Onnx.Runtime;
using Cdsr.Torch.Tracing;
using static Cdsr.Torch.torch;

namespace Cdsr.Tests.Onnx;

/// <summary>What the tracer records, what it refuses, and that what it records runs in ONNX Runtime like libtorch.</summary>
[NonParallelizable]
public class TracerTests
{
    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        public readonly Cdsr.Torch.Modules.Linear fc = nn.Linear(4, 3);
        public readonly Cdsr.Torch.Modules.LayerNorm norm = nn.LayerNorm(3);
        public Block() : base(nameof(Block)) => RegisterComponents();

        // [B, 4] -> [B, 3]
        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var bias = arange(3).to(ScalarType.Float32).unsqueeze(0);       // [1, 3], computed from no traced value
            var y = norm.forward(nn.functional.gelu(fc.forward(x)) + bias);  // [B, 3]
            return nn.functional.softmax(y * 2.0 - 1.0, 1).MoveToOuterDisposeScope();
        }
    }

    private static TraceGraph TraceBlock(Block m, Tensor x) => Tracer.Trace(m, [("x", x)], a => [m.forward(a[0])], "y");

    [Test]
    public void ParametersBecomeNamedInitializersAndConstantsAreFolded()
    {
        manual_seed(1);
        using var m = new Block();
        using var x = randn(5, 4);
        var trace = TraceBlock(m, x);
        Assert.That(trace.Values.Where(v => v.Kind == TraceValueKind.Parameter).Select(v => v.Name).Order(),
            Is.EqualTo(new[] { "fc.bias", "fc.weight", "norm.bias", "norm.weight" }));
        Assert.That(trace.Nodes.Select(n => n.Op), Is.EqualTo(new[] { "linear", "gelu", "add", "layer_norm", "mul_scalar", "sub_scalar", "softmax" }),
            "arange -> to -> unsqueeze touch no traced value, so they are folded into one constant");
        var constant = trace.Values.Single(v => v.Kind == TraceValueKind.Constant);
        Assert.That(constant.Data, Is.EqualTo(new float[] { 0, 1, 2 }));
        Assert.That(constant.Shape, Is.EqualTo(new long[] { 1, 3 }));
    }

    [Test]
    public void TheTracedGraphRunsInOnnxRuntimeLikeLibtorchForAnotherBatchSize()
    {
        manual_seed(2);
        using var m = new Block();
        using var example = randn(5, 4);
        var model = TraceToOnnx.Convert(TraceBlock(m, example), "block", new Dictionary<string, OnnxDim[]> { ["x"] = ["batch", 4], ["y"] = ["batch", 3] });
        using var x = randn(9, 4);
        float[] expected;
        using (no_grad()) { m.eval(); using var y = m.forward(x); expected = y.data<float>(); }
        using var s = OnnxSession.FromModel(model);
        var got = s.Run([NamedTensor.Float("x", x.data<float>(), 9, 4)])[0];
        Assert.That(got.Shape, Is.EqualTo(new long[] { 9, 3 }));
        Assert.That(OnnxTestModels.MaxAbsDiff(got.Floats, expected), Is.LessThanOrEqualTo(1e-5f));
    }

    [Test]
    public void AnOpWithoutAHookIsAnErrorNotAFrozenConstant()
    {
        using var m = new Block();
        using var x = randn(2, 4);
        var e = Assert.Throws<TraceException>(() => Tracer.Trace(m, [("x", x)], a => [m.forward(a[0].roll(1, 1))], "y"));
        Assert.That(e!.Message, Does.Contain("op 'Tensor.roll' has no tracing hook, so no ONNX mapping"));
    }

    [Test]
    public void AHostRoundTripOfATracedValueIsAnError()
    {
        using var m = new Block();
        using var x = randn(2, 4);
        var e = Assert.Throws<TraceException>(() => Tracer.Trace(m, [("x", x)], a =>
        {
            var host = a[0].data<float>();                  // leaves the graph ...
            return [m.forward(tensor(host, [2, 4]))];       // ... and comes back as a "constant"
        }, "y"));
        Assert.That(e!.Message, Does.Contain("has no tracing hook"));
    }

    [Test]
    public void AHookedOpWithoutAnOnnxMappingIsNamed()
    {
        using var m = new Block();
        using var x = randn(2, 4);
        var trace = Tracer.Trace(m, [("x", x)], a => [nn.functional.dropout(m.forward(a[0]), 0.5, training: true)], "y");
        var e = Assert.Throws<OnnxExportException>(() => TraceToOnnx.Convert(trace, "g", new Dictionary<string, OnnxDim[]> { ["x"] = ["b", 4], ["y"] = ["b", 3] }));
        Assert.That(e!.Message, Does.Contain("op 'dropout' in training mode has no ONNX mapping"));
    }

    [Test]
    public void OtherThreadsAreNotRecordedAndTracesDoNotNest()
    {
        using var m = new Block();
        using var x = randn(2, 4);
        int recordedElsewhere = -1;
        var trace = Tracer.Trace(m, [("x", x)], a =>
        {
            var t = new Thread(() =>
            {
                using var other = randn(2, 4);
                using var y = m.forward(other);  // runs while the trace is active, on another thread
                recordedElsewhere = 0;
            });
            t.Start();
            t.Join();
            Assert.Throws<InvalidOperationException>(() => Tracer.Trace(m, [("x2", x)], b => [m.forward(b[0])], "z"));
            return [m.forward(a[0])];
        }, "y");
        Assert.That(recordedElsewhere, Is.Zero);
        Assert.That(trace.Nodes.Count(n => n.Op == "linear"), Is.EqualTo(1), "only this thread's forward is in the graph");
    }
}

/// <summary>An export that froze a batch size is caught by RecommenderOnnx's verification at other sizes.</summary>
[NonParallelizable]
public class ExportVerificationTests
{
    /// <summary>Adds each row's index to its scores: arange(B) is computed on the host from the batch size, so the trace
    /// freezes it (a real model must not do this; the export must say so rather than write a wrong file).</summary>
    private sealed class RowBias : Cdsr.Trainers.Models.SequentialRecommender
    {
        private readonly Cdsr.Torch.Modules.Embedding items = nn.Embedding(11, 4);
        public RowBias() : base(nameof(RowBias), 10, 3) => RegisterComponents();
        public override Tensor Encode(Tensor x) => items.forward(x);
        public override Tensor ItemEmbeddings(Tensor x) => items.forward(x);
        public override Tensor Loss(Cdsr.Trainers.Data.TrainBatch batch) => throw new NotSupportedException();
        public override Tensor Score(Tensor histories, Tensor candidates)
        {
            using var scope = NewDisposeScope();
            var rows = arange(histories.size(0)).to(ScalarType.Float32).unsqueeze(1);   // [B, 1], frozen at B = 37
            return (ItemEmbeddings(candidates).sum(-1) + rows).MoveToOuterDisposeScope();
        }
    }

    [Test]
    public void AFrozenBatchSizeFailsTheExport()
    {
        using var m = new RowBias();
        var e = Assert.Throws<OnnxExportException>(() => Cdsr.Onnx.Recommenders.RecommenderOnnx.Export(m, new() { Model = "rowbias" }));
        Assert.That(e!.Message, Does.Contain("the trace froze something that varies with the input"));
        Assert.DoesNotThrow(() => Cdsr.Onnx.Recommenders.RecommenderOnnx.Export(m, new() { Model = "rowbias" }, verify: false), "without verification the file is written");
    }
}
