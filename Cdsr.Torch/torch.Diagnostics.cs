using static Cdsr.Torch.Native.LibCdsrTorch;

namespace Cdsr.Torch;

public static partial class torch
{
    /// <summary>
    /// True when libtorch records a C++ backtrace for each error it raises. The native shim turns this off when it
    /// loads (a backtrace costs milliseconds per error and TorchException messages never include it) unless the
    /// environment sets CDSR_CPP_BACKTRACES=1 before the first native call.
    /// </summary>
    public static bool cpp_backtraces_enabled
    {
        get
        {
            var v = cdsr_cpp_backtraces_enabled();
            if (v < 0) throw new TorchException(LastError());
            return v == 1;
        }
    }

    /// <summary>
    /// Mean wall time in nanoseconds of one <c>at::matmul(a, b)</c> called <paramref name="iterations"/> times in a C++
    /// loop (no binding in between, grad mode off): the reference for the binding's matmul benchmark.
    /// </summary>
    public static double bench_matmul_direct_ns(Tensor a, Tensor b, int iterations)
    {
        Check(cdsr_bench_matmul_direct(a.Handle, b.Handle, iterations, out var ns));
        return ns;
    }
}
