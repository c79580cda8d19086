namespace Cdsr.Onnx.Model;

/// <summary>
/// Writes an <see cref="OnnxModel"/> as an ONNX ModelProto. Field numbers follow onnx/onnx.proto (proto2);
/// only the subset this toolkit emits is written. Repeated scalars are written unpacked (proto2's default,
/// which every protobuf parser accepts); tensor payloads go to TensorProto.raw_data (little-endian).
/// </summary>
internal static class OnnxSerializer
{
    // ModelProto
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelProducerVersion = 3, ModelGraph = 7,
        ModelOpsetImport = 8, ModelMetadataProps = 14;
    // OperatorSetIdProto
    private const int OpsetDomain = 1, OpsetVersion = 2;
    // StringStringEntryProto
    private const int EntryKey = 1, EntryValue = 2;
    // GraphProto
    private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    // NodeProto
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;
    // AttributeProto
    private const int AttrName = 1, AttrF = 2, AttrI = 3, AttrS = 4, AttrT = 5, AttrFloats = 7, AttrInts = 8,
        AttrStrings = 9, AttrType = 20;
    // TensorProto
    private const int TensorDims = 1, TensorDataType = 2, TensorName = 8, TensorRawData = 9;
    // ValueInfoProto / TypeProto / TypeProto.Tensor / TensorShapeProto / TensorShapeProto.Dimension
    private const int ValueInfoName = 1, ValueInfoType = 2;
    private const int TypeTensorType = 1;
    private const int TypeTensorElemType = 1, TypeTensorShape = 2;
    private const int ShapeDim = 1;
    private const int DimValue = 1, DimParam = 2;

    public static byte[] Serialize(OnnxModel m)
    {
        var w = new ProtoWriter();
        w.Int(ModelIrVersion, m.IrVersion);
        w.String(ModelProducerName, m.ProducerName);
        w.String(ModelProducerVersion, m.ProducerVersion);
        w.Message(ModelGraph, g => WriteGraph(g, m));
        foreach (var (domain, version) in m.OpsetImports)
            w.Message(ModelOpsetImport, o => { o.String(OpsetDomain, domain); o.Int(OpsetVersion, version); });
        if (m.Metadata is not null)
            foreach (var (k, v) in m.Metadata)
                w.Message(ModelMetadataProps, e => { e.String(EntryKey, k); e.String(EntryValue, v); });
        return w.Written.ToArray();
    }

    private static void WriteGraph(ProtoWriter g, OnnxModel m)
    {
        foreach (var n in m.Nodes) g.Message(GraphNode, w => WriteNode(w, n));
        g.String(GraphName, m.GraphName);
        foreach (var t in m.Initializers) g.Message(GraphInitializer, w => WriteTensor(w, t));
        foreach (var v in m.Inputs) g.Message(GraphInput, w => WriteValueInfo(w, v));
        foreach (var v in m.Outputs) g.Message(GraphOutput, w => WriteValueInfo(w, v));
    }

    private static void WriteNode(ProtoWriter w, OnnxNode n)
    {
        foreach (var i in n.Inputs) w.String(NodeInput, i);
        foreach (var o in n.Outputs) w.String(NodeOutput, o);
        w.String(NodeName, n.Name);
        w.String(NodeOpType, n.OpType);
        foreach (var a in n.Attributes) w.Message(NodeAttribute, aw => WriteAttribute(aw, a));
        if (n.Domain.Length > 0) w.String(NodeDomain, n.Domain);
    }

    private static void WriteAttribute(ProtoWriter w, OnnxAttribute a)
    {
        w.String(AttrName, a.Name);
        w.Int(AttrType, (int)a.Type);
        switch (a.Type)
        {
            case OnnxAttributeType.Float: w.Float(AttrF, a.F); break;
            case OnnxAttributeType.Int: w.Int(AttrI, a.I); break;
            case OnnxAttributeType.String: w.String(AttrS, a.S ?? ""); break;
            case OnnxAttributeType.Tensor: w.Message(AttrT, tw => WriteTensor(tw, a.T!)); break;
            case OnnxAttributeType.Floats: foreach (var f in a.Floats) w.Float(AttrFloats, f); break;
            case OnnxAttributeType.Ints: foreach (var i in a.Ints) w.Int(AttrInts, i); break;
            case OnnxAttributeType.Strings: foreach (var s in a.Strings) w.String(AttrStrings, s); break;
            default: throw new InvalidOperationException($"attribute '{a.Name}': unsupported type {a.Type}");
        }
    }

    private static void WriteTensor(ProtoWriter w, OnnxTensor t)
    {
        foreach (var d in t.Dims) w.Int(TensorDims, d);
        w.Int(TensorDataType, (int)t.ElementType);
        w.String(TensorName, t.Name);
        w.Bytes(TensorRawData, t.RawData);
    }

    private static void WriteValueInfo(ProtoWriter w, OnnxValueInfo v)
    {
        w.String(ValueInfoName, v.Name);
        w.Message(ValueInfoType, tp => tp.Message(TypeTensorType, tt =>
        {
            tt.Int(TypeTensorElemType, (int)v.ElementType);
            tt.Message(TypeTensorShape, sh =>
            {
                foreach (var d in v.Shape)
                    sh.Message(ShapeDim, dw =>
                    {
                        if (d.Param is not null) dw.String(DimParam, d.Param);
                        else dw.Int(DimValue, d.Value!.Value);
                    });
            });
        }));
    }
}
