using System.Runtime.InteropServices;
using Cdsr.Onnx.Runtime.Native;

namespace Cdsr.Onnx.Runtime;

/// <summary>The native object kinds this binding owns; each has its own OrtApi Release function.</summary>
internal enum OrtKind { Env, MemoryInfo, SessionOptions, Session, Value }

/// <summary>
/// Owns one native ORT object and releases it with the matching OrtApi Release function exactly once.
/// A process-wide live counter per kind lets tests assert that nothing leaks (<see cref="OnnxRuntime.LiveHandles"/>).
/// </summary>
internal sealed class OrtHandle : SafeHandle
{
    private static readonly long[] Live = new long[5];
    private readonly OrtKind _kind;

    internal OrtHandle(IntPtr handle, OrtKind kind) : base(IntPtr.Zero, ownsHandle: true)
    {
        _kind = kind;
        SetHandle(handle);
        if (handle != IntPtr.Zero) Interlocked.Increment(ref Live[(int)kind]);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    internal static long LiveCount(OrtKind kind) => Interlocked.Read(ref Live[(int)kind]);

    protected override bool ReleaseHandle()
    {
        switch (_kind)
        {
            case OrtKind.Env: OrtApi.ReleaseEnv(handle); break;
            case OrtKind.MemoryInfo: OrtApi.ReleaseMemoryInfo(handle); break;
            case OrtKind.SessionOptions: OrtApi.ReleaseSessionOptions(handle); break;
            case OrtKind.Session: OrtApi.ReleaseSession(handle); break;
            case OrtKind.Value: OrtApi.ReleaseValue(handle); break;
        }
        Interlocked.Decrement(ref Live[(int)_kind]);
        return true;
    }
}
