using System.Runtime.InteropServices;

namespace Cdsr.Torch.Native;

/// <summary>P/Invoke declarations for native/include/cdsr_optim.h. State slot arrays are in/out: a zero entry may
/// come back holding a new handle the caller owns (see <c>Optimizer.RunNative</c>).</summary>
internal static partial class LibCdsrTorch
{
    [LibraryImport(Library)]
    internal static unsafe partial int cdsr_optim_adam_step(IntPtr* parameters, IntPtr* expAvg, IntPtr* expAvgSq, IntPtr* maxExpAvgSq,
        long* steps, int n, double lr, double beta1, double beta2, double eps, double weightDecay, int decoupled, int amsgrad);

    [LibraryImport(Library)]
    internal static unsafe partial int cdsr_optim_sgd_step(IntPtr* parameters, IntPtr* momentumBuffer, long* steps, int n,
        double lr, double momentum, double dampening, double weightDecay, int nesterov);

    [LibraryImport(Library)] internal static unsafe partial int cdsr_optim_zero_grad(IntPtr* parameters, int n, int setToNone);

    [LibraryImport(Library)]
    internal static unsafe partial int cdsr_optim_clip_grad_norm(IntPtr* parameters, int n, double maxNorm, double normType, out double totalNorm);

    [LibraryImport(Library)] internal static unsafe partial int cdsr_optim_clip_grad_value(IntPtr* parameters, int n, double clipValue);
}
