using BenchmarkDotNet.Attributes;
using Cdsr.Torch;
using static Cdsr.Torch.torch;

namespace Cdsr.Benchmarks;

/// <summary>
/// The fixed cost of crossing the binding, on tensors too small for the arithmetic to matter: a native call that
/// does nothing, a status call (numel), a call returning a new handle (add + dispose), the same inside a dispose
/// scope, a scalar read (item), and an indexing view.
///   dotnet run -c Release --project Cdsr.Benchmarks -- --filter '*TensorBoundaryBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class TensorBoundaryBenchmarks
{
    private Tensor small = null!, scalar = null!;

    [GlobalSetup]
    public void Setup()
    {
        small = ones(4);
        scalar = tensor(1.5);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        small.Dispose();
        scalar.Dispose();
    }

    [Benchmark(Baseline = true, Description = "native no-op (get_num_threads)")]
    public int NativeNoOp() => get_num_threads();

    [Benchmark(Description = "status call (numel)")]
    public long StatusCall() => small.numel();

    [Benchmark(Description = "add(1) + Dispose")]
    public void AddAndDispose()
    {
        using var r = small.add(1.0);
    }

    [Benchmark(Description = "add(1) in a DisposeScope")]
    public void AddInScope()
    {
        using var scope = NewDisposeScope();
        small.add(1.0);
    }

    [Benchmark(Description = "item<float>()")]
    public float Item() => scalar.item<float>();

    [Benchmark(Description = "t[1] view + Dispose")]
    public void IndexView()
    {
        using var r = small[1];
    }
}
