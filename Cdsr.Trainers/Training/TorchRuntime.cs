using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Training;

/// <summary>
/// Process-wide libtorch settings the trainer and evaluator apply once before their first step:
/// <list type="bullet">
/// <item>intra-op threads: <c>CDSR_NUM_THREADS</c> when set, else libtorch's own default (OMP_NUM_THREADS, else what
/// libtorch 2.10 detects: 2 on this 2-vCPU machine). libtorch's CPU reductions split work by thread count, so scores
/// differ in the last bits between thread counts: a seeded run repeats bit for bit at the same count. Waiting OpenMP
/// threads spin unless <c>OMP_WAIT_POLICY=PASSIVE</c>, which <c>./cdsr</c> and <c>scripts/test.sh</c> set (it must be
/// in the environment before libtorch loads).</item>
/// <item>allocator retention: up to <c>CDSR_MALLOC_RETENTION_MB</c> (default 1024) of freed heap stays mapped, so the
/// per-step embedding gradients, optimizer temporaries and evaluation gathers stop page-faulting fresh pages.</item>
/// </list>
/// Allocation reuse never changes values; a thread count is deterministic for that count only.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool applied;

    /// <summary>The thread count the last <see cref="Apply"/> chose (0 before it ran or when libtorch's default applies).</summary>
    public static int Threads { get; private set; }

    public static void Apply()
    {
        lock (Gate)
        {
            if (applied) return;
            applied = true;
            int threads = Parse("CDSR_NUM_THREADS", 0);
            if (threads > 0)
            {
                set_num_threads(threads);
                Threads = threads;
            }
            long mb = Parse("CDSR_MALLOC_RETENTION_MB", 1024);
            if (OperatingSystem.IsLinux()) SetMallocRetention(mb * 1024 * 1024);
        }
    }

    private const int M_TRIM_THRESHOLD = -1, M_TOP_PAD = -2, M_MMAP_THRESHOLD = -3;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int param, int value);

    /// <summary>glibc returns freed memory above the trim threshold to the kernel and serves blocks above the mmap
    /// threshold with fresh mappings, so every step's large tensors page-fault again. Keep up to <paramref name="bytes"/>
    /// of freed heap and take blocks up to glibc's 32 MiB ceiling from the heap (libtorch has no such setting).</summary>
    private static void SetMallocRetention(long bytes)
    {
        if (bytes <= 0) return;
        int keep = (int)Math.Min(bytes, int.MaxValue);
        if (Mallopt(M_TRIM_THRESHOLD, keep) != 1 || Mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) != 1 ||
            Mallopt(M_TOP_PAD, (int)Math.Min(bytes, 64L * 1024 * 1024)) != 1)
            throw new InvalidOperationException("mallopt failed: CDSR_MALLOC_RETENTION_MB could not be applied");
    }

    private static int Parse(string name, int fallback)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < 0)
            throw new ArgumentException($"environment variable {name}: expected a non-negative integer, got '{text}'");
        return v;
    }
}
