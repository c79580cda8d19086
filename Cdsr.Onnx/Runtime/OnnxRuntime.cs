using Microsoft.ML.OnnxRuntime;

namespace Cdsr.Onnx.Runtime;

/// <summary>
/// Process-wide ONNX Runtime facts, read from the Microsoft.ML.OnnxRuntime package's single <see cref="OrtEnv"/>
/// (ORT wants one environment per process; the package creates it on first use and keeps it until exit).
/// </summary>
public static class OnnxRuntime
{
    /// <summary>The NuGet package this build references (its native library is the one loaded).</summary>
    public const string PackageName =
#if CDSR_CUDA
        "Microsoft.ML.OnnxRuntime.Gpu";
#else
        "Microsoft.ML.OnnxRuntime";
#endif

    /// <summary>ORT's version string, e.g. "1.32.0".</summary>
    public static string LibraryVersion => Env.GetVersionString();

    /// <summary>Execution providers compiled into the loaded library (e.g. "CPUExecutionProvider", "CUDAExecutionProvider").</summary>
    public static IReadOnlyList<string> AvailableProviders => Env.GetAvailableProviders();

    /// <summary>The package's environment; the first use loads libonnxruntime.so and turns a load failure into
    /// <see cref="OnnxRuntimeException"/> instead of a TypeInitializationException.</summary>
    internal static OrtEnv Env
    {
        get
        {
            try { return OrtEnv.Instance(); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
            {
                throw new OnnxRuntimeException(0, $"cannot load ONNX Runtime's native library from the {PackageName} package " +
                    $"({(e.InnerException ?? e).Message}); it restores with the package into runtimes/<rid>/native/ next to the application", "OrtEnv");
            }
        }
    }
}
