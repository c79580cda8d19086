using Cdsr.Torch.Native;
using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Modules;

/// <summary>
/// A trainable leaf tensor owned by a module. It shares storage with the tensor it was made from but has its own
/// autograd identity (like <c>nn.Parameter(t)</c>), belongs to no dispose scope (the owning module disposes it), and keeps
/// its identity when the module moves to another device or dtype, so an optimizer built earlier stays valid.
/// </summary>
public sealed class Parameter : Tensor
{
    public Parameter(Tensor data, bool requires_grad = true) : base(TensorNative.cdsr_tensor_detach(data.Handle))
    {
        DetachFromDisposeScope();
        this.requires_grad = requires_grad;
    }

    /// <summary>Replaces the values (and possibly dtype/device) in place, keeping this object and requires_grad.</summary>
    internal void SetData(Tensor data) => LibCdsrTorch.Check(LibCdsrTorch.cdsr_nn_set_data(Handle, data.Handle));

    public override string ToString() => IsInvalid ? "Parameter(disposed)" : $"Parameter([{string.Join(", ", shape)}], {dtype}, {device})";
}
