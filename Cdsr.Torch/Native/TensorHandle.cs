using System.Runtime.InteropServices;

namespace Cdsr.Torch.Native;

/// <summary>Owns one native tensor handle; releasing it calls <c>cdsr_tensor_dispose</c> exactly once.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        TensorNative.cdsr_tensor_dispose(handle);
        return true;
    }
}
