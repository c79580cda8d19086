using Cdsr.Torch.Modules;

namespace Cdsr.Torch;

public static partial class torch
{
    // Module factories with TorchSharp's names and PyTorch's defaults. Modules are created float32 on the CPU;
    // move them with module.to(device) / module.to(dtype).
    public static partial class nn
    {
        public static Linear Linear(long inputSize, long outputSize, bool hasBias = true) => new(inputSize, outputSize, hasBias);

        public static Embedding Embedding(long num_embeddings, long embedding_dims, long? padding_idx = null) =>
            new(num_embeddings, embedding_dims, padding_idx);

        public static LayerNorm LayerNorm(long normalized_shape, double eps = 1e-05, bool elementwise_affine = true) =>
            new(new[] { normalized_shape }, eps, elementwise_affine);

        public static LayerNorm LayerNorm(long[] normalized_shape, double eps = 1e-05, bool elementwise_affine = true) =>
            new(normalized_shape, eps, elementwise_affine);

        public static Dropout Dropout(double p = 0.5) => new(p);

        public static Activation ReLU() => new(nameof(ReLU), functional.relu);
        public static Activation GELU() => new(nameof(GELU), x => functional.gelu(x));
        public static Activation Tanh() => new(nameof(Tanh), functional.tanh);
        public static Activation Sigmoid() => new(nameof(Sigmoid), functional.sigmoid);
        public static Activation SiLU() => new(nameof(SiLU), functional.silu);
        public static Activation Identity() => new(nameof(Identity), x => x.alias());

        public static GRU GRU(long inputSize, long hiddenSize, long numLayers = 1, bool bias = true, bool batchFirst = false,
            double dropout = 0.0, bool bidirectional = false) =>
            new(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional);

        public static MultiheadAttention MultiheadAttention(long embedded_dim, long num_heads, double dropout = 0.0, bool bias = true,
            bool batch_first = false) =>
            new(embedded_dim, num_heads, dropout, bias, batch_first);

        public static TransformerEncoderLayer TransformerEncoderLayer(long d_model = 512, long nhead = 8, long dim_feedforward = 2048,
            double dropout = 0.1, Activations activation = Activations.ReLU, double layer_norm_eps = 1e-05, bool batch_first = false,
            bool norm_first = false) =>
            new(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first);

        /// <summary>num_layers copies of <paramref name="encoder_layer"/> (which stays the caller's to dispose), then <paramref name="norm"/>.</summary>
        public static TransformerEncoder TransformerEncoder(Modules.TransformerEncoderLayer encoder_layer, long num_layers, Modules.LayerNorm? norm = null) =>
            new(encoder_layer, num_layers, norm);

        public static CrossEntropyLoss CrossEntropyLoss(Tensor? weight = null, long ignore_index = -100, Reduction reduction = Reduction.Mean,
            double label_smoothing = 0.0) => new(weight, ignore_index, reduction, label_smoothing);

        public static NLLLoss NLLLoss(Tensor? weight = null, long ignore_index = -100, Reduction reduction = Reduction.Mean) =>
            new(weight, ignore_index, reduction);

        public static BCEWithLogitsLoss BCEWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? pos_weights = null) =>
            new(weight, reduction, pos_weights);

        public static MSELoss MSELoss(Reduction reduction = Reduction.Mean) => new(reduction);

        public static Sequential Sequential(params Module<Tensor, Tensor>[] modules) =>
            new(modules.Select((m, i) => (i.ToString(), m)));

        public static Sequential Sequential(params (string name, Module<Tensor, Tensor> module)[] modules) => new(modules);

        public static ModuleList<T> ModuleList<T>(params T[] modules) where T : Module => new(modules);

        public static ModuleDict<T> ModuleDict<T>(params (string name, T module)[] modules) where T : Module => new(modules);
    }
}
