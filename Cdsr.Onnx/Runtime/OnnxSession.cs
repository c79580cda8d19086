using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cdsr.Onnx.Model;
using Cdsr.Onnx.Runtime.Native;

namespace Cdsr.Onnx.Runtime;

/// <summary>
/// A loaded ONNX model. <see cref="Run"/> is safe to call from several threads at once (ORT sessions are
/// thread-safe for Run; this object holds no per-call state). Dispose releases the native session.
/// <code>
/// using var s = OnnxSession.FromFile("model.onnx");
/// var outs = s.Run([NamedTensor.Int64("items", ids, batch, seq)]);
/// </code>
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    private readonly OrtHandle _session;
    // NUL-terminated UTF-8 names for Run, in arrays on the pinned object heap: their addresses never move and
    // the GC frees them with this object, so a Run racing Dispose never sees freed memory.
    private readonly byte[][] _nameBytes;
    private readonly IntPtr[] _inputNamePtrs, _outputNamePtrs;
    private readonly Dictionary<string, int> _inputIndex, _outputIndex;
    private int _disposed;

    public IReadOnlyList<OnnxNodeInfo> Inputs { get; }
    public IReadOnlyList<OnnxNodeInfo> Outputs { get; }
    /// <summary>ModelProto.producer_name of the loaded model (e.g. "cdsr").</summary>
    public string ProducerName { get; }
    /// <summary>The model's graph name.</summary>
    public string GraphName { get; }
    /// <summary>ModelProto.metadata_props (key/value strings the exporter stored, e.g. model kind, item count).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
    /// <summary>The provider the session runs on: "CUDAExecutionProvider" or "CPUExecutionProvider".</summary>
    public string ExecutionProvider { get; }
    /// <summary>One line saying which provider runs and why (print it where a user can see it).</summary>
    public string ProviderMessage { get; }

    private OnnxSession(Func<IntPtr, IntPtr> create, OnnxSessionOptions? options)
    {
        options ??= new OnnxSessionOptions();
        options.Validate();
        using var opts = new OrtHandle(OrtApi.CreateSessionOptions(), OrtKind.SessionOptions);
        IntPtr o = opts.DangerousGetHandle();
        OrtApi.SetGraphOptimizationLevel(o, (int)options.Optimization);
        if (options.IntraOpThreads > 0) OrtApi.SetIntraOpNumThreads(o, options.IntraOpThreads);
        if (options.InterOpThreads > 0) OrtApi.SetInterOpNumThreads(o, options.InterOpThreads);
        (ExecutionProvider, ProviderMessage) = ChooseProvider(o, options);

        _session = new OrtHandle(create(o), OrtKind.Session);
        try
        {
            IntPtr s = _session.DangerousGetHandle();
            Inputs = Describe(s, OrtApi.SessionInputCount(s), input: true);
            Outputs = Describe(s, OrtApi.SessionOutputCount(s), input: false);
            (ProducerName, GraphName, var props) = OrtApi.SessionModelMetadata(s);
            Metadata = props;
        }
        catch { _session.Dispose(); throw; }
        _nameBytes = Inputs.Concat(Outputs).Select(i => PinnedUtf8(i.Name)).ToArray();
        _inputNamePtrs = _nameBytes.Take(Inputs.Count).Select(AddressOf).ToArray();
        _outputNamePtrs = _nameBytes.Skip(Inputs.Count).Select(AddressOf).ToArray();
        _inputIndex = Inputs.Select((x, i) => (x.Name, i)).ToDictionary(p => p.Name, p => p.i);
        _outputIndex = Outputs.Select((x, i) => (x.Name, i)).ToDictionary(p => p.Name, p => p.i);
    }

    private static byte[] PinnedUtf8(string s)
    {
        int n = System.Text.Encoding.UTF8.GetByteCount(s);
        var a = GC.AllocateArray<byte>(n + 1, pinned: true);
        System.Text.Encoding.UTF8.GetBytes(s, a);
        return a;
    }

    private static IntPtr AddressOf(byte[] pinned) => (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));

    /// <summary>Loads a model file. Errors (missing, truncated, invalid file) throw <see cref="OnnxRuntimeException"/>.</summary>
    public static OnnxSession FromFile(string path, OnnxSessionOptions? options = null)
    {
        if (!File.Exists(path)) throw new OnnxRuntimeException(3, $"model file '{path}' does not exist", "CreateSession");
        string full = Path.GetFullPath(path);
        return new OnnxSession(o => OrtApi.CreateSession(OnnxRuntime.Env.DangerousGetHandle(), full, o), options);
    }

    /// <summary>Loads a model from serialized ONNX bytes.</summary>
    public static OnnxSession FromBytes(ReadOnlySpan<byte> model, OnnxSessionOptions? options = null)
    {
        byte[] copy = model.ToArray(); // the lambda cannot capture a span; ORT copies what it needs during the call
        return new OnnxSession(o => OrtApi.CreateSessionFromArray(OnnxRuntime.Env.DangerousGetHandle(), copy, o), options);
    }

    /// <summary>Validates and serializes <paramref name="model"/>, then loads it.</summary>
    public static OnnxSession FromModel(OnnxModel model, OnnxSessionOptions? options = null) => FromBytes(model.ToBytes(), options);

    private static (string, string) ChooseProvider(IntPtr o, OnnxSessionOptions options)
    {
        const string cpu = "CPUExecutionProvider", cuda = "CUDAExecutionProvider";
        if (options.Provider == OnnxExecutionProvider.Cpu) return (cpu, "onnxruntime: running on CPU (requested)");
        string dir = OnnxRuntime.LibraryDirectory;
        string lib = Path.Combine(dir, "libonnxruntime_providers_cuda.so");
        if (!File.Exists(lib))
        {
            string why = $"{lib} not found";
            if (options.Provider == OnnxExecutionProvider.Cuda)
                throw new OnnxRuntimeException(0, $"CUDA execution provider requested but {why}", "SessionOptionsAppendExecutionProvider_CUDA");
            return (cpu, $"onnxruntime: running on CPU ({why})");
        }
        try
        {
            OrtApi.Check(OrtApi.OrtSessionOptionsAppendExecutionProvider_CUDA(o, options.CudaDeviceId), "SessionOptionsAppendExecutionProvider_CUDA");
            return (cuda, $"onnxruntime: running on CUDA device {options.CudaDeviceId} ({lib})");
        }
        catch (OnnxRuntimeException e) when (options.Provider == OnnxExecutionProvider.Auto)
        {
            return (cpu, $"onnxruntime: running on CPU (CUDA provider at {lib} could not be enabled: {e.NativeMessage})");
        }
    }

    private static OnnxNodeInfo[] Describe(IntPtr s, int count, bool input)
    {
        var r = new OnnxNodeInfo[count];
        for (int i = 0; i < count; i++)
        {
            string name = OrtApi.SessionName(s, i, input);
            var (et, dims, syms) = OrtApi.SessionTypeInfo(s, i, input);
            r[i] = new OnnxNodeInfo(name, (OnnxElementType)et, dims, syms);
        }
        return r;
    }

    /// <summary>
    /// Runs the model. Inputs are read in place from pinned managed memory; the requested outputs (all when
    /// <paramref name="outputNames"/> is null) are copied into new arrays. Shape and type mismatches come back
    /// as <see cref="OnnxRuntimeException"/> carrying ORT's message.
    /// </summary>
    public NamedTensor[] Run(IReadOnlyList<NamedTensor> inputs, IReadOnlyList<string>? outputNames = null)
    {
        int nIn = inputs.Count;
        int[] outIdx = outputNames is null
            ? Enumerable.Range(0, Outputs.Count).ToArray()
            : outputNames.Select(n => _outputIndex.TryGetValue(n, out int k) ? k
                : throw new OnnxRuntimeException(0, $"the model has no output '{n}' (outputs: {string.Join(", ", Outputs.Select(o => o.Name))})", "Run")).ToArray();
        var inNames = new IntPtr[nIn];
        for (int i = 0; i < nIn; i++)
        {
            if (!_inputIndex.TryGetValue(inputs[i].Name, out int k))
                throw new OnnxRuntimeException(0, $"the model has no input '{inputs[i].Name}' (inputs: {string.Join(", ", Inputs)})", "Run");
            inNames[i] = _inputNamePtrs[k];
        }
        if (inputs.Select(i => i.Name).Distinct().Count() != nIn)
            throw new OnnxRuntimeException(0, $"an input is given twice ({string.Join(", ", inputs.Select(i => i.Name))})", "Run");
        if (nIn != Inputs.Count)
        {
            var given = inputs.Select(i => i.Name).ToHashSet();
            var missing = Inputs.Where(i => !given.Contains(i.Name)).Select(i => i.ToString()).ToArray();
            throw new OnnxRuntimeException(0, $"missing input{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing)}", "Run");
        }

        var pins = new MemoryHandle[nIn];
        var values = new OrtHandle?[nIn];
        var outs = new IntPtr[outIdx.Length];
        var outHandles = new OrtHandle?[outIdx.Length];
        bool addedRef = false;
        try
        {
            _session.DangerousAddRef(ref addedRef); // a concurrent Dispose cannot free the session mid-call
            IntPtr mem = OnnxRuntime.CpuMemoryInfo.DangerousGetHandle();
            for (int i = 0; i < nIn; i++)
            {
                pins[i] = inputs[i].Pin();
                values[i] = new OrtHandle(OrtApi.CreateTensorWithData(mem, pins[i].Pointer, inputs[i].ByteLength,
                    inputs[i].Shape, (int)inputs[i].ElementType), OrtKind.Value);
            }
            var inVals = values.Select(v => v!.DangerousGetHandle()).ToArray();
            var outNames = outIdx.Select(k => _outputNamePtrs[k]).ToArray();
            try
            {
                fixed (IntPtr* pn = inNames, pv = inVals, pon = outNames, po = outs)
                    OrtApi.Run(_session.DangerousGetHandle(), pn, pv, nIn, pon, outs.Length, po);
            }
            finally
            {
                for (int j = 0; j < outs.Length; j++)
                    if (outs[j] != IntPtr.Zero) outHandles[j] = new OrtHandle(outs[j], OrtKind.Value);
            }
            var result = new NamedTensor[outs.Length];
            for (int j = 0; j < outs.Length; j++) result[j] = CopyOut(Outputs[outIdx[j]].Name, outs[j]);
            return result;
        }
        finally
        {
            foreach (var h in outHandles) h?.Dispose();
            foreach (var v in values) v?.Dispose();
            foreach (var p in pins) p.Dispose();
            if (addedRef) _session.DangerousRelease();
        }
    }

    private static NamedTensor CopyOut(string name, IntPtr value)
    {
        var (et, dims) = OrtApi.ValueShape(value);
        long n = dims.Aggregate(1L, (a, d) => a * d);
        void* data = n == 0 ? null : OrtApi.TensorData(value);
        switch ((OnnxElementType)et)
        {
            case OnnxElementType.Float32:
            {
                var a = new float[n];
                if (n > 0) new ReadOnlySpan<float>(data, checked((int)n)).CopyTo(a);
                return NamedTensor.Float(name, a, dims);
            }
            case OnnxElementType.Int64:
            {
                var a = new long[n];
                if (n > 0) new ReadOnlySpan<long>(data, checked((int)n)).CopyTo(a);
                return NamedTensor.Int64(name, a, dims);
            }
            default:
                throw new OnnxRuntimeException(0, $"output '{name}' has ONNX element type {et}; only float32 (1) and int64 (7) outputs are supported", "Run");
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _session.Dispose(); // deferred by SafeHandle until in-flight Runs release their reference
    }
}
