namespace Cdsr.Onnx.Runtime;

/// <summary>Which execution provider a session should use.</summary>
public enum OnnxExecutionProvider
{
    /// <summary>CUDA when the build references Microsoft.ML.OnnxRuntime.Gpu (-p:CdsrCuda=true) and CUDA can be enabled
    /// (the CUDA 13 libraries, a driver and a GPU); else CPU, with <see cref="OnnxSession.ProviderMessage"/> saying why.</summary>
    Auto,
    /// <summary>ORT's CPU provider only.</summary>
    Cpu,
    /// <summary>CUDA, or an error when it cannot be enabled.</summary>
    Cuda,
}

/// <summary>ORT GraphOptimizationLevel values (the package's enum has the same numbers).</summary>
public enum OnnxGraphOptimization { Disabled = 0, Basic = 1, Extended = 2, All = 99 }

/// <summary>Session settings; every default in one place.</summary>
public sealed record OnnxSessionOptions
{
    /// <summary>Threads used inside one operator (0 = ORT's default: one per physical core).</summary>
    public int IntraOpThreads { get; init; }
    /// <summary>Threads used across independent operators (0 = ORT's default; only used by parallel execution).</summary>
    public int InterOpThreads { get; init; }
    /// <summary>Graph rewrites applied at load (constant folding, fusions); All is ORT's default.</summary>
    public OnnxGraphOptimization Optimization { get; init; } = OnnxGraphOptimization.All;
    /// <summary>Execution provider selection (Auto: CUDA if available, else CPU).</summary>
    public OnnxExecutionProvider Provider { get; init; } = OnnxExecutionProvider.Auto;
    /// <summary>CUDA device ordinal when CUDA is used.</summary>
    public int CudaDeviceId { get; init; }

    internal void Validate()
    {
        if (IntraOpThreads < 0) throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "must be >= 0 (0 = ORT default)");
        if (InterOpThreads < 0) throw new ArgumentOutOfRangeException(nameof(InterOpThreads), InterOpThreads, "must be >= 0 (0 = ORT default)");
        if (!Enum.IsDefined(Optimization)) throw new ArgumentOutOfRangeException(nameof(Optimization), Optimization, "unknown optimization level");
        if (CudaDeviceId < 0) throw new ArgumentOutOfRangeException(nameof(CudaDeviceId), CudaDeviceId, "must be >= 0");
    }
}
