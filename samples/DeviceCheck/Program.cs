// Runs the same computations on the CPU and on a chosen device (default cuda) through TorchSharp and
// compares the results: forward values and autograd gradients must agree within float32 tolerance.
// Usage: DeviceCheck [cuda|cuda:N|cpu]. Exit code 0 = all checks agree, 1 = a mismatch, 2 = device unavailable.
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

var spec = args.Length > 0 ? args[0] : "cuda";
var target = device(spec);
Console.WriteLine($"libtorch {__version__}, cuda available: {cuda.is_available()}, target: {target}");
if (target.type == DeviceType.CUDA && !cuda.is_available())
{
    Console.Error.WriteLine("DeviceCheck: CUDA requested but this libtorch reports no CUDA device");
    return 2;
}

int failures = 0;
void Compare(string what, float[] a, float[] b, double tol)
{
    double worst = 0;
    for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]) / Math.Max(1.0, Math.Abs(a[i])));
    var ok = a.Length == b.Length && worst <= tol;
    if (!ok) failures++;
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}: {a.Length} values, max relative difference {worst:E2} (tolerance {tol:E0})");
}

(float[] y, float[] ga, float[] gb) Run(Device d)
{
    using var scope = NewDisposeScope();
    manual_seed(7);
    var a0 = randn(new long[] { 64, 128 });
    var b0 = randn(new long[] { 128, 32 });
    var a = a0.to(d).detach().requires_grad_();
    var b = b0.to(d).detach().requires_grad_();
    var y = (a.matmul(b).tanh() * 2.0 + a.matmul(b).sigmoid()).exp();
    y.backward([ones(new long[] { 64, 32 }).to(d)]);
    return (y.cpu().data<float>().ToArray(), a.grad!.cpu().data<float>().ToArray(), b.grad!.cpu().data<float>().ToArray());
}

var cpuRun = Run(CPU);
var devRun = Run(target);
Compare("forward", cpuRun.y, devRun.y, 1e-4);
Compare("grad a", cpuRun.ga, devRun.ga, 1e-4);
Compare("grad b", cpuRun.gb, devRun.gb, 1e-4);

// Shape errors on the device surface as an exception, not a crash (mm: TorchSharp 0.107's matmul aborts the process).
try
{
    using var x = zeros(new long[] { 2, 3 }, device: target);
    using var z = zeros(new long[] { 4, 5 }, device: target);
    using var bad = x.mm(z);
    failures++;
    Console.WriteLine("FAIL shape error was not raised");
}
catch (System.Runtime.InteropServices.ExternalException e)
{
    Console.WriteLine($"ok   shape error raised on {target}: {e.Message.Split('\n')[0]}");
}

// Throughput of a 4096^3 float32 matmul on the device (synchronised by copying one element back).
{
    using var scope = NewDisposeScope();
    const long n = 4096;
    var a = randn(new long[] { n, n }, device: target);
    var b = randn(new long[] { n, n }, device: target);
    for (int i = 0; i < 3; i++) a.matmul(b).sum_first();
    const int iters = 20;
    var sw = Stopwatch.StartNew();
    Tensor? last = null;
    for (int i = 0; i < iters; i++) last = a.matmul(b);
    last!.sum_first();
    sw.Stop();
    var s = sw.Elapsed.TotalSeconds / iters;
    Console.WriteLine($"matmul {n}x{n} float32 on {target}: {s * 1e3:F3} ms/call, {2.0 * n * n * n / s / 1e12:F2} TFLOP/s (TF32 off unless libtorch enables it)");
}

Console.WriteLine(failures == 0 ? "DeviceCheck: all checks agree" : $"DeviceCheck: {failures} check(s) failed");
return failures == 0 ? 0 : 1;

static class Sync
{
    // Copies one element to the host, which waits for the device's queued work.
    public static float sum_first(this Tensor t)
    {
        using var flat = t.contiguous();
        using var one = flat.cpu();
        return one.data<float>()[0];
    }
}
