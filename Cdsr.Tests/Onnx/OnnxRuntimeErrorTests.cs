using Cdsr.Onnx.Model;
using Cdsr.Onnx.Runtime;

namespace Cdsr.Tests.Onnx;

/// <summary>Bad models and bad inputs surface as <see cref="OnnxRuntimeException"/> with ORT's message; the process survives.</summary>
public class OnnxRuntimeErrorTests
{
    [Test]
    public void TruncatedModelBytesFailToLoad()
    {
        byte[] bytes = OnnxTestModels.Mlp().Model.ToBytes();
        var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromBytes(bytes.AsSpan(0, bytes.Length / 2)))!;
        TestContext.Out.WriteLine(ex.Message);
        Assert.That(ex.Function, Is.EqualTo("CreateSessionFromArray"));
        Assert.That(ex.Code, Is.Not.EqualTo(0));
        Assert.That(ex.NativeMessage, Is.Not.Empty);
    }

    [Test]
    public void CorruptModelFileFailsToLoad()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cdsr_corrupt_{Guid.NewGuid():N}.onnx");
        try
        {
            var junk = new byte[256];
            new Random(1).NextBytes(junk);
            File.WriteAllBytes(path, junk);
            var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromFile(path))!;
            TestContext.Out.WriteLine(ex.Message);
            Assert.That(ex.Function, Is.EqualTo("CreateSession"));
            Assert.That(ex.Message, Does.Contain("onnxruntime CreateSession failed"));
        }
        finally { File.Delete(path); }
        Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromFile(path), "missing file");
    }

    [Test]
    public void WrongInputShapeIsReported()
    {
        using var s = OnnxSession.FromModel(OnnxTestModels.Mlp().Model);
        var ex = Assert.Throws<OnnxRuntimeException>(() => s.Run([NamedTensor.Float("x", new float[8], 2, 4)]))!;
        TestContext.Out.WriteLine(ex.Message);
        Assert.That(ex.Function, Is.EqualTo("Run"));
        Assert.That(ex.NativeMessage, Does.Contain("dimensions").IgnoreCase);
        Assert.That(ex.Message, Does.Not.Contain("\n"), "one line, though ORT writes this one over three");
        // the session still works afterwards
        var ok = s.Run([NamedTensor.Float("x", new float[OnnxTestModels.In], 1, OnnxTestModels.In)]);
        Assert.That(ok[0].Shape, Is.EqualTo(new long[] { 1, OnnxTestModels.Hidden }));
    }

    [Test]
    public void WrongInputTypeIsReported()
    {
        using var s = OnnxSession.FromModel(OnnxTestModels.Mlp().Model);
        var ex = Assert.Throws<OnnxRuntimeException>(() => s.Run([NamedTensor.Int64("x", new long[OnnxTestModels.In], 1, OnnxTestModels.In)]))!;
        TestContext.Out.WriteLine(ex.Message);
        Assert.That(ex.NativeMessage, Does.Contain("tensor(int64)").And.Contain("tensor(float)"));
    }

    [Test]
    public void UnknownInputOrOutputNameIsReported()
    {
        using var s = OnnxSession.FromModel(OnnxTestModels.Mlp().Model);
        var ex = Assert.Throws<OnnxRuntimeException>(() => s.Run([NamedTensor.Float("z", new float[5], 1, 5)]))!;
        Assert.That(ex.Message, Does.Contain("no input 'z'").And.Contain("x: Float32[batch, 5]"));
        ex = Assert.Throws<OnnxRuntimeException>(() => s.Run([NamedTensor.Float("x", new float[5], 1, 5)], ["nope"]))!;
        Assert.That(ex.Message, Does.Contain("no output 'nope'").And.Contain("y"));
    }

    [Test]
    public void MissingInputIsReported()
    {
        var g = new OnnxGraphBuilder("two_inputs");
        var a = g.Input("a", OnnxElementType.Float32, "batch");
        var b = g.Input("b", OnnxElementType.Float32, "batch");
        g.Output(g.Node("Add", a, b), OnnxElementType.Float32, "batch");
        using var s = OnnxSession.FromModel(g.Build());
        var ex = Assert.Throws<OnnxRuntimeException>(() => s.Run([NamedTensor.Float("a", new float[2], 2)]))!;
        TestContext.Out.WriteLine(ex.Message);
        Assert.That(ex.Message, Does.Contain("missing input b: Float32[batch]"));
        ex = Assert.Throws<OnnxRuntimeException>(() => s.Run([NamedTensor.Float("a", new float[2], 2), NamedTensor.Float("a", new float[2], 2)]))!;
        Assert.That(ex.Message, Does.Contain("given twice"));
    }

    [Test]
    public void RunIntoWithAWrongShapeOrTypeIsReported()
    {
        using var s = OnnxSession.FromModel(OnnxTestModels.Mlp().Model);
        var x = NamedTensor.Float("x", new float[2 * OnnxTestModels.In], 2, OnnxTestModels.In);
        var shape = Assert.Throws<OnnxRuntimeException>(() => s.RunInto([x], "y", new float[8], 2, 4))!;
        TestContext.Out.WriteLine(shape.Message);
        Assert.That(shape.Function, Is.EqualTo("Run"));
        Assert.That(shape.Code, Is.Not.Zero, "found by ORT");
        Assert.That(shape.NativeMessage, Is.EqualTo("Got invalid dimensions for output: y for the following indices index: 1 Got: 4 Expected: 3 " +
            "Please fix either the inputs/outputs or the model."), "ORT's lines joined into one");
        var length = Assert.Throws<ArgumentException>(() => s.RunInto([x], "y", new float[5], 2, OnnxTestModels.Hidden))!;
        Assert.That(length.Message, Does.StartWith("output 'y': shape [2, 3] needs 6 elements, the destination has 5"));
        var name = Assert.Throws<OnnxRuntimeException>(() => s.RunInto([x], "z", new float[6], 2, 3))!;
        Assert.That(name.Message, Does.Contain("no output 'z'"));
        using var topk = OnnxSession.FromModel(OnnxTestModels.SoftmaxTopK(2));
        var type = Assert.Throws<OnnxRuntimeException>(() => topk.RunInto([NamedTensor.Float("scores", new float[3], 1, 3)], "top_indices", new float[2], 1, 2))!;
        Assert.That(type.Message, Does.Contain("output top_indices: Int64[batch, 2] is not float32"));
        Assert.That(s.Run([x])[0].Shape, Is.EqualTo(new long[] { 2, OnnxTestModels.Hidden }), "the session still works afterwards");
    }

    [Test]
    public void CancellationStopsARunningModelAndTheSessionCarriesOn()
    {
        // x [n, 128] through 3,000 chained MatMuls with a [128, 128] weight: n = 512 takes seconds on one thread, n = 1
        // milliseconds. ORT checks RunOptions.Terminate between nodes, so the long run stops soon after the cancel.
        var g = new OnnxGraphBuilder("slow");
        var x = g.Input("x", OnnxElementType.Float32, "n", 128);
        var w = g.Initializer(OnnxTensor.FromFloats("W", OnnxTestModels.RandomFloats(128 * 128, 4, scale: 0.05f), 128, 128));
        var h = x;
        for (int i = 0; i < 3000; i++) h = g.Node("MatMul", h, w);
        g.AddNode("Identity", [h], ["y"]);
        g.Output("y", OnnxElementType.Float32, "n", 128);
        using var s = OnnxSession.FromModel(g.Build(), new OnnxSessionOptions { IntraOpThreads = 1 });
        var big = NamedTensor.Float("x", new float[512 * 128], 512, 128);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ex = Assert.Throws<OperationCanceledException>(() => s.Run([big], null, cts.Token))!;
        TestContext.Out.WriteLine($"{ex.Message} after {clock.ElapsedMilliseconds} ms");
        Assert.That(ex.Message, Does.StartWith("onnxruntime Run cancelled"));
        Assert.That(ex.CancellationToken, Is.EqualTo(cts.Token));
        Assert.Throws<OperationCanceledException>(() => s.Run([big], null, cts.Token), "an already cancelled token does not start a run");
        var ok = s.Run([NamedTensor.Float("x", new float[128], 1, 128)], null, CancellationToken.None);
        Assert.That(ok[0].Shape, Is.EqualTo(new long[] { 1, 128 }));
    }

    [Test]
    public void DataLengthNotMatchingShapeIsRejectedBeforeOrt()
    {
        var ex = Assert.Throws<ArgumentException>(() => NamedTensor.Float("x", new float[3], 2, 2))!;
        Assert.That(ex.Message, Does.Contain("shape [2, 2] needs 4 elements, data has 3"));
    }

    [Test]
    public void RunAfterDisposeThrowsObjectDisposed()
    {
        var s = OnnxSession.FromModel(OnnxTestModels.Mlp().Model);
        s.Dispose();
        s.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => s.Run([NamedTensor.Float("x", new float[5], 1, 5)]));
    }
}

/// <summary>Edge shapes a serving loop meets: an empty batch.</summary>
public class OnnxEmptyBatchTests
{
    [Test]
    public void EmptyBatchGivesEmptyOutput()
    {
        using var s = OnnxSession.FromModel(OnnxTestModels.Mlp().Model);
        var y = s.Run([NamedTensor.Float("x", Array.Empty<float>(), 0, OnnxTestModels.In)]).Single();
        Assert.That(y.Shape, Is.EqualTo(new long[] { 0, OnnxTestModels.Hidden }));
        Assert.That(y.Floats.Length, Is.Zero);
    }
}
