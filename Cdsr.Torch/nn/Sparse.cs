using static Cdsr.Torch.Native.LibCdsrTorch;

namespace Cdsr.Torch;

public static partial class torch
{
    /// <summary>A coalesced sparse COO tensor: <paramref name="indices"/> int64 [ndim, nnz], <paramref name="values"/> [nnz],
    /// <paramref name="size"/> of ndim sizes. Duplicate coordinates are summed. Gradients flow to the values.</summary>
    public static unsafe Tensor sparse_coo_tensor(Tensor indices, Tensor values, long[] size)
    {
        fixed (long* p = size) return Tensor.FromNative(cdsr_sparse_coo_tensor(indices.Handle, values.Handle, p, size.Length));
    }

    /// <summary>Sparse tensor operations (torch.sparse).</summary>
    public static class sparse
    {
        /// <summary>sparse [n, m] (COO) x dense [m, k] -> dense [n, k]; gradient flows to <paramref name="dense"/> (e.g. GCN
        /// propagation A_hat X) and to the sparse values.</summary>
        public static Tensor mm(Tensor sparse, Tensor dense) => Tensor.FromNative(cdsr_sparse_mm(sparse.Handle, dense.Handle));

        /// <summary>A dense copy of a sparse tensor.</summary>
        public static Tensor to_dense(Tensor sparse) => Tensor.FromNative(cdsr_sparse_to_dense(sparse.Handle));
    }
}
