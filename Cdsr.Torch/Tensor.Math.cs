using Cdsr.Torch.Native;
using static Cdsr.Torch.Native.LibCdsrTorch;

namespace Cdsr.Torch;

public static partial class torch
{
    // Element-wise math, comparisons and matrix products, with broadcasting (see native/include/cdsr_tensor.h).
    public partial class Tensor
    {
        public Tensor neg() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_neg(Handle)), "neg", this);
        public Tensor exp() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_exp(Handle)), "exp", this);
        public Tensor log() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_log(Handle)), "log", this);
        public Tensor log1p() => FromNative(TensorNative.cdsr_tensor_log1p(Handle));
        public Tensor sqrt() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_sqrt(Handle)), "sqrt", this);
        public Tensor rsqrt() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_rsqrt(Handle)), "rsqrt", this);
        public Tensor abs() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_abs(Handle)), "abs", this);
        public Tensor sign() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_sign(Handle)), "sign", this);
        public Tensor square() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_square(Handle)), "square", this);
        public Tensor reciprocal() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_reciprocal(Handle)), "reciprocal", this);
        public Tensor sin() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_sin(Handle)), "sin", this);
        public Tensor cos() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_cos(Handle)), "cos", this);
        public Tensor floor() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_floor(Handle)), "floor", this);
        public Tensor ceil() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_ceil(Handle)), "ceil", this);
        public Tensor round() => FromNative(TensorNative.cdsr_tensor_round(Handle));
        public Tensor relu() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_relu(Handle)), "relu", this);
        public Tensor sigmoid() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_sigmoid(Handle)), "sigmoid", this);
        public Tensor tanh() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_tanh(Handle)), "tanh", this);
        public Tensor logical_not() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_logical_not(Handle)), "logical_not", this);
        public Tensor isnan() => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_isnan(Handle)), "isnan", this);

        public Tensor add(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_add(Handle, other.Handle)), "add", this, other);
        public Tensor sub(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_sub(Handle, other.Handle)), "sub", this, other);
        public Tensor mul(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_mul(Handle, other.Handle)), "mul", this, other);
        public Tensor div(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_div(Handle, other.Handle)), "div", this, other);
        public Tensor pow(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_pow(Handle, other.Handle)), "pow", this, other);
        public Tensor maximum(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_maximum(Handle, other.Handle)), "maximum", this, other);
        public Tensor minimum(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_minimum(Handle, other.Handle)), "minimum", this, other);
        public Tensor remainder(Tensor other) => FromNative(TensorNative.cdsr_tensor_remainder(Handle, other.Handle));
        public Tensor eq(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_eq(Handle, other.Handle)), "eq", this, other);
        public Tensor ne(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_ne(Handle, other.Handle)), "ne", this, other);
        public Tensor lt(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_lt(Handle, other.Handle)), "lt", this, other);
        public Tensor le(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_le(Handle, other.Handle)), "le", this, other);
        public Tensor gt(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_gt(Handle, other.Handle)), "gt", this, other);
        public Tensor ge(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_ge(Handle, other.Handle)), "ge", this, other);
        public Tensor logical_and(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_logical_and(Handle, other.Handle)), "logical_and", this, other);
        public Tensor logical_or(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_logical_or(Handle, other.Handle)), "logical_or", this, other);
        public Tensor logical_xor(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_logical_xor(Handle, other.Handle)), "logical_xor", this, other);
        public Tensor matmul(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_matmul(Handle, other.Handle)), "matmul", this, other);
        public Tensor bmm(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_bmm(Handle, other.Handle)), "bmm", this, other);
        public Tensor mm(Tensor other) => Tracing.TraceHooks.Op(FromNative(TensorNative.cdsr_tensor_mm(Handle, other.Handle)), "mm", this, other);

        public Tensor add(double other) => Tracing.TraceHooks.OpF(FromNative(TensorNative.cdsr_tensor_add_scalar(Handle, other)), "add_scalar", this, other);
        public Tensor sub(double other) => Tracing.TraceHooks.OpF(FromNative(TensorNative.cdsr_tensor_sub_scalar(Handle, other)), "sub_scalar", this, other);
        public Tensor mul(double other) => Tracing.TraceHooks.OpF(FromNative(TensorNative.cdsr_tensor_mul_scalar(Handle, other)), "mul_scalar", this, other);
        public Tensor div(double other) => Tracing.TraceHooks.OpF(FromNative(TensorNative.cdsr_tensor_div_scalar(Handle, other)), "div_scalar", this, other);
        public Tensor pow(double other) => Tracing.TraceHooks.OpF(FromNative(TensorNative.cdsr_tensor_pow_scalar(Handle, other)), "pow_scalar", this, other);
        public Tensor remainder(double other) => FromNative(TensorNative.cdsr_tensor_remainder_scalar(Handle, other));
        public Tensor eq(double other) => Tracing.TraceHooks.OpF(FromNative(TensorNative.cdsr_tensor_eq_scalar(Handle, other)), "eq_scalar", this, other);
        public Tensor ne(double other) => Tracing.TraceHooks.OpF(FromNative(TensorNative.cdsr_tensor_ne_scalar(Handle, other)), "ne_scalar", this, other);
        public Tensor lt(double other) => Tracing.TraceHooks.OpF(FromNative(TensorNative.cdsr_tensor_lt_scalar(Handle, other)), "lt_scalar", this, other);
        public Tensor le(double other) => Tracing.TraceHooks.OpF(FromNative(TensorNative.cdsr_tensor_le_scalar(Handle, other)), "le_scalar", this, other);
        public Tensor gt(double other) => Tracing.TraceHooks.OpF(FromNative(TensorNative.cdsr_tensor_gt_scalar(Handle, other)), "gt_scalar", this, other);
        public Tensor ge(double other) => Tracing.TraceHooks.OpF(FromNative(TensorNative.cdsr_tensor_ge_scalar(Handle, other)), "ge_scalar", this, other);

        /// <summary>this + alpha * other.</summary>
        public Tensor add(Tensor other, double alpha) => FromNative(cdsr_tensor_add_alpha(Handle, other.Handle, alpha));
        /// <summary>Limits every element to [min, max]; a null bound is open.</summary>
        public Tensor clamp(double? min = null, double? max = null) =>
            Tracing.TraceHooks.Clamp(FromNative(cdsr_tensor_clamp(Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0)), this, min, max);
        public Tensor clamp_min(double min) => clamp(min, null);
        public Tensor clamp_max(double max) => clamp(null, max);
        public Tensor clip(double? min = null, double? max = null) => clamp(min, max);
        /// <summary>Remainder with the sign of the dividend (C's fmod); <see cref="remainder(Tensor)"/> takes the divisor's sign.</summary>
        public Tensor fmod(Tensor other) => FromNative(cdsr_tensor_fmod(Handle, other.Handle));
        public Tensor fmod(double other) => FromNative(cdsr_tensor_fmod_scalar(Handle, other));

        public Tensor isinf() => FromNative(cdsr_tensor_isinf(Handle));
        public Tensor isfinite() => FromNative(cdsr_tensor_isfinite(Handle));

        /// <summary>NaN becomes <paramref name="nan"/>; infinities become the given values or the dtype's largest finite ones.</summary>
        public Tensor nan_to_num(double nan = 0, double? posinf = null, double? neginf = null)
        {
            var big = dtype switch
            {
                ScalarType.Float64 => double.MaxValue,
                ScalarType.Float16 => 65504.0,
                ScalarType.BFloat16 => 3.3895313892515355e38,
                _ => float.MaxValue,
            };
            return FromNative(cdsr_tensor_nan_to_num(Handle, nan, posinf ?? big, neginf ?? -big));
        }

        /// <summary>this + weight * (end - this).</summary>
        public Tensor lerp(Tensor end, double weight) => FromNative(cdsr_tensor_lerp(Handle, end.Handle, weight));
        /// <summary>beta * this + alpha * (mat1 @ mat2).</summary>
        public Tensor addmm(Tensor mat1, Tensor mat2, double beta = 1, double alpha = 1) =>
            FromNative(cdsr_tensor_addmm(Handle, mat1.Handle, mat2.Handle, beta, alpha));
        /// <summary>beta * this + alpha * (batch1 @ batch2), batched.</summary>
        public Tensor baddbmm(Tensor batch1, Tensor batch2, double beta = 1, double alpha = 1) =>
            FromNative(cdsr_tensor_baddbmm(Handle, batch1.Handle, batch2.Handle, beta, alpha));
        /// <summary>Outer product of two vectors: [n] x [m] -> [n, m].</summary>
        public Tensor outer(Tensor vec2)
        {
            using var a = unsqueeze(1);
            return a * vec2;
        }

        // Comparison operators give bool tensors. == and != are deliberately not overloaded (they would break
        // reference comparisons such as `t == null`): use eq / ne.
        public static Tensor operator <(Tensor a, Tensor b) => a.lt(b);
        public static Tensor operator >(Tensor a, Tensor b) => a.gt(b);
        public static Tensor operator <=(Tensor a, Tensor b) => a.le(b);
        public static Tensor operator >=(Tensor a, Tensor b) => a.ge(b);
        public static Tensor operator <(Tensor a, double b) => a.lt(b);
        public static Tensor operator >(Tensor a, double b) => a.gt(b);
        public static Tensor operator <=(Tensor a, double b) => a.le(b);
        public static Tensor operator >=(Tensor a, double b) => a.ge(b);

        public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
        public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
        public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
        public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
        public static Tensor operator %(Tensor a, Tensor b) => a.remainder(b);
        public static Tensor operator -(Tensor a) => a.neg();
        public static Tensor operator +(Tensor a, double b) => a.add(b);
        public static Tensor operator +(double a, Tensor b) => b.add(a);
        public static Tensor operator -(Tensor a, double b) => a.sub(b);
        public static Tensor operator -(double a, Tensor b) => Tracing.TraceHooks.OpF(FromNative(TensorNative.cdsr_tensor_rsub_scalar(b.Handle, a)), "rsub_scalar", b, a);
        public static Tensor operator *(Tensor a, double b) => a.mul(b);
        public static Tensor operator *(double a, Tensor b) => b.mul(a);
        public static Tensor operator /(Tensor a, double b) => a.div(b);
        public static Tensor operator /(double a, Tensor b) => Tracing.TraceHooks.OpF(FromNative(TensorNative.cdsr_tensor_rdiv_scalar(b.Handle, a)), "rdiv_scalar", b, a);
        public static Tensor operator &(Tensor a, Tensor b) => a.logical_and(b);
        public static Tensor operator |(Tensor a, Tensor b) => a.logical_or(b);
        public static Tensor operator ^(Tensor a, Tensor b) => a.logical_xor(b);
        public static Tensor operator !(Tensor a) => a.logical_not();
    }

    public static Tensor neg(Tensor input) => input.neg();
    public static Tensor exp(Tensor input) => input.exp();
    public static Tensor log(Tensor input) => input.log();
    public static Tensor log1p(Tensor input) => input.log1p();
    public static Tensor sqrt(Tensor input) => input.sqrt();
    public static Tensor rsqrt(Tensor input) => input.rsqrt();
    public static Tensor abs(Tensor input) => input.abs();
    public static Tensor sign(Tensor input) => input.sign();
    public static Tensor square(Tensor input) => input.square();
    public static Tensor reciprocal(Tensor input) => input.reciprocal();
    public static Tensor sin(Tensor input) => input.sin();
    public static Tensor cos(Tensor input) => input.cos();
    public static Tensor floor(Tensor input) => input.floor();
    public static Tensor ceil(Tensor input) => input.ceil();
    public static Tensor round(Tensor input) => input.round();
    public static Tensor relu(Tensor input) => input.relu();
    public static Tensor sigmoid(Tensor input) => input.sigmoid();
    public static Tensor tanh(Tensor input) => input.tanh();
    public static Tensor logical_not(Tensor input) => input.logical_not();
    public static Tensor isnan(Tensor input) => input.isnan();
    public static Tensor add(Tensor input, Tensor other) => input.add(other);
    public static Tensor sub(Tensor input, Tensor other) => input.sub(other);
    public static Tensor mul(Tensor input, Tensor other) => input.mul(other);
    public static Tensor div(Tensor input, Tensor other) => input.div(other);
    public static Tensor pow(Tensor input, Tensor other) => input.pow(other);
    public static Tensor maximum(Tensor input, Tensor other) => input.maximum(other);
    public static Tensor minimum(Tensor input, Tensor other) => input.minimum(other);
    public static Tensor remainder(Tensor input, Tensor other) => input.remainder(other);
    public static Tensor eq(Tensor input, Tensor other) => input.eq(other);
    public static Tensor ne(Tensor input, Tensor other) => input.ne(other);
    public static Tensor lt(Tensor input, Tensor other) => input.lt(other);
    public static Tensor le(Tensor input, Tensor other) => input.le(other);
    public static Tensor gt(Tensor input, Tensor other) => input.gt(other);
    public static Tensor ge(Tensor input, Tensor other) => input.ge(other);
    public static Tensor logical_and(Tensor input, Tensor other) => input.logical_and(other);
    public static Tensor logical_or(Tensor input, Tensor other) => input.logical_or(other);
    public static Tensor logical_xor(Tensor input, Tensor other) => input.logical_xor(other);
    public static Tensor matmul(Tensor input, Tensor other) => input.matmul(other);
    public static Tensor bmm(Tensor input, Tensor other) => input.bmm(other);
    public static Tensor mm(Tensor input, Tensor other) => input.mm(other);
    public static Tensor add(Tensor input, double other) => input.add(other);
    public static Tensor sub(Tensor input, double other) => input.sub(other);
    public static Tensor mul(Tensor input, double other) => input.mul(other);
    public static Tensor div(Tensor input, double other) => input.div(other);
    public static Tensor pow(Tensor input, double other) => input.pow(other);
    public static Tensor clamp(Tensor input, double? min = null, double? max = null) => input.clamp(min, max);
    public static Tensor isinf(Tensor input) => input.isinf();
    public static Tensor isfinite(Tensor input) => input.isfinite();
    public static Tensor nan_to_num(Tensor input, double nan = 0, double? posinf = null, double? neginf = null) => input.nan_to_num(nan, posinf, neginf);
    public static Tensor lerp(Tensor input, Tensor end, double weight) => input.lerp(end, weight);
    public static Tensor addmm(Tensor input, Tensor mat1, Tensor mat2, double beta = 1, double alpha = 1) => input.addmm(mat1, mat2, beta, alpha);
    public static Tensor baddbmm(Tensor input, Tensor batch1, Tensor batch2, double beta = 1, double alpha = 1) => input.baddbmm(batch1, batch2, beta, alpha);
    public static Tensor outer(Tensor input, Tensor vec2) => input.outer(vec2);
    public static Tensor fmod(Tensor input, Tensor other) => input.fmod(other);
    public static Tensor fmod(Tensor input, double other) => input.fmod(other);
    public static Tensor where(Tensor condition, double x, Tensor y)
    {
        using var xs = full(Array.Empty<long>(), x, y.dtype, y.device);
        return where(condition, xs, y);
    }
}
