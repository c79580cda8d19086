using System.Runtime.InteropServices;

namespace Cdsr.Onnx.Runtime.Native;

/// <summary>
/// The OrtApi function table (onnxruntime_c_api.h, <c>struct OrtApi</c>): an append-only array of function
/// pointers, so a function's index never changes between releases. Each index below was counted from the
/// header (the first 127 entries exist since API version 3) and each function is exercised by a test in
/// Cdsr.Tests/Onnx; a wrong index would crash there, not in a user's process. Every pointer is read once.
/// All functions returning <c>OrtStatus*</c> report failure as a non-null status, turned into
/// <see cref="OnnxRuntimeException"/> by <see cref="Check"/>.
/// </summary>
internal static unsafe partial class OrtApi
{
    /// <summary>The highest API version requested (ORT_API_VERSION of onnxruntime 1.30).</summary>
    internal const uint RequestedVersion = 30;

    [StructLayout(LayoutKind.Sequential)]
    private struct OrtApiBase
    {
        public delegate* unmanaged<uint, IntPtr> GetApi;
        public delegate* unmanaged<IntPtr> GetVersionString;
    }

    [LibraryImport(OrtLibrary.Name)] private static partial OrtApiBase* OrtGetApiBase();

    /// <summary>Exported outside the table (provider bridge): loads libonnxruntime_providers_cuda.so.</summary>
    [LibraryImport(OrtLibrary.Name)]
    internal static partial IntPtr OrtSessionOptionsAppendExecutionProvider_CUDA(IntPtr options, int deviceId);

    private static readonly IntPtr* Table;
    private static readonly uint version;
    private static readonly string libraryVersion = "?";
    // Set instead of throwing from the static constructor, which would surface as an opaque TypeInitializationException.
    private static readonly OnnxRuntimeException? LoadError;

    /// <summary>The OrtApi version obtained (the highest this library supports, at most <see cref="RequestedVersion"/>).</summary>
    internal static uint Version => Table != null ? version : throw LoadError!;
    /// <summary>The library's own version string, e.g. "1.30.0".</summary>
    internal static string LibraryVersion => Table != null ? libraryVersion : throw LoadError!;

    static OrtApi()
    {
        OrtApiBase* b;
        try { b = OrtGetApiBase(); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            LoadError = new OnnxRuntimeException(0, $"cannot load {OrtLibrary.FileName} ({e.Message}); run scripts/setup.sh, which " +
                "fetches it into artifacts/native/ and the build copies it next to the application, or set CDSR_ONNXRUNTIME_LIB to its path", "OrtGetApiBase");
            return;
        }
        libraryVersion = Marshal.PtrToStringUTF8(b->GetVersionString()) ?? "?";
        for (uint v = RequestedVersion; v >= 3; v--)
        {
            IntPtr t = b->GetApi(v);
            if (t != IntPtr.Zero) { Table = (IntPtr*)t; version = v; return; }
        }
        LoadError = new OnnxRuntimeException(0, $"onnxruntime {libraryVersion} offers no OrtApi version between 3 and {RequestedVersion}", "GetApi");
    }

    // ---- indices into struct OrtApi -------------------------------------------------------------
    private const int iGetErrorCode = 1, iGetErrorMessage = 2, iCreateEnv = 3, iCreateSession = 7,
        iCreateSessionFromArray = 8, iRun = 9, iCreateSessionOptions = 10, iSetSessionGraphOptimizationLevel = 23,
        iSetIntraOpNumThreads = 24, iSetInterOpNumThreads = 25, iSessionGetInputCount = 30, iSessionGetOutputCount = 31,
        iSessionGetInputTypeInfo = 33, iSessionGetOutputTypeInfo = 34, iSessionGetInputName = 36,
        iSessionGetOutputName = 37, iSessionGetModelMetadata = 111, iModelMetadataGetProducerName = 112,
        iModelMetadataGetGraphName = 113, iModelMetadataLookupCustomMetadataMap = 116, iReleaseModelMetadata = 118,
        iModelMetadataGetCustomMetadataMapKeys = 123, iCreateTensorWithDataAsOrtValue = 49, iGetTensorMutableData = 51,
        iCastTypeInfoToTensorInfo = 55, iGetTensorElementType = 60, iGetDimensionsCount = 61, iGetDimensions = 62,
        iGetSymbolicDimensions = 63, iGetTensorTypeAndShape = 65, iCreateCpuMemoryInfo = 69, iAllocatorFree = 76,
        iGetAllocatorWithDefaultOptions = 78, iReleaseEnv = 92, iReleaseStatus = 93, iReleaseMemoryInfo = 94,
        iReleaseSession = 95, iReleaseValue = 96, iReleaseTypeInfo = 98, iReleaseTensorTypeAndShapeInfo = 99,
        iReleaseSessionOptions = 100, iGetAvailableProviders = 125, iReleaseAvailableProviders = 126;

    private static IntPtr F(int index) => Table != null ? Table[index] : throw LoadError!;

    // ---- status -----------------------------------------------------------------------------------
    /// <summary>Throws the status's code and message (and releases it) when <paramref name="status"/> is non-null.</summary>
    internal static void Check(IntPtr status, string function)
    {
        if (status == IntPtr.Zero) return;
        int code = ((delegate* unmanaged<IntPtr, int>)F(iGetErrorCode))(status);
        string msg = Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr, IntPtr>)F(iGetErrorMessage))(status)) ?? "(no message)";
        ((delegate* unmanaged<IntPtr, void>)F(iReleaseStatus))(status);
        throw new OnnxRuntimeException(code, msg, function);
    }

    // ---- environment, options ---------------------------------------------------------------------
    internal static IntPtr CreateEnv(int logLevel, string logId)
    {
        IntPtr id = Marshal.StringToCoTaskMemUTF8(logId), env;
        try { Check(((delegate* unmanaged<int, IntPtr, IntPtr*, IntPtr>)F(iCreateEnv))(logLevel, id, &env), "CreateEnv"); }
        finally { Marshal.FreeCoTaskMem(id); }
        return env;
    }

    internal static IntPtr CreateSessionOptions()
    {
        IntPtr o;
        Check(((delegate* unmanaged<IntPtr*, IntPtr>)F(iCreateSessionOptions))(&o), "CreateSessionOptions");
        return o;
    }

    internal static void SetGraphOptimizationLevel(IntPtr o, int level) =>
        Check(((delegate* unmanaged<IntPtr, int, IntPtr>)F(iSetSessionGraphOptimizationLevel))(o, level), "SetSessionGraphOptimizationLevel");

    internal static void SetIntraOpNumThreads(IntPtr o, int n) =>
        Check(((delegate* unmanaged<IntPtr, int, IntPtr>)F(iSetIntraOpNumThreads))(o, n), "SetIntraOpNumThreads");

    internal static void SetInterOpNumThreads(IntPtr o, int n) =>
        Check(((delegate* unmanaged<IntPtr, int, IntPtr>)F(iSetInterOpNumThreads))(o, n), "SetInterOpNumThreads");

    internal static string[] GetAvailableProviders()
    {
        IntPtr* list; int n;
        Check(((delegate* unmanaged<IntPtr**, int*, IntPtr>)F(iGetAvailableProviders))(&list, &n), "GetAvailableProviders");
        try
        {
            var r = new string[n];
            for (int i = 0; i < n; i++) r[i] = Marshal.PtrToStringUTF8(list[i]) ?? "";
            return r;
        }
        finally { Check(((delegate* unmanaged<IntPtr*, int, IntPtr>)F(iReleaseAvailableProviders))(list, n), "ReleaseAvailableProviders"); }
    }

    // ---- session ------------------------------------------------------------------------------------
    internal static IntPtr CreateSession(IntPtr env, string path, IntPtr options)
    {
        IntPtr p = Marshal.StringToCoTaskMemUTF8(path), s;
        try { Check(((delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr*, IntPtr>)F(iCreateSession))(env, p, options, &s), "CreateSession"); }
        finally { Marshal.FreeCoTaskMem(p); }
        return s;
    }

    internal static IntPtr CreateSessionFromArray(IntPtr env, ReadOnlySpan<byte> model, IntPtr options)
    {
        IntPtr s;
        fixed (byte* d = model)
            Check(((delegate* unmanaged<IntPtr, byte*, nuint, IntPtr, IntPtr*, IntPtr>)F(iCreateSessionFromArray))(env, d, (nuint)model.Length, options, &s), "CreateSessionFromArray");
        return s;
    }

    internal static int SessionInputCount(IntPtr s)
    {
        nuint n;
        Check(((delegate* unmanaged<IntPtr, nuint*, IntPtr>)F(iSessionGetInputCount))(s, &n), "SessionGetInputCount");
        return checked((int)n);
    }

    internal static int SessionOutputCount(IntPtr s)
    {
        nuint n;
        Check(((delegate* unmanaged<IntPtr, nuint*, IntPtr>)F(iSessionGetOutputCount))(s, &n), "SessionGetOutputCount");
        return checked((int)n);
    }

    internal static string SessionName(IntPtr s, int index, bool input)
    {
        IntPtr alloc, name;
        Check(((delegate* unmanaged<IntPtr*, IntPtr>)F(iGetAllocatorWithDefaultOptions))(&alloc), "GetAllocatorWithDefaultOptions");
        int fn = input ? iSessionGetInputName : iSessionGetOutputName;
        Check(((delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr>)F(fn))(s, (nuint)index, alloc, &name), input ? "SessionGetInputName" : "SessionGetOutputName");
        try { return Marshal.PtrToStringUTF8(name) ?? ""; }
        finally { Check(((delegate* unmanaged<IntPtr, IntPtr, IntPtr>)F(iAllocatorFree))(alloc, name), "AllocatorFree"); }
    }

    /// <summary>Element type and dims (-1 for a dynamic axis) plus the symbolic names of a session input/output.</summary>
    internal static (int ElementType, long[] Dims, string?[] Symbols) SessionTypeInfo(IntPtr s, int index, bool input)
    {
        IntPtr typeInfo;
        int fn = input ? iSessionGetInputTypeInfo : iSessionGetOutputTypeInfo;
        Check(((delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)F(fn))(s, (nuint)index, &typeInfo), input ? "SessionGetInputTypeInfo" : "SessionGetOutputTypeInfo");
        try
        {
            IntPtr info; // owned by typeInfo: not released separately
            Check(((delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)F(iCastTypeInfoToTensorInfo))(typeInfo, &info), "CastTypeInfoToTensorInfo");
            if (info == IntPtr.Zero) return (0, [], []); // not a tensor (sequence/map): reported as element type 0
            var (et, dims) = ShapeOf(info);
            var syms = new IntPtr[dims.Length];
            fixed (IntPtr* p = syms)
                Check(((delegate* unmanaged<IntPtr, IntPtr*, nuint, IntPtr>)F(iGetSymbolicDimensions))(info, p, (nuint)dims.Length), "GetSymbolicDimensions");
            var names = syms.Select(p => Marshal.PtrToStringUTF8(p) is { Length: > 0 } n ? n : null).ToArray();
            return (et, dims, names);
        }
        finally { ((delegate* unmanaged<IntPtr, void>)F(iReleaseTypeInfo))(typeInfo); }
    }

    private static (int ElementType, long[] Dims) ShapeOf(IntPtr tensorInfo)
    {
        int et; nuint n;
        Check(((delegate* unmanaged<IntPtr, int*, IntPtr>)F(iGetTensorElementType))(tensorInfo, &et), "GetTensorElementType");
        Check(((delegate* unmanaged<IntPtr, nuint*, IntPtr>)F(iGetDimensionsCount))(tensorInfo, &n), "GetDimensionsCount");
        var dims = new long[(int)n];
        fixed (long* d = dims)
            Check(((delegate* unmanaged<IntPtr, long*, nuint, IntPtr>)F(iGetDimensions))(tensorInfo, d, n), "GetDimensions");
        return (et, dims);
    }

    internal static void Run(IntPtr session, IntPtr* inputNames, IntPtr* inputs, int inputCount,
        IntPtr* outputNames, int outputCount, IntPtr* outputs) =>
        Check(((delegate* unmanaged<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr>)F(iRun))(
            session, IntPtr.Zero, inputNames, inputs, (nuint)inputCount, outputNames, (nuint)outputCount, outputs), "Run");

    /// <summary>ModelProto's producer_name, graph name and metadata_props as ORT parsed them.</summary>
    internal static (string Producer, string Graph, Dictionary<string, string> Props) SessionModelMetadata(IntPtr s)
    {
        IntPtr alloc, meta;
        Check(((delegate* unmanaged<IntPtr*, IntPtr>)F(iGetAllocatorWithDefaultOptions))(&alloc), "GetAllocatorWithDefaultOptions");
        Check(((delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)F(iSessionGetModelMetadata))(s, &meta), "SessionGetModelMetadata");
        try
        {
            IntPtr a = alloc;
            string Take(IntPtr p) => TakeString(a, p);
            IntPtr v;
            Check(((delegate* unmanaged<IntPtr, IntPtr, IntPtr*, IntPtr>)F(iModelMetadataGetProducerName))(meta, alloc, &v), "ModelMetadataGetProducerName");
            string producer = Take(v);
            Check(((delegate* unmanaged<IntPtr, IntPtr, IntPtr*, IntPtr>)F(iModelMetadataGetGraphName))(meta, alloc, &v), "ModelMetadataGetGraphName");
            string graph = Take(v);
            IntPtr* keys; long n;
            Check(((delegate* unmanaged<IntPtr, IntPtr, IntPtr**, long*, IntPtr>)F(iModelMetadataGetCustomMetadataMapKeys))(meta, alloc, &keys, &n), "ModelMetadataGetCustomMetadataMapKeys");
            var props = new Dictionary<string, string>(StringComparer.Ordinal);
            if (keys != null)
            {
                try
                {
                    for (long i = 0; i < n; i++)
                    {
                        string key = Marshal.PtrToStringUTF8(keys[i]) ?? "";
                        Check(((delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr*, IntPtr>)F(iModelMetadataLookupCustomMetadataMap))(meta, alloc, keys[i], &v), "ModelMetadataLookupCustomMetadataMap");
                        props[key] = Take(v);
                    }
                }
                finally
                {
                    for (long i = 0; i < n; i++) Take(keys[i]);
                    Take((IntPtr)keys);
                }
            }
            return (producer, graph, props);
        }
        finally { ((delegate* unmanaged<IntPtr, void>)F(iReleaseModelMetadata))(meta); }
    }

    /// <summary>Copies an allocator-owned UTF-8 string and frees it with that allocator.</summary>
    private static string TakeString(IntPtr alloc, IntPtr p)
    {
        if (p == IntPtr.Zero) return "";
        try { return Marshal.PtrToStringUTF8(p) ?? ""; }
        finally { Check(((delegate* unmanaged<IntPtr, IntPtr, IntPtr>)F(iAllocatorFree))(alloc, p), "AllocatorFree"); }
    }

    // ---- values ---------------------------------------------------------------------------------------
    internal static IntPtr CreateCpuMemoryInfo()
    {
        IntPtr m;
        // OrtAllocatorType.OrtArenaAllocator = 1, OrtMemType.OrtMemTypeDefault = 0
        Check(((delegate* unmanaged<int, int, IntPtr*, IntPtr>)F(iCreateCpuMemoryInfo))(1, 0, &m), "CreateCpuMemoryInfo");
        return m;
    }

    /// <summary>An OrtValue over caller memory (not copied, not owned): the memory must stay pinned until released.</summary>
    internal static IntPtr CreateTensorWithData(IntPtr memInfo, void* data, long byteLength, ReadOnlySpan<long> shape, int elementType)
    {
        IntPtr v;
        fixed (long* s = shape)
            Check(((delegate* unmanaged<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)F(iCreateTensorWithDataAsOrtValue))(
                memInfo, data, (nuint)byteLength, s, (nuint)shape.Length, elementType, &v), "CreateTensorWithDataAsOrtValue");
        return v;
    }

    internal static (int ElementType, long[] Dims) ValueShape(IntPtr value)
    {
        IntPtr info;
        Check(((delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)F(iGetTensorTypeAndShape))(value, &info), "GetTensorTypeAndShape");
        try { return ShapeOf(info); }
        finally { ((delegate* unmanaged<IntPtr, void>)F(iReleaseTensorTypeAndShapeInfo))(info); }
    }

    internal static void* TensorData(IntPtr value)
    {
        void* p;
        Check(((delegate* unmanaged<IntPtr, void**, IntPtr>)F(iGetTensorMutableData))(value, &p), "GetTensorMutableData");
        return p;
    }

    // ---- release ----------------------------------------------------------------------------------------
    internal static void ReleaseEnv(IntPtr p) => ((delegate* unmanaged<IntPtr, void>)F(iReleaseEnv))(p);
    internal static void ReleaseMemoryInfo(IntPtr p) => ((delegate* unmanaged<IntPtr, void>)F(iReleaseMemoryInfo))(p);
    internal static void ReleaseSession(IntPtr p) => ((delegate* unmanaged<IntPtr, void>)F(iReleaseSession))(p);
    internal static void ReleaseValue(IntPtr p) => ((delegate* unmanaged<IntPtr, void>)F(iReleaseValue))(p);
    internal static void ReleaseSessionOptions(IntPtr p) => ((delegate* unmanaged<IntPtr, void>)F(iReleaseSessionOptions))(p);
}
