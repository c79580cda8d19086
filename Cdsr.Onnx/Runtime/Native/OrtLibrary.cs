using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cdsr.Onnx.Runtime.Native;

/// <summary>
/// Locates and loads libonnxruntime.so.1. Search order: $CDSR_ONNXRUNTIME_LIB (a file path), the application
/// directory, this assembly's directory, then the system loader. .NET's own probing would look for
/// "libonnxruntime.so" (no ".1"), which the npm package does not ship, hence the resolver.
/// </summary>
internal static class OrtLibrary
{
    internal const string Name = "onnxruntime";
    internal const string FileName = "libonnxruntime.so.1";

    /// <summary>Full path of the loaded library, or null when the system loader found it by name.</summary>
    internal static string? LoadedPath { get; private set; }

#pragma warning disable CA2255 // a module initializer is the documented way to install a DllImport resolver early
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Install() => NativeLibrary.SetDllImportResolver(typeof(OrtLibrary).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Name) return IntPtr.Zero;
        foreach (var candidate in Candidates())
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var h)) { LoadedPath = candidate; return h; }
        return NativeLibrary.TryLoad(FileName, out var sys) ? sys : IntPtr.Zero;
    }

    private static IEnumerable<string> Candidates()
    {
        if (Environment.GetEnvironmentVariable("CDSR_ONNXRUNTIME_LIB") is { Length: > 0 } env) yield return env;
        yield return Path.Combine(AppContext.BaseDirectory, FileName);
        if (Path.GetDirectoryName(typeof(OrtLibrary).Assembly.Location) is { Length: > 0 } dir) yield return Path.Combine(dir, FileName);
    }
}
