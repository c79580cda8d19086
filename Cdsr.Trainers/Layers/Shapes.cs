using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Layers;

/// <summary>
/// Shape checks before the operations whose shape errors would end the process. TorchSharp 0.107's
/// <c>Tensor.matmul</c> with mismatched shapes aborts the process (libtorch's c10::Error escapes:
/// "terminate called after throwing an instance of 'c10::Error'", exit 134), while mm, bmm, cat, view and
/// index_select raise a catchable exception. The project promises that a shape error never crashes the process, so
/// every matrix product goes through <see cref="MatMul"/>; <c>ShapeErrorTests</c> survives 10,000 bad calls.
/// </summary>
public static class Shapes
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="t"/> has <paramref name="dims"/> dimensions.</summary>
    public static void Expect(Tensor t, int dims, string what)
    {
        if (t.dim() != dims) throw new ArgumentException($"{what}: expected {dims} dimensions, got [{string.Join(", ", t.shape)}]");
    }

    /// <summary>torch.matmul for the cases the project uses ([.., n, k] x [.., k, m] with broadcast batch dimensions,
    /// or a vector on either side), after checking the shapes; a mismatch is an <see cref="ArgumentException"/> naming both.</summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        long[] x = a.shape, y = b.shape;
        string Both() => $"matmul: shapes [{string.Join(", ", x)}] and [{string.Join(", ", y)}] do not multiply";
        if (x.Length == 0 || y.Length == 0) throw new ArgumentException(Both() + " (0-d operand)");
        long inner = x[^1];
        long other = y.Length == 1 ? y[0] : y[^2];
        if (inner != other) throw new ArgumentException(Both());
        if (x.Length > 2 && y.Length > 2)
        {
            // batch dimensions broadcast from the right
            for (int i = 3; i <= Math.Min(x.Length, y.Length); i++)
            {
                long p = x[^i], q = y[^i];
                if (p != q && p != 1 && q != 1) throw new ArgumentException(Both() + " (batch dimensions differ)");
            }
        }
        return a.matmul(b);
    }
}
