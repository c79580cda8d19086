using Cdsr.Torch.Optimizers;

namespace Cdsr.Torch;

public static partial class torch
{
    /// <summary>Optimizers and learning-rate schedulers, with PyTorch's names and defaults.</summary>
    public static partial class optim
    {
        /// <summary>Adam over one group of parameters (e.g. <c>model.parameters()</c>).</summary>
        public static Adam Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
            double eps = 1e-8, double weight_decay = 0, bool amsgrad = false) =>
            new(new[] { new AdamParamGroup(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad) });

        /// <summary>Adam over several groups, each with its own hyper-parameters.</summary>
        public static Adam Adam(IEnumerable<AdamParamGroup> groups) => new(groups);

        /// <summary>AdamW (decoupled weight decay; PyTorch's default weight_decay 0.01).</summary>
        public static AdamW AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
            double eps = 1e-8, double weight_decay = 0.01, bool amsgrad = false) =>
            new(new[] { new AdamParamGroup(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad) });

        public static AdamW AdamW(IEnumerable<AdamParamGroup> groups) => new(groups);

        /// <summary>Stochastic gradient descent, with optional (Nesterov) momentum.</summary>
        public static SGD SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
            double weight_decay = 0, bool nesterov = false) =>
            new(new[] { new SGDParamGroup(parameters, lr, momentum, dampening, weight_decay, nesterov) });

        public static SGD SGD(IEnumerable<SGDParamGroup> groups) => new(groups);
    }
}

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>Learning-rate schedulers (PyTorch's torch.optim.lr_scheduler).</summary>
        public static class lr_scheduler
        {
            public static StepLR StepLR(Optimizer optimizer, int step_size, double gamma = 0.1) => new(optimizer, step_size, gamma);

            public static LambdaLR LambdaLR(Optimizer optimizer, Func<int, double> lr_lambda) => new(optimizer, lr_lambda);

            public static LinearLR LinearLR(Optimizer optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, int total_iters = 5) =>
                new(optimizer, start_factor, end_factor, total_iters);
        }
    }
}
