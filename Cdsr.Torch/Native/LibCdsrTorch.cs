using System.Runtime.InteropServices;

namespace Cdsr.Torch.Native;

/// <summary>
/// The shim's common exports and the error protocol: every native call that can fail returns a sentinel
/// (a null handle or a non-zero status), after which the thread-local message is read and thrown as a
/// <see cref="TorchException"/>. Every wrapper in this folder goes through <see cref="Check(int)"/> or
/// <see cref="CheckHandle(IntPtr)"/>; none returns a native failure silently.
/// </summary>
internal static partial class LibCdsrTorch
{
    internal const string Library = "cdsr_torch";

    [LibraryImport(Library)] private static partial IntPtr cdsr_last_error();
    [LibraryImport(Library)] internal static partial long cdsr_tensor_live_count();
    [LibraryImport(Library)] private static partial IntPtr cdsr_torch_version();
    [LibraryImport(Library)] internal static partial int cdsr_cuda_is_available();
    [LibraryImport(Library)] internal static partial int cdsr_set_num_threads(int n);
    [LibraryImport(Library)] internal static partial int cdsr_get_num_threads();
    [LibraryImport(Library)] internal static partial int cdsr_set_malloc_retention(long bytes);

    internal static string LastError() => Marshal.PtrToStringUTF8(cdsr_last_error()) ?? "(no message)";

    internal static string TorchVersion() => Marshal.PtrToStringUTF8(cdsr_torch_version()) ?? "";

    /// <summary>Throws the thread's native error when <paramref name="status"/> is non-zero.</summary>
    internal static void Check(int status)
    {
        if (status != 0) throw new TorchException(LastError());
    }

    /// <summary>Throws the thread's native error when <paramref name="handle"/> is null; else returns it.</summary>
    internal static IntPtr CheckHandle(IntPtr handle)
    {
        if (handle == IntPtr.Zero) throw new TorchException(LastError());
        return handle;
    }
}
