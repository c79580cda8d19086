using static Cdsr.Torch.Native.LibCdsrTorch;

namespace Cdsr.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>In-place parameter initialisers (torch.nn.init); none records autograd. Each returns its argument.</summary>
        public static class init
        {
            public enum FanInOut { FanIn, FanOut }

            public enum NonlinearityType { Linear, Sigmoid, Tanh, ReLU, LeakyReLU }

            /// <summary>The recommended gain for a non-linearity (torch.nn.init.calculate_gain).</summary>
            public static double calculate_gain(NonlinearityType nonlinearity, double param = 0.01) => nonlinearity switch
            {
                NonlinearityType.Linear or NonlinearityType.Sigmoid => 1.0,
                NonlinearityType.Tanh => 5.0 / 3,
                NonlinearityType.ReLU => Math.Sqrt(2.0),
                NonlinearityType.LeakyReLU => Math.Sqrt(2.0 / (1 + param * param)),
                _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "unknown non-linearity"),
            };

            /// <summary>(fan_in, fan_out) of a weight [out, in, *receptive]: in * receptive, out * receptive.</summary>
            public static (long fan_in, long fan_out) CalculateFanInAndFanOut(Tensor tensor)
            {
                var s = tensor.shape;
                if (s.Length < 2)
                    throw new ArgumentException($"fan in and fan out need a tensor of at least 2 dimensions, got shape [{string.Join(", ", s)}]", nameof(tensor));
                long receptive = 1;
                for (int i = 2; i < s.Length; i++) receptive *= s[i];
                return (s[1] * receptive, s[0] * receptive);
            }

            public static Tensor uniform_(Tensor tensor, double low = 0, double high = 1)
            {
                Check(cdsr_nn_init_uniform_(tensor.Handle, low, high));
                return tensor;
            }

            public static Tensor normal_(Tensor tensor, double mean = 0, double std = 1)
            {
                Check(cdsr_nn_init_normal_(tensor.Handle, mean, std));
                return tensor;
            }

            /// <summary>Normal(mean, std) restricted to [a, b] (inverse-CDF sampling, as PyTorch).</summary>
            public static Tensor trunc_normal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2)
            {
                Check(cdsr_nn_init_trunc_normal_(tensor.Handle, mean, std, a, b));
                return tensor;
            }

            public static Tensor constant_(Tensor tensor, double val)
            {
                Check(cdsr_nn_init_constant_(tensor.Handle, val));
                return tensor;
            }

            public static Tensor zeros_(Tensor tensor) => constant_(tensor, 0);

            public static Tensor ones_(Tensor tensor) => constant_(tensor, 1);

            /// <summary>U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot and Bengio, 2010).</summary>
            public static Tensor xavier_uniform_(Tensor tensor, double gain = 1.0)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                var a = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
                return uniform_(tensor, -a, a);
            }

            /// <summary>N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).</summary>
            public static Tensor xavier_normal_(Tensor tensor, double gain = 1.0)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                return normal_(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
            }

            /// <summary>U(-b, b) with b = gain * sqrt(3 / fan) (He et al., 2015); <paramref name="a"/> is the leaky-ReLU slope.
            /// nn.Linear's default weight init is kaiming_uniform_(w, a: sqrt(5)), i.e. b = 1/sqrt(fan_in).</summary>
            public static Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanInOut mode = FanInOut.FanIn,
                NonlinearityType nonlinearity = NonlinearityType.LeakyReLU)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                var fan = mode == FanInOut.FanIn ? fanIn : fanOut;
                var bound = calculate_gain(nonlinearity, a) * Math.Sqrt(3.0 / fan);
                return uniform_(tensor, -bound, bound);
            }

            /// <summary>N(0, std^2) with std = gain / sqrt(fan).</summary>
            public static Tensor kaiming_normal_(Tensor tensor, double a = 0, FanInOut mode = FanInOut.FanIn,
                NonlinearityType nonlinearity = NonlinearityType.LeakyReLU)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                var fan = mode == FanInOut.FanIn ? fanIn : fanOut;
                return normal_(tensor, 0, calculate_gain(nonlinearity, a) / Math.Sqrt(fan));
            }
        }
    }
}
