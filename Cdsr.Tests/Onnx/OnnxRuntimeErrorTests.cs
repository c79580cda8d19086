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
