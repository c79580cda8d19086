namespace Cdsr.Onnx.Model;

/// <summary>Thrown when a model breaks an ONNX structural rule; <see cref="Errors"/> lists every violation.</summary>
public sealed class OnnxModelException(IReadOnlyList<string> errors)
    : Exception($"invalid ONNX model ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):\n  " + string.Join("\n  ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Structural checks an ONNX consumer relies on: the default-domain opset is imported; every value name
/// (graph input, initializer, node output) is defined once; every node input is a graph input, an initializer
/// or an output of an earlier node (topological order); every graph output is produced; initializer byte
/// lengths match their dims; node and attribute names are unique. Operator semantics (input counts, types)
/// are left to the runtime, which reports them by node name.
/// </summary>
public static class OnnxValidator
{
    public static IReadOnlyList<string> Validate(OnnxModel m)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(m.GraphName)) errors.Add("graph: name is empty");
        if (m.IrVersion < 3) errors.Add($"model: ir_version {m.IrVersion} < 3 (opset imports need IR >= 3)");
        if (!m.OpsetImports.TryGetValue("", out long opset))
            errors.Add("model: no opset import for the default ONNX domain \"\"");
        else if (opset < 1) errors.Add($"model: default-domain opset version {opset} must be >= 1");

        var defined = new Dictionary<string, string>(StringComparer.Ordinal); // name -> what defined it
        void Define(string name, string what)
        {
            if (string.IsNullOrEmpty(name)) { errors.Add($"{what}: empty value name"); return; }
            if (defined.TryGetValue(name, out var first)) errors.Add($"{what}: name '{name}' is already defined by {first}");
            else defined[name] = what;
        }

        foreach (var v in m.Inputs)
        {
            Define(v.Name, $"graph input '{v.Name}'");
            CheckShape(v, "graph input", errors);
        }
        foreach (var t in m.Initializers)
        {
            Define(t.Name, $"initializer '{t.Name}'");
            if (t.Dims.Any(d => d < 0)) errors.Add($"initializer '{t.Name}': negative dim in [{string.Join(", ", t.Dims)}]");
            else
            {
                long expected = t.ElementCount * OnnxTensor.ElementSize(t.ElementType);
                if (expected != t.RawData.Length)
                    errors.Add($"initializer '{t.Name}': dims [{string.Join(", ", t.Dims)}] of {t.ElementType} need {expected} bytes, data has {t.RawData.Length}");
            }
        }

        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < m.Nodes.Count; k++)
        {
            var n = m.Nodes[k];
            string where = $"node #{k} '{n.Name}' ({n.OpType})";
            if (string.IsNullOrEmpty(n.OpType)) errors.Add($"{where}: op_type is empty");
            if (!string.IsNullOrEmpty(n.Name) && !nodeNames.Add(n.Name)) errors.Add($"{where}: node name '{n.Name}' is used twice");
            if (!m.OpsetImports.ContainsKey(n.Domain)) errors.Add($"{where}: domain '{n.Domain}' has no opset import");
            for (int i = 0; i < n.Inputs.Count; i++)
            {
                string input = n.Inputs[i];
                if (input.Length == 0) continue; // optional input left out
                if (!defined.ContainsKey(input))
                    errors.Add($"{where}: input {i} '{input}' is not a graph input, an initializer or an output of an earlier node");
            }
            if (n.Outputs.Count == 0) errors.Add($"{where}: has no outputs");
            foreach (var o in n.Outputs) Define(o, where);
            var attrNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var a in n.Attributes)
            {
                if (string.IsNullOrEmpty(a.Name)) errors.Add($"{where}: attribute with an empty name");
                else if (!attrNames.Add(a.Name)) errors.Add($"{where}: attribute '{a.Name}' is given twice");
                if (a.Type == OnnxAttributeType.Tensor && a.T is null) errors.Add($"{where}: tensor attribute '{a.Name}' has no tensor");
            }
        }

        if (m.Outputs.Count == 0) errors.Add("graph: has no outputs");
        var outNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in m.Outputs)
        {
            if (!outNames.Add(v.Name)) errors.Add($"graph output '{v.Name}': listed twice");
            if (!defined.ContainsKey(v.Name)) errors.Add($"graph output '{v.Name}': no input, initializer or node produces it");
            CheckShape(v, "graph output", errors);
        }
        return errors;
    }

    public static void ThrowIfInvalid(OnnxModel m)
    {
        var errors = Validate(m);
        if (errors.Count > 0) throw new OnnxModelException(errors);
    }

    private static void CheckShape(OnnxValueInfo v, string what, List<string> errors)
    {
        if (!Enum.IsDefined(v.ElementType)) errors.Add($"{what} '{v.Name}': unknown element type {(int)v.ElementType}");
        if (v.Shape.Any(d => d.Param is null && d.Value is null))
            errors.Add($"{what} '{v.Name}': a dimension has neither a size nor a name");
    }
}
