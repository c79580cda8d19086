namespace Cdsr.Torch;

public static partial class torch
{
    // Creation with another tensor's shape, and by default its dtype and device (PyTorch's *_like functions).
    public static Tensor zeros_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        zeros(input.shape, dtype ?? input.dtype, device ?? input.device, requires_grad);
    public static Tensor ones_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        ones(input.shape, dtype ?? input.dtype, device ?? input.device, requires_grad);
    public static Tensor empty_like(Tensor input, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        empty(input.shape, dtype ?? input.dtype, device ?? input.device, requires_grad);
    public static Tensor full_like(Tensor input, double value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        full(input.shape, value, dtype ?? input.dtype, device ?? input.device, requires_grad);
    public static Tensor rand_like(Tensor input, ScalarType? dtype = null, Device? device = null) =>
        rand(input.shape, dtype ?? input.dtype, device ?? input.device);
    public static Tensor randn_like(Tensor input, ScalarType? dtype = null, Device? device = null) =>
        randn(input.shape, dtype ?? input.dtype, device ?? input.device);

    /// <summary>Sets gradient recording on this thread until disposed (<c>using (torch.set_grad_enabled(training)) ...</c>).</summary>
    public static IDisposable set_grad_enabled(bool enabled) => enabled ? enable_grad() : no_grad();
}
