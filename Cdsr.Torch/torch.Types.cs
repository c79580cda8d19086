namespace Cdsr.Torch;

public static partial class torch
{
    /// <summary>Element types; the values are libtorch's c10::ScalarType codes, as in TorchSharp.</summary>
    public enum ScalarType : sbyte
    {
        Byte = 0, Int8 = 1, Int16 = 2, Int32 = 3, Int64 = 4, Float16 = 5, Float32 = 6, Float64 = 7, Bool = 11, BFloat16 = 15,
    }

    public const ScalarType uint8 = ScalarType.Byte;
    public const ScalarType int8 = ScalarType.Int8;
    public const ScalarType int16 = ScalarType.Int16;
    public const ScalarType int32 = ScalarType.Int32;
    public const ScalarType int64 = ScalarType.Int64;
    public const ScalarType float16 = ScalarType.Float16;
    public const ScalarType float32 = ScalarType.Float32;
    public const ScalarType float64 = ScalarType.Float64;
    public const ScalarType @bool = ScalarType.Bool;
    public const ScalarType bfloat16 = ScalarType.BFloat16;

    public enum DeviceType { CPU = 0, CUDA = 1 }

    /// <summary>Where a tensor lives: the CPU, or a CUDA device (index -1 = the current one).</summary>
    public sealed record Device(DeviceType type, int index = -1)
    {
        public override string ToString() => type == DeviceType.CPU ? "cpu" : index < 0 ? "cuda" : $"cuda:{index}";
    }

    public static readonly Device CPU = new(DeviceType.CPU);
    public static readonly Device CUDA = new(DeviceType.CUDA);

    /// <summary>Parses "cpu", "cuda" or "cuda:N".</summary>
    public static Device device(string spec)
    {
        var s = spec.Trim().ToLowerInvariant();
        if (s == "cpu") return CPU;
        if (s == "cuda") return CUDA;
        if (s.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(s.AsSpan(5), out var i) && i >= 0) return new Device(DeviceType.CUDA, i);
        throw new ArgumentException($"unknown device '{spec}': expected cpu, cuda or cuda:N", nameof(spec));
    }

    public static class cuda
    {
        /// <summary>True when the libtorch this binding was built against can use a CUDA device.</summary>
        public static bool is_available() => Native.LibCdsrTorch.cdsr_cuda_is_available() == 1;
    }

    internal static int ElementSize(ScalarType t) => t switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown scalar type"),
    };

    internal static ScalarType ScalarTypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32 :
        typeof(T) == typeof(double) ? ScalarType.Float64 :
        typeof(T) == typeof(long) ? ScalarType.Int64 :
        typeof(T) == typeof(int) ? ScalarType.Int32 :
        typeof(T) == typeof(bool) ? ScalarType.Bool :
        typeof(T) == typeof(byte) ? ScalarType.Byte :
        typeof(T) == typeof(short) ? ScalarType.Int16 :
        typeof(T) == typeof(sbyte) ? ScalarType.Int8 :
        throw new NotSupportedException($"no tensor element type for {typeof(T).Name}");
}
