using Cdsr.Torch.Modules;

namespace Cdsr.Torch;

public static partial class torch
{
    /// <summary>Neural-network building blocks with PyTorch's names and defaults: modules (<see cref="Module"/>),
    /// their parameter initialisers (<see cref="init"/>) and the stateless ops beneath them (<see cref="functional"/>).</summary>
    public static partial class nn
    {
        /// <summary>How a loss reduces its per-element values; the codes are at::Reduction's.</summary>
        public enum Reduction { None = 0, Mean = 1, Sum = 2 }

        /// <summary>Activations a transformer feed-forward block can use.</summary>
        public enum Activations { ReLU, GELU }

        /// <summary>A trainable tensor sharing <paramref name="data"/>'s storage (see <see cref="Modules.Parameter"/>).</summary>
        public static Parameter Parameter(Tensor data, bool requires_grad = true) => new(data, requires_grad);
    }
}
