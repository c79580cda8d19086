using Cdsr.Onnx.Runtime.Native;

namespace Cdsr.Onnx.Runtime;

/// <summary>
/// Process-wide ONNX Runtime state: the library, its OrtApi version, the single OrtEnv (ORT wants one per
/// process; it lives until exit) and the CPU memory description used for input tensors.
/// </summary>
public static class OnnxRuntime
{
    /// <summary>ORT's version string, e.g. "1.30.0".</summary>
    public static string LibraryVersion => OrtApi.LibraryVersion;

    /// <summary>The OrtApi table version in use.</summary>
    public static uint ApiVersion => OrtApi.Version;

    /// <summary>Path libonnxruntime.so.1 was loaded from (null if found by the system loader or not loaded yet).</summary>
    public static string? LibraryPath => OrtLibrary.LoadedPath;

    /// <summary>Execution providers compiled into the library (e.g. "CPUExecutionProvider", "CUDAExecutionProvider").</summary>
    public static IReadOnlyList<string> AvailableProviders => OrtApi.GetAvailableProviders();

    private static readonly Lazy<OrtHandle> EnvHandle = new(() => new OrtHandle(OrtApi.CreateEnv(2 /* WARNING */, "cdsr"), OrtKind.Env));
    private static readonly Lazy<OrtHandle> CpuMemory = new(() => new OrtHandle(OrtApi.CreateCpuMemoryInfo(), OrtKind.MemoryInfo));

    internal static OrtHandle Env => EnvHandle.Value;
    internal static OrtHandle CpuMemoryInfo => CpuMemory.Value;

    /// <summary>
    /// Native objects created by this binding and not yet released (sessions, session options, tensor values);
    /// the process-wide environment and memory description are not counted. Zero when nothing leaks.
    /// </summary>
    public static long LiveHandles =>
        OrtHandle.LiveCount(OrtKind.Session) + OrtHandle.LiveCount(OrtKind.SessionOptions) + OrtHandle.LiveCount(OrtKind.Value);

    /// <summary>The directory holding the loaded libonnxruntime.so.1 (where ORT also looks for provider libraries).</summary>
    internal static string LibraryDirectory
    {
        get
        {
            _ = OrtApi.Version; // forces the library load, which sets LoadedPath
            return Path.GetDirectoryName(OrtLibrary.LoadedPath) ?? AppContext.BaseDirectory;
        }
    }
}
