using Cdsr.Onnx.Model;

namespace Cdsr.Tests.Onnx;

/// <summary>The graph builder and the structural validator: every rule has a failing case with its message.</summary>
public class OnnxWriterTests
{
    private static OnnxModel Valid() => OnnxTestModels.Mlp().Model;

    private static string Error(OnnxModel m)
    {
        var ex = Assert.Throws<OnnxModelException>(() => m.ToBytes())!;
        return ex.Message;
    }

    [Test]
    public void ValidModelPassesAndHasHeaderFields()
    {
        var m = Valid();
        Assert.That(OnnxValidator.Validate(m), Is.Empty);
        Assert.That(m.IrVersion, Is.EqualTo(8));
        Assert.That(m.OpsetImports[""], Is.EqualTo(17));
        Assert.That(m.Inputs[0].Shape[0].Param, Is.EqualTo("batch"));
        byte[] a = m.ToBytes(), b = m.ToBytes();
        Assert.That(a, Is.EqualTo(b), "serialization is deterministic");
        // ModelProto starts with field 1 (ir_version, varint): tag 0x08 then 8.
        Assert.That(a[0], Is.EqualTo(0x08));
        Assert.That(a[1], Is.EqualTo(8));
    }

    [Test]
    public void UndefinedNodeInputIsNamed()
    {
        var m = Valid();
        var bad = m with { Nodes = [m.Nodes[0] with { Inputs = ["x", "nope"] }, .. m.Nodes.Skip(1)] };
        Assert.That(Error(bad), Does.Contain("input 1 'nope' is not a graph input, an initializer or an output of an earlier node"));
    }

    [Test]
    public void NodesOutOfTopologicalOrderAreRejected()
    {
        var m = Valid();
        var bad = m with { Nodes = m.Nodes.Reverse().ToArray() };
        Assert.That(Error(bad), Does.Contain("is not a graph input, an initializer or an output of an earlier node"));
    }

    [Test]
    public void DuplicateValueNameIsRejected()
    {
        var m = Valid();
        var bad = m with { Initializers = [.. m.Initializers, OnnxTensor.FromFloats("x", [1f], 1)] };
        Assert.That(Error(bad), Does.Contain("initializer 'x': name 'x' is already defined by graph input 'x'"));
    }

    [Test]
    public void MissingDefaultOpsetIsRejected()
    {
        var bad = Valid() with { OpsetImports = new Dictionary<string, long>() };
        Assert.That(Error(bad), Does.Contain("no opset import for the default ONNX domain"));
    }

    [Test]
    public void UnproducedGraphOutputIsRejected()
    {
        var m = Valid();
        var bad = m with { Outputs = [.. m.Outputs, new OnnxValueInfo("ghost", OnnxElementType.Float32, [])] };
        Assert.That(Error(bad), Does.Contain("graph output 'ghost': no input, initializer or node produces it"));
    }

    [Test]
    public void InitializerSizeMismatchIsRejected()
    {
        var m = Valid();
        var bad = m with { Initializers = [OnnxTensor.FromFloats("W", [1f, 2f], 5, 3), m.Initializers[1]] };
        Assert.That(Error(bad), Does.Contain("initializer 'W': dims [5, 3] of Float32 need 60 bytes, data has 8"));
    }

    [Test]
    public void DuplicateAttributeIsRejected()
    {
        var g = new OnnxGraphBuilder("g");
        var x = g.Input("x", OnnxElementType.Float32, "batch", 2);
        var y = g.Node("Softmax", [x], OnnxAttribute.Int("axis", 1), OnnxAttribute.Int("axis", -1));
        g.Output(y, OnnxElementType.Float32, "batch", 2);
        var ex = Assert.Throws<OnnxModelException>(() => g.Build())!;
        Assert.That(ex.Message, Does.Contain("attribute 'axis' is given twice"));
    }

    [Test]
    public void AllErrorsAreListedTogether()
    {
        var m = Valid();
        var bad = m with { OpsetImports = new Dictionary<string, long>(), GraphName = "" };
        var errors = OnnxValidator.Validate(bad);
        Assert.That(errors, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(errors, Has.Some.Contains("graph: name is empty"));
    }

    [Test]
    public void DynamicDimNeedsAName()
    {
        Assert.Throws<ArgumentException>(() => OnnxDim.Dynamic(" "));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxDim.Fixed(-1));
    }
}
