using static Cdsr.Torch.Native.LibCdsrTorch;

namespace Cdsr.Torch;

public static partial class torch
{
    // In-place updates: each mutates this tensor and returns it (no new handle). Autograd refuses in-place updates of a
    // leaf that requires grad outside torch.no_grad(), and the native message says so.
    public partial class Tensor
    {
        /// <summary>this += alpha * other.</summary>
        public Tensor add_(Tensor other, double alpha = 1) { Check(cdsr_tensor_add_(Handle, other.Handle, alpha)); return this; }
        public Tensor add_(double value) { Check(cdsr_tensor_add_scalar_(Handle, value)); return this; }
        public Tensor sub_(Tensor other) { Check(cdsr_tensor_sub_(Handle, other.Handle)); return this; }
        public Tensor sub_(double value) => add_(-value);
        public Tensor mul_(Tensor other) { Check(cdsr_tensor_mul_(Handle, other.Handle)); return this; }
        public Tensor mul_(double value) { Check(cdsr_tensor_mul_scalar_(Handle, value)); return this; }
        public Tensor div_(Tensor other) { Check(cdsr_tensor_div_(Handle, other.Handle)); return this; }
        public Tensor div_(double value) { Check(cdsr_tensor_div_scalar_(Handle, value)); return this; }
        public Tensor fill_(double value) { Check(cdsr_tensor_fill_(Handle, value)); return this; }
        public Tensor zero_() { Check(cdsr_tensor_zero_(Handle)); return this; }
        /// <summary>Copies <paramref name="src"/> (broadcast, converted) into this tensor.</summary>
        public Tensor copy_(Tensor src) { Check(cdsr_tensor_copy_(Handle, src.Handle)); return this; }

        public Tensor clamp_(double? min = null, double? max = null)
        {
            Check(cdsr_tensor_clamp_(Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0));
            return this;
        }

        public Tensor masked_fill_(Tensor mask, double value) { Check(cdsr_tensor_masked_fill_(Handle, mask.Handle, value)); return this; }
        /// <summary>Fills with uniform draws in [from, to) from the default generator.</summary>
        public Tensor uniform_(double from = 0, double to = 1) { Check(cdsr_tensor_uniform_(Handle, from, to)); return this; }
        /// <summary>Fills with normal draws from the default generator.</summary>
        public Tensor normal_(double mean = 0, double std = 1) { Check(cdsr_tensor_normal_(Handle, mean, std)); return this; }
    }
}
