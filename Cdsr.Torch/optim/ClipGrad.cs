namespace Cdsr.Torch;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class utils
        {
            /// <summary>
            /// Scales the gradients of <paramref name="parameters"/> together so that their joint norm is at most
            /// <paramref name="max_norm"/> (coefficient max_norm / (norm + 1e-6), applied only when below 1);
            /// returns the norm before clipping. <paramref name="norm_type"/> may be <see cref="double.PositiveInfinity"/>.
            /// </summary>
            public static unsafe double clip_grad_norm_(IEnumerable<Tensor> parameters, double max_norm, double norm_type = 2.0)
            {
                var list = parameters.ToList();
                var h = list.Select(p => p.Handle.DangerousGetHandle()).ToArray();
                double total;
                fixed (IntPtr* p = h) Native.LibCdsrTorch.Check(Native.LibCdsrTorch.cdsr_optim_clip_grad_norm(p, h.Length, max_norm, norm_type, out total));
                GC.KeepAlive(list);
                return total;
            }

            /// <summary>Clamps every gradient element of <paramref name="parameters"/> into [-clip_value, clip_value].</summary>
            public static unsafe void clip_grad_value_(IEnumerable<Tensor> parameters, double clip_value)
            {
                var list = parameters.ToList();
                var h = list.Select(p => p.Handle.DangerousGetHandle()).ToArray();
                fixed (IntPtr* p = h) Native.LibCdsrTorch.Check(Native.LibCdsrTorch.cdsr_optim_clip_grad_value(p, h.Length, clip_value));
                GC.KeepAlive(list);
            }
        }
    }
}
