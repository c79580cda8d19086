using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Layers;

/// <summary>Diagonal Gaussians as the neural-process models use them.</summary>
public static class Gaussian
{
    /// <summary>
    /// KL(q || p) of diagonal Gaussians given means and log-variances [.., D] -> [..]:
    /// 0.5 * sum_d [ logvar_p - logvar_q + (exp(logvar_q) + (mu_q - mu_p)^2) / exp(logvar_p) - 1 ].
    /// (TorchSharp has no closed-form Gaussian KL; torch.distributions' kl_divergence computes the same.)
    /// </summary>
    public static Tensor KlDivergence(Tensor muQ, Tensor logVarQ, Tensor muP, Tensor logVarP)
    {
        if (muQ.dim() == 0) throw new ArgumentException("gaussian KL: mu_q must have at least one dimension");
        if (!muQ.shape.SequenceEqual(logVarQ.shape))
            throw new ArgumentException($"gaussian KL: logvar_q [{string.Join(", ", logVarQ.shape)}] differs from mu_q [{string.Join(", ", muQ.shape)}]");
        using var scope = NewDisposeScope();
        var diff = muQ - muP;
        var term = logVarP - logVarQ + (logVarQ.exp() + diff * diff) * (-logVarP).exp() - 1.0; // [.., D]
        return (0.5 * term.sum(-1)).MoveToOuterDisposeScope();                                   // [..]
    }
}
