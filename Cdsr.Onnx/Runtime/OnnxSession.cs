using System.Runtime.InteropServices;
using Cdsr.Onnx.Model;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PackageException = Microsoft.ML.OnnxRuntime.OnnxRuntimeException;

namespace Cdsr.Onnx.Runtime;

/// <summary>
/// A loaded ONNX model: one <see cref="InferenceSession"/> of the Microsoft.ML.OnnxRuntime package, created once and
/// reused for every call. <see cref="Run"/> is safe to call from several threads at once (ORT sessions are thread-safe
/// for Run; this object holds no per-call state). Dispose releases the native session, after any Run in flight.
/// <code>
/// using var s = OnnxSession.FromFile("model.onnx");
/// var outs = s.Run([NamedTensor.Int64("items", ids, batch, seq)]);
/// </code>
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions; // shared by plain Runs: ORT only reads it (cancellable Runs get their own)
    private readonly Lease _lease;
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

    private OnnxSession(Func<SessionOptions, InferenceSession> create, string function, OnnxSessionOptions? options)
    {
        options ??= new OnnxSessionOptions();
        options.Validate();
        _ = OnnxRuntime.Env; // a missing native library is a clear OnnxRuntimeException, not a TypeInitializationException
        (_session, ExecutionProvider, ProviderMessage) = Create(create, function, options);
        try
        {
            Inputs = Describe(_session.InputNames, _session.InputMetadata);
            Outputs = Describe(_session.OutputNames, _session.OutputMetadata);
            var meta = _session.ModelMetadata;
            ProducerName = meta.ProducerName;
            GraphName = meta.GraphName;
            Metadata = new Dictionary<string, string>(meta.CustomMetadataMap, StringComparer.Ordinal);
            _runOptions = new RunOptions();
        }
        catch (PackageException e) { _session.Dispose(); throw OnnxRuntimeException.From(e, function); }
        catch { _session.Dispose(); throw; }
        _lease = new Lease(_session, _runOptions);
        _inputIndex = Inputs.Select((x, i) => (x.Name, i)).ToDictionary(p => p.Name, p => p.i);
        _outputIndex = Outputs.Select((x, i) => (x.Name, i)).ToDictionary(p => p.Name, p => p.i);
    }

    /// <summary>Loads a model file. Errors (missing, truncated, invalid file) throw <see cref="OnnxRuntimeException"/>.</summary>
    public static OnnxSession FromFile(string path, OnnxSessionOptions? options = null)
    {
        if (!File.Exists(path)) throw new OnnxRuntimeException(3, $"model file '{path}' does not exist", "CreateSession");
        string full = Path.GetFullPath(path);
        return new OnnxSession(o => new InferenceSession(full, o), "CreateSession", options);
    }

    /// <summary>Loads a model from serialized ONNX bytes.</summary>
    public static OnnxSession FromBytes(ReadOnlySpan<byte> model, OnnxSessionOptions? options = null)
    {
        byte[] copy = model.ToArray(); // the package takes an array; ORT copies what it needs while creating the session
        return new OnnxSession(o => new InferenceSession(copy, o), "CreateSessionFromArray", options);
    }

    /// <summary>Validates and serializes <paramref name="model"/>, then loads it.</summary>
    public static OnnxSession FromModel(OnnxModel model, OnnxSessionOptions? options = null) => FromBytes(model.ToBytes(), options);

    private static SessionOptions NewOptions(OnnxSessionOptions o)
    {
        var so = new SessionOptions { GraphOptimizationLevel = (GraphOptimizationLevel)(int)o.Optimization };
        if (o.IntraOpThreads > 0) so.IntraOpNumThreads = o.IntraOpThreads;
        if (o.InterOpThreads > 0) so.InterOpNumThreads = o.InterOpThreads;
        return so;
    }

    private const string Cpu = "CPUExecutionProvider", Cuda = "CUDAExecutionProvider";

    /// <summary>Creates the session on the provider <paramref name="o"/> asks for, saying in one line which one runs and why.</summary>
    private static (InferenceSession, string, string) Create(Func<SessionOptions, InferenceSession> create, string function, OnnxSessionOptions o)
    {
        InferenceSession OnCpu()
        {
            using var so = NewOptions(o);
            try { return create(so); }
            catch (PackageException e) { throw OnnxRuntimeException.From(e, function); }
        }
        if (o.Provider == OnnxExecutionProvider.Cpu) return (OnCpu(), Cpu, "onnxruntime: running on CPU (requested)");

        string version = OnnxRuntime.LibraryVersion;
        if (!OnnxRuntime.AvailableProviders.Contains(Cuda))
        {
            string why = $"{OnnxRuntime.PackageName} {version} has no CUDA execution provider; build with -p:CdsrCuda=true " +
                         "to use Microsoft.ML.OnnxRuntime.Gpu";
            if (o.Provider == OnnxExecutionProvider.Cuda)
                throw new OnnxRuntimeException(0, $"CUDA execution provider requested but {why}", "SessionOptionsAppendExecutionProvider_CUDA");
            return (OnCpu(), Cpu, $"onnxruntime: running on CPU ({why})");
        }

        string failure;
        using (var cudaOptions = NewOptions(o))
        {
            bool appended = false;
            try
            {
                // Loads libonnxruntime_providers_cuda.so, which links the CUDA 13 libraries (libcudart.so.13,
                // libcublasLt.so.13, ...) and the driver's libcuda.so.1: fails here without them.
                cudaOptions.AppendExecutionProvider_CUDA(o.CudaDeviceId);
                appended = true;
                failure = "";
            }
            catch (PackageException e) when (o.Provider == OnnxExecutionProvider.Auto) { failure = Reason(e) + ProviderLoadError(); }
            catch (PackageException e)
            {
                throw new OnnxRuntimeException(0, $"CUDA execution provider requested but it could not be enabled on device " +
                    $"{o.CudaDeviceId}: {Reason(e)}{ProviderLoadError()}{GpuHint()}", "SessionOptionsAppendExecutionProvider_CUDA", e);
            }
            if (appended)
            {
                try
                {
                    return (create(cudaOptions), Cuda, $"onnxruntime: running on CUDA device {o.CudaDeviceId} ({OnnxRuntime.PackageName} {version})");
                }
                // No device, or a model CUDA cannot take: the CPU attempt below tells which (a bad model fails there too).
                catch (PackageException e) when (o.Provider == OnnxExecutionProvider.Auto) { failure = Reason(e); }
                catch (PackageException e) { throw OnnxRuntimeException.From(e, function); }
            }
        }
        return (OnCpu(), Cpu, $"onnxruntime: running on CPU (the CUDA execution provider could not be enabled: {failure}{GpuHint()})");
    }

    private static string Reason(PackageException e) => OnnxRuntimeException.From(e, "").NativeMessage;

    /// <summary>
    /// ORT's exception for a provider library that does not load says only "Failed to load shared library" (the loader's
    /// reason goes to ORT's log). Loading libonnxruntime_providers_cuda.so once more here gets that reason, e.g.
    /// "libcublasLt.so.13: cannot open shared object file" (measured with Microsoft.ML.OnnxRuntime.Gpu 1.32.0, no CUDA installed).
    /// </summary>
    private static string ProviderLoadError()
    {
        string[] dirs = [Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native"),
                         Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"), AppContext.BaseDirectory];
        string? lib = dirs.Select(d => Path.Combine(d, "libonnxruntime_providers_cuda.so")).FirstOrDefault(File.Exists);
        if (lib is null) return "";
        try { NativeLibrary.Free(NativeLibrary.Load(lib)); return ""; }
        catch (DllNotFoundException e) { return $" ({e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim()})"; } // the loader's own line
    }

    /// <summary>Why CUDA may be missing, where the machine shows it: no NVIDIA device node at all.</summary>
    private static string GpuHint() => File.Exists("/dev/nvidia0") || Directory.Exists("/proc/driver/nvidia") ? ""
        : "; no NVIDIA GPU is visible (/dev/nvidia0 is absent)";

    private static OnnxNodeInfo[] Describe(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> meta) =>
        names.Select(n =>
        {
            var m = meta[n];
            if (!m.IsTensor) return new OnnxNodeInfo(n, 0, [], []); // sequence/map: reported as element type 0
            return new OnnxNodeInfo(n, (OnnxElementType)(int)m.ElementDataType, m.Dimensions.Select(d => (long)d).ToArray(),
                m.SymbolicDimensions.Select(s => string.IsNullOrEmpty(s) ? null : s).ToArray());
        }).ToArray();

    /// <summary>
    /// Runs the model. Inputs are read in place from pinned managed memory; the requested outputs (all when
    /// <paramref name="outputNames"/> is null) are copied into new arrays. Shape and type mismatches come back
    /// as <see cref="OnnxRuntimeException"/> carrying ORT's message.
    /// </summary>
    public NamedTensor[] Run(IReadOnlyList<NamedTensor> inputs, IReadOnlyList<string>? outputNames = null)
    {
        var outNames = CheckNames(inputs, outputNames);
        return Execute(inputs, outNames, _runOptions);
    }

    /// <summary>
    /// <see cref="Run(IReadOnlyList{NamedTensor}, IReadOnlyList{string}?)"/> that <paramref name="cancellationToken"/> can stop:
    /// cancelling sets ORT's terminate flag (RunOptions.Terminate), which ORT checks between nodes, and the call throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public NamedTensor[] Run(IReadOnlyList<NamedTensor> inputs, IReadOnlyList<string>? outputNames, CancellationToken cancellationToken)
    {
        var outNames = CheckNames(inputs, outputNames);
        cancellationToken.ThrowIfCancellationRequested();
        using var options = new RunOptions();
        using var registration = cancellationToken.Register(() => options.Terminate = true);
        try { return Execute(inputs, outNames, options); }
        catch (OnnxRuntimeException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"onnxruntime Run cancelled ({e.NativeMessage})", e, cancellationToken);
        }
    }

    /// <summary>
    /// Runs the model and has ORT write the float32 output <paramref name="outputName"/> straight into
    /// <paramref name="destination"/>, whose shape <paramref name="shape"/> the caller knows in advance (e.g. scores
    /// [batch, candidates]): no output array is allocated by ORT or copied out. A shape the model's output does not
    /// have is an <see cref="OnnxRuntimeException"/> naming both.
    /// </summary>
    public void RunInto(IReadOnlyList<NamedTensor> inputs, string outputName, Memory<float> destination, params long[] shape)
    {
        var outNames = CheckNames(inputs, [outputName]);
        var info = Outputs[_outputIndex[outputName]];
        if (info.ElementType != OnnxElementType.Float32)
            throw new OnnxRuntimeException(0, $"output {info} is not float32; RunInto writes float32 outputs only (use Run)", "Run");
        long n = 1;
        foreach (var d in shape)
            n = d >= 0 ? n * d : throw new ArgumentException($"output '{outputName}': shape [{string.Join(", ", shape)}] has a negative dimension", nameof(shape));
        if (n != destination.Length)
            throw new ArgumentException($"output '{outputName}': shape [{string.Join(", ", shape)}] needs {n} elements, the destination has {destination.Length}", nameof(destination));
        using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, destination, shape);
        Execute(inputs, outNames, _runOptions, output);
    }

    /// <summary>The wrapper's own checks, before ORT sees the call: every name known, each input once, none missing.</summary>
    private string[] CheckNames(IReadOnlyList<NamedTensor> inputs, IReadOnlyList<string>? outputNames)
    {
        int nIn = inputs.Count;
        string[] outNames = outputNames is null
            ? Outputs.Select(o => o.Name).ToArray()
            : outputNames.Select(n => _outputIndex.ContainsKey(n) ? n
                : throw new OnnxRuntimeException(0, $"the model has no output '{n}' (outputs: {string.Join(", ", Outputs.Select(o => o.Name))})", "Run")).ToArray();
        for (int i = 0; i < nIn; i++)
            if (!_inputIndex.ContainsKey(inputs[i].Name))
                throw new OnnxRuntimeException(0, $"the model has no input '{inputs[i].Name}' (inputs: {string.Join(", ", Inputs)})", "Run");
        if (inputs.Select(i => i.Name).Distinct().Count() != nIn)
            throw new OnnxRuntimeException(0, $"an input is given twice ({string.Join(", ", inputs.Select(i => i.Name))})", "Run");
        if (nIn != Inputs.Count)
        {
            var given = inputs.Select(i => i.Name).ToHashSet();
            var missing = Inputs.Where(i => !given.Contains(i.Name)).Select(i => i.ToString()).ToArray();
            throw new OnnxRuntimeException(0, $"missing input{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing)}", "Run");
        }
        return outNames;
    }

    /// <summary>One InferenceSession.Run over OrtValues that wrap the inputs' pinned memory; outputs copied out, or
    /// written into <paramref name="preallocated"/> when given. Every OrtValue is disposed, failed runs included.</summary>
    private NamedTensor[] Execute(IReadOnlyList<NamedTensor> inputs, string[] outNames, RunOptions options, OrtValue? preallocated = null)
    {
        var values = new OrtValue?[inputs.Count];
        bool addedRef = false;
        try
        {
            _lease.DangerousAddRef(ref addedRef); // a concurrent Dispose cannot free the session mid-call
            var inNames = new string[inputs.Count];
            for (int i = 0; i < inputs.Count; i++) { inNames[i] = inputs[i].Name; values[i] = inputs[i].ToOrtValue(); }
            if (preallocated is not null)
            {
                _session.Run(options, inNames, values!, outNames, [preallocated]);
                return [];
            }
            using var results = _session.Run(options, inNames, values!, outNames);
            var result = new NamedTensor[outNames.Length];
            int j = 0;
            foreach (var v in results) { result[j] = CopyOut(outNames[j], v); j++; }
            return result;
        }
        catch (PackageException e) { throw OnnxRuntimeException.From(e, "Run"); }
        finally
        {
            foreach (var v in values) v?.Dispose();
            if (addedRef) _lease.DangerousRelease();
        }
    }

    private static NamedTensor CopyOut(string name, OrtValue value)
    {
        if (!value.IsTensor) throw new OnnxRuntimeException(0, $"output '{name}' is a {value.OnnxType}, not a tensor", "Run");
        var info = value.GetTensorTypeAndShape();
        long[] dims = info.Shape;
        return info.ElementDataType switch
        {
            TensorElementType.Float => NamedTensor.Float(name, value.GetTensorDataAsSpan<float>().ToArray(), dims),
            TensorElementType.Int64 => NamedTensor.Int64(name, value.GetTensorDataAsSpan<long>().ToArray(), dims),
            var t => throw new OnnxRuntimeException(0, $"output '{name}' has ONNX element type {(int)t} ({t}); only float32 (1) and int64 (7) outputs are supported", "Run"),
        };
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _lease.Dispose(); // deferred by SafeHandle until in-flight Runs release their reference
    }

    /// <summary>
    /// Reference-counts the package's session across Runs. InferenceSession.Dispose frees the native session at once,
    /// so a Dispose racing a Run on another thread would free it mid-call; SafeHandle's count defers the release to the
    /// last Run out, and turns a Run after Dispose into ObjectDisposedException. The handle value itself is a dummy.
    /// </summary>
    private sealed class Lease : SafeHandle
    {
        private readonly InferenceSession _session;
        private readonly RunOptions _options;

        internal Lease(InferenceSession session, RunOptions options) : base(IntPtr.Zero, ownsHandle: true)
        {
            _session = session; _options = options;
            SetHandle(1);
        }

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            _options.Dispose();
            _session.Dispose();
            return true;
        }
    }
}
