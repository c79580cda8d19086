using System.Runtime.InteropServices;

namespace Cdsr.Torch.Native;

/// <summary>P/Invoke declarations for native/include/cdsr_nn.h. Optional tensors travel as IntPtr (zero when absent);
/// callers keep them alive across the call with <see cref="Opt"/> + <c>GC.KeepAlive</c>. Returned handles are owned by
/// the caller and are wrapped at once (<c>Tensor.FromNative</c>).</summary>
internal static partial class LibCdsrTorch
{
    /// <summary>The raw handle of an optional tensor, or zero. Keep the tensor alive until the native call returns.</summary>
    internal static IntPtr Opt(torch.Tensor? t) => t is null ? IntPtr.Zero : t.Handle.DangerousGetHandle();

    // activations
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_gelu(TensorHandle x, int approximate);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_leaky_relu(TensorHandle x, double negativeSlope);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_elu(TensorHandle x, double alpha);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_softmax(TensorHandle x, long dim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_log_softmax(TensorHandle x, long dim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_normalize(TensorHandle x, double p, long dim, double eps);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_logsigmoid(TensorHandle x);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_softplus(TensorHandle x, double beta, double threshold);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_silu(TensorHandle x);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_cosine_similarity(TensorHandle x1, TensorHandle x2, long dim, double eps);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_one_hot(TensorHandle indices, long numClasses);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_dropout(TensorHandle x, double p, int training);

    // layers
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_linear(TensorHandle x, TensorHandle weight, IntPtr bias);
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_nn_layer_norm(TensorHandle x, long* shape, int ndim, IntPtr weight, IntPtr bias, double eps);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_embedding(TensorHandle weight, TensorHandle indices, long paddingIdx);

    // losses
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_cross_entropy(TensorHandle input, TensorHandle target, IntPtr weight, long ignoreIndex, int reduction, double labelSmoothing);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_nll_loss(TensorHandle input, TensorHandle target, IntPtr weight, long ignoreIndex, int reduction);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_binary_cross_entropy_with_logits(TensorHandle input, TensorHandle target, IntPtr weight, IntPtr posWeight, int reduction);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_binary_cross_entropy(TensorHandle input, TensorHandle target, IntPtr weight, int reduction);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_mse_loss(TensorHandle input, TensorHandle target, int reduction);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_kl_div_diag_gaussian(TensorHandle muQ, TensorHandle logvarQ, TensorHandle muP, TensorHandle logvarP, int reduction);

    // attention
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_scaled_dot_product_attention(TensorHandle q, TensorHandle k, TensorHandle v, IntPtr attnMask, double dropoutP, int isCausal, int training);
    [LibraryImport(Library)] internal static partial int cdsr_nn_multi_head_attention(TensorHandle q, TensorHandle k, TensorHandle v, long numHeads,
        TensorHandle inProjWeight, IntPtr inProjBias, TensorHandle outProjWeight, IntPtr outProjBias, IntPtr keyPaddingMask, IntPtr attnMask,
        double dropoutP, int training, int needWeights, int averageWeights, int batchFirst, out IntPtr output, out IntPtr weights);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_nn_square_subsequent_mask(long n, int dtype, int deviceType, int deviceIndex);

    // recurrent
    [LibraryImport(Library)] internal static unsafe partial int cdsr_nn_gru(TensorHandle input, IntPtr hx, IntPtr* parameters, int nparams, int hasBiases,
        long numLayers, double dropout, int training, int bidirectional, int batchFirst, out IntPtr output, out IntPtr hN);

    // parameters
    [LibraryImport(Library)] internal static partial int cdsr_nn_init_uniform_(TensorHandle t, double low, double high);
    [LibraryImport(Library)] internal static partial int cdsr_nn_init_normal_(TensorHandle t, double mean, double std);
    [LibraryImport(Library)] internal static partial int cdsr_nn_init_constant_(TensorHandle t, double value);
    [LibraryImport(Library)] internal static partial int cdsr_nn_init_trunc_normal_(TensorHandle t, double mean, double std, double a, double b);
    [LibraryImport(Library)] internal static partial int cdsr_nn_copy_(TensorHandle dst, TensorHandle src);
    [LibraryImport(Library)] internal static partial int cdsr_nn_set_data(TensorHandle dst, TensorHandle src);

    // sparse
    [LibraryImport(Library)] internal static unsafe partial IntPtr cdsr_sparse_coo_tensor(TensorHandle indices, TensorHandle values, long* shape, int ndim);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_sparse_mm(TensorHandle sparse, TensorHandle dense);
    [LibraryImport(Library)] internal static partial IntPtr cdsr_sparse_to_dense(TensorHandle sparse);
}
