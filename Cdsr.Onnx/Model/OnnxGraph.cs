namespace Cdsr.Onnx.Model;

/// <summary>ONNX tensor element types used here (values are TensorProto.DataType numbers from onnx.proto).</summary>
public enum OnnxElementType
{
    Float32 = 1,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
    Float64 = 11,
}

/// <summary>One tensor dimension: a fixed size, or a named dynamic axis (ONNX <c>dim_param</c>, e.g. "batch").</summary>
public readonly record struct OnnxDim
{
    /// <summary>The fixed size, or null for a named dynamic axis.</summary>
    public long? Value { get; }
    /// <summary>The dynamic axis name, or null for a fixed size.</summary>
    public string? Param { get; }

    private OnnxDim(long? value, string? param) { Value = value; Param = param; }

    public static OnnxDim Fixed(long size) => size >= 0
        ? new OnnxDim(size, null)
        : throw new ArgumentOutOfRangeException(nameof(size), size, "a fixed ONNX dimension must be >= 0");

    public static OnnxDim Dynamic(string name) => string.IsNullOrWhiteSpace(name)
        ? throw new ArgumentException("a dynamic ONNX dimension needs a non-empty name (e.g. \"batch\")", nameof(name))
        : new OnnxDim(null, name);

    public static implicit operator OnnxDim(long size) => Fixed(size);
    public static implicit operator OnnxDim(string name) => Dynamic(name);

    public override string ToString() => Param ?? Value!.Value.ToString();
}

/// <summary>A named, typed graph input or output (ONNX ValueInfoProto with a tensor type).</summary>
public sealed record OnnxValueInfo(string Name, OnnxElementType ElementType, IReadOnlyList<OnnxDim> Shape);

/// <summary>A constant tensor stored in the model (ONNX TensorProto; data kept as little-endian raw bytes).</summary>
public sealed record OnnxTensor(string Name, OnnxElementType ElementType, IReadOnlyList<long> Dims, byte[] RawData)
{
    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);

    public static int ElementSize(OnnxElementType t) => t switch
    {
        OnnxElementType.Float32 or OnnxElementType.Int32 => 4,
        OnnxElementType.Int64 or OnnxElementType.Float64 => 8,
        OnnxElementType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unsupported ONNX element type"),
    };

    public static OnnxTensor FromFloats(string name, ReadOnlySpan<float> data, params long[] dims) =>
        new(name, OnnxElementType.Float32, dims, System.Runtime.InteropServices.MemoryMarshal.AsBytes(data).ToArray());

    public static OnnxTensor FromInt64s(string name, ReadOnlySpan<long> data, params long[] dims) =>
        new(name, OnnxElementType.Int64, dims, System.Runtime.InteropServices.MemoryMarshal.AsBytes(data).ToArray());
}

/// <summary>ONNX AttributeProto.AttributeType values.</summary>
public enum OnnxAttributeType { Float = 1, Int = 2, String = 3, Tensor = 4, Floats = 6, Ints = 7, Strings = 8 }

/// <summary>A node attribute (exactly one payload, selected by <see cref="Type"/>).</summary>
public sealed record OnnxAttribute(string Name, OnnxAttributeType Type)
{
    public float F { get; init; }
    public long I { get; init; }
    public string? S { get; init; }
    public OnnxTensor? T { get; init; }
    public IReadOnlyList<float> Floats { get; init; } = [];
    public IReadOnlyList<long> Ints { get; init; } = [];
    public IReadOnlyList<string> Strings { get; init; } = [];

    public static OnnxAttribute Float(string name, float v) => new(name, OnnxAttributeType.Float) { F = v };
    public static OnnxAttribute Int(string name, long v) => new(name, OnnxAttributeType.Int) { I = v };
    public static OnnxAttribute String(string name, string v) => new(name, OnnxAttributeType.String) { S = v };
    public static OnnxAttribute Tensor(string name, OnnxTensor v) => new(name, OnnxAttributeType.Tensor) { T = v };
    public static OnnxAttribute FloatList(string name, params float[] v) => new(name, OnnxAttributeType.Floats) { Floats = v };
    public static OnnxAttribute IntList(string name, params long[] v) => new(name, OnnxAttributeType.Ints) { Ints = v };
    public static OnnxAttribute StringList(string name, params string[] v) => new(name, OnnxAttributeType.Strings) { Strings = v };
}

/// <summary>One operator application (ONNX NodeProto). An empty input name means "optional input absent".</summary>
public sealed record OnnxNode(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyList<OnnxAttribute> Attributes, string Domain = "");

/// <summary>A complete model: the graph (nodes in topological order) plus the model-level header fields.</summary>
public sealed record OnnxModel(
    string GraphName,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs,
    IReadOnlyList<OnnxTensor> Initializers,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyDictionary<string, long> OpsetImports,
    long IrVersion = OnnxModel.DefaultIrVersion,
    string ProducerName = "cdsr",
    string ProducerVersion = "0.1",
    IReadOnlyDictionary<string, string>? Metadata = null)
{
    /// <summary>IR version 8 (ONNX 1.10+): understood by every ONNX Runtime from 1.10 on.</summary>
    public const long DefaultIrVersion = 8;
    /// <summary>Default-domain operator set version.</summary>
    public const long DefaultOpset = 17;

    /// <summary>Checks the structural rules (<see cref="OnnxValidator"/>) and serializes to ONNX protobuf bytes.</summary>
    public byte[] ToBytes()
    {
        OnnxValidator.ThrowIfInvalid(this);
        return OnnxSerializer.Serialize(this);
    }

    /// <summary>Validates and writes the model to <paramref name="path"/> (written to a temp file, then moved).</summary>
    public void Save(string path)
    {
        byte[] bytes = ToBytes();
        string tmp = path + ".tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
    }
}
