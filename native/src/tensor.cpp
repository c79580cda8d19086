// cdsr_tensor_*: creation, transfer, properties, element-wise math, autograd (see include/cdsr_tensor.h).
#include "boundary.hpp"
#include "cdsr_tensor.h"
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <cstring>

using cdsr::dims;
using cdsr::unwrap;
using cdsr::wrap;

namespace {
at::Device device_of(int device_type, int device_index) {
    switch (device_type) {
        case 0: return at::Device(at::kCPU);
        case 1: return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(device_index));
        default: throw std::invalid_argument("unknown device type " + std::to_string(device_type));
    }
}
at::ScalarType scalar_type(int dtype) {
    if (dtype < 0 || dtype >= static_cast<int>(at::ScalarType::NumOptions))
        throw std::invalid_argument("unknown dtype code " + std::to_string(dtype));
    return static_cast<at::ScalarType>(dtype);
}
at::TensorOptions options(int dtype, int device_type, int device_index) {
    return at::TensorOptions().dtype(scalar_type(dtype)).device(device_of(device_type, device_index));
}
// at:: factory functions ignore TensorOptions::requires_grad (only torch:: ones honour it): set it afterwards.
at::Tensor leaf(at::Tensor t, int requires_grad) {
    if (requires_grad) t.set_requires_grad(true);
    return t;
}
}  // namespace

CDSR_API void cdsr_tensor_dispose(cdsr_tensor t) {
    if (t == nullptr) return;
    delete reinterpret_cast<at::Tensor*>(t);  // destructors of at::Tensor do not throw
    cdsr::live_tensors.fetch_sub(1, std::memory_order_relaxed);
}

// ---- creation ----
CDSR_API cdsr_tensor cdsr_tensor_from_data(const void* data, int64_t nbytes, int dtype, const int64_t* shape, int ndim,
                                           int device_type, int device_index, int requires_grad) {
    CDSR_GUARD(nullptr, {
        auto cpu = at::empty(dims(shape, ndim), at::TensorOptions().dtype(scalar_type(dtype)));
        const int64_t expected = cpu.numel() * static_cast<int64_t>(cpu.element_size());
        if (expected != nbytes)
            throw std::invalid_argument("from_data: shape " + c10::str(cpu.sizes()) + " needs " + std::to_string(expected) +
                                        " bytes, got " + std::to_string(nbytes));
        if (nbytes > 0) std::memcpy(cpu.data_ptr(), data, static_cast<size_t>(nbytes));
        auto t = cpu.to(device_of(device_type, device_index));
        if (requires_grad) t.set_requires_grad(true);
        return wrap(t);
    })
}
CDSR_API cdsr_tensor cdsr_tensor_zeros(const int64_t* shape, int ndim, int dtype, int dt, int di, int rg) {
    CDSR_TENSOR_FN(leaf(at::zeros(dims(shape, ndim), options(dtype, dt, di)), rg))
}
CDSR_API cdsr_tensor cdsr_tensor_ones(const int64_t* shape, int ndim, int dtype, int dt, int di, int rg) {
    CDSR_TENSOR_FN(leaf(at::ones(dims(shape, ndim), options(dtype, dt, di)), rg))
}
CDSR_API cdsr_tensor cdsr_tensor_empty(const int64_t* shape, int ndim, int dtype, int dt, int di, int rg) {
    CDSR_TENSOR_FN(leaf(at::empty(dims(shape, ndim), options(dtype, dt, di)), rg))
}
CDSR_API cdsr_tensor cdsr_tensor_full(const int64_t* shape, int ndim, double value, int dtype, int dt, int di, int rg) {
    CDSR_TENSOR_FN(leaf(at::full(dims(shape, ndim), value, options(dtype, dt, di)), rg))
}
CDSR_API cdsr_tensor cdsr_tensor_arange(double start, double end, double step, int dtype, int dt, int di) {
    CDSR_TENSOR_FN(at::arange(start, end, step, options(dtype, dt, di)))
}
CDSR_API cdsr_tensor cdsr_tensor_eye(int64_t n, int dtype, int dt, int di) { CDSR_TENSOR_FN(at::eye(n, options(dtype, dt, di))) }
CDSR_API cdsr_tensor cdsr_tensor_scalar(double value, int dtype, int dt, int di) {
    CDSR_TENSOR_FN(at::scalar_tensor(value, options(dtype, dt, di)))
}

// ---- random ----
CDSR_API int cdsr_manual_seed(uint64_t seed) {
    CDSR_STATUS_FN({
        auto gen = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(gen.mutex());
        gen.set_current_seed(seed);
    })
}
CDSR_API cdsr_tensor cdsr_tensor_rand(const int64_t* shape, int ndim, int dtype, int dt, int di) {
    CDSR_TENSOR_FN(at::rand(dims(shape, ndim), options(dtype, dt, di)))
}
CDSR_API cdsr_tensor cdsr_tensor_randn(const int64_t* shape, int ndim, int dtype, int dt, int di) {
    CDSR_TENSOR_FN(at::randn(dims(shape, ndim), options(dtype, dt, di)))
}
CDSR_API cdsr_tensor cdsr_tensor_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, int dt, int di) {
    CDSR_TENSOR_FN(at::randint(low, high, dims(shape, ndim), options(static_cast<int>(at::kLong), dt, di)))
}
CDSR_API cdsr_tensor cdsr_tensor_randperm(int64_t n, int dt, int di) {
    CDSR_TENSOR_FN(at::randperm(n, options(static_cast<int>(at::kLong), dt, di)))
}
CDSR_API cdsr_tensor cdsr_tensor_normal(double mean, double std, const int64_t* shape, int ndim, int dtype, int dt, int di) {
    CDSR_TENSOR_FN(at::normal(mean, std, dims(shape, ndim), c10::nullopt, options(dtype, dt, di)))
}
CDSR_API cdsr_tensor cdsr_tensor_multinomial(cdsr_tensor probs, int64_t num_samples, int replacement) {
    CDSR_TENSOR_FN(at::multinomial(unwrap(probs), num_samples, replacement != 0))
}
CDSR_API int cdsr_rng_get_state(uint8_t* buffer, int64_t cap, int64_t* len) {
    CDSR_STATUS_FN({
        auto gen = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(gen.mutex());
        auto state = gen.get_state();  // uint8 CPU tensor
        *len = state.numel();
        if (cap > 0) {
            if (cap < state.numel()) throw std::invalid_argument("rng state buffer too small");
            std::memcpy(buffer, state.data_ptr(), static_cast<size_t>(state.numel()));
        }
    })
}
CDSR_API int cdsr_rng_set_state(const uint8_t* buffer, int64_t len) {
    CDSR_STATUS_FN({
        auto state = at::empty({len}, at::TensorOptions().dtype(at::kByte));
        std::memcpy(state.data_ptr(), buffer, static_cast<size_t>(len));
        auto gen = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(gen.mutex());
        gen.set_state(state);
    })
}

// ---- data out and properties ----
CDSR_API int cdsr_tensor_copy_to(cdsr_tensor t, void* dst, int64_t nbytes, int dtype) {
    CDSR_STATUS_FN({
        auto src = unwrap(t).detach().to(at::kCPU, scalar_type(dtype)).contiguous();
        const int64_t have = src.numel() * static_cast<int64_t>(src.element_size());
        if (have != nbytes)
            throw std::invalid_argument("copy_to: tensor of shape " + c10::str(src.sizes()) + " has " + std::to_string(have) +
                                        " bytes, destination has " + std::to_string(nbytes));
        if (nbytes > 0) std::memcpy(dst, src.data_ptr(), static_cast<size_t>(nbytes));
    })
}
CDSR_API int cdsr_tensor_item_double(cdsr_tensor t, double* out) { CDSR_STATUS_FN(*out = unwrap(t).item<double>();) }
CDSR_API int cdsr_tensor_item_int64(cdsr_tensor t, int64_t* out) { CDSR_STATUS_FN(*out = unwrap(t).item<int64_t>();) }
CDSR_API int cdsr_tensor_ndim(cdsr_tensor t, int64_t* out) { CDSR_STATUS_FN(*out = unwrap(t).dim();) }
CDSR_API int cdsr_tensor_sizes(cdsr_tensor t, int64_t* out, int cap) {
    CDSR_STATUS_FN({
        auto s = unwrap(t).sizes();
        for (int i = 0; i < cap && i < static_cast<int>(s.size()); ++i) out[i] = s[i];
    })
}
CDSR_API int cdsr_tensor_numel(cdsr_tensor t, int64_t* out) { CDSR_STATUS_FN(*out = unwrap(t).numel();) }
CDSR_API int cdsr_tensor_dtype(cdsr_tensor t, int* out) { CDSR_STATUS_FN(*out = static_cast<int>(unwrap(t).scalar_type());) }
CDSR_API int cdsr_tensor_device(cdsr_tensor t, int* device_type, int* device_index) {
    CDSR_STATUS_FN({
        auto d = unwrap(t).device();
        *device_type = d.is_cuda() ? 1 : 0;
        *device_index = d.has_index() ? d.index() : -1;
    })
}
CDSR_API int cdsr_tensor_is_sparse(cdsr_tensor t, int* out) { CDSR_STATUS_FN(*out = unwrap(t).is_sparse() ? 1 : 0;) }

// ---- conversion ----
CDSR_API cdsr_tensor cdsr_tensor_to_dtype(cdsr_tensor t, int dtype) { CDSR_TENSOR_FN(unwrap(t).to(scalar_type(dtype))) }
CDSR_API cdsr_tensor cdsr_tensor_to_device(cdsr_tensor t, int dt, int di) { CDSR_TENSOR_FN(unwrap(t).to(device_of(dt, di))) }
CDSR_API cdsr_tensor cdsr_tensor_contiguous(cdsr_tensor t) { CDSR_TENSOR_FN(unwrap(t).contiguous()) }
CDSR_API cdsr_tensor cdsr_tensor_clone(cdsr_tensor t) { CDSR_TENSOR_FN(unwrap(t).clone()) }
CDSR_API cdsr_tensor cdsr_tensor_detach(cdsr_tensor t) { CDSR_TENSOR_FN(unwrap(t).detach()) }
CDSR_API cdsr_tensor cdsr_tensor_alias(cdsr_tensor t) { CDSR_TENSOR_FN(unwrap(t)) }

// ---- autograd ----
CDSR_API int cdsr_tensor_requires_grad(cdsr_tensor t, int* out) { CDSR_STATUS_FN(*out = unwrap(t).requires_grad() ? 1 : 0;) }
CDSR_API int cdsr_tensor_set_requires_grad(cdsr_tensor t, int rg) { CDSR_STATUS_FN(unwrap(t).set_requires_grad(rg != 0);) }
CDSR_API int cdsr_tensor_is_leaf(cdsr_tensor t, int* out) { CDSR_STATUS_FN(*out = unwrap(t).is_leaf() ? 1 : 0;) }
CDSR_API int cdsr_tensor_backward(cdsr_tensor t, cdsr_tensor gradient, int retain_graph) {
    CDSR_STATUS_FN({
        at::Tensor g = gradient ? unwrap(gradient) : at::Tensor();
        unwrap(t).backward(g, retain_graph != 0 ? c10::optional<bool>(true) : c10::nullopt);
    })
}
CDSR_API int cdsr_tensor_grad(cdsr_tensor t, cdsr_tensor* out) {
    CDSR_STATUS_FN({
        const auto& g = unwrap(t).grad();
        *out = g.defined() ? wrap(g) : nullptr;
    })
}
CDSR_API int cdsr_tensor_set_grad(cdsr_tensor t, cdsr_tensor grad) {
    CDSR_STATUS_FN(unwrap(t).mutable_grad() = grad ? unwrap(grad) : at::Tensor();)
}
CDSR_API int cdsr_autograd_set_enabled(int enabled, int* previous) {
    CDSR_STATUS_FN({
        *previous = c10::GradMode::is_enabled() ? 1 : 0;
        c10::GradMode::set_enabled(enabled != 0);
    })
}
CDSR_API int cdsr_autograd_is_enabled(void) { return c10::GradMode::is_enabled() ? 1 : 0; }

// ---- element-wise ----
#define CDSR_DEFINE_UNARY(name) \
    CDSR_API cdsr_tensor cdsr_tensor_##name(cdsr_tensor a) { CDSR_TENSOR_FN(at::name(unwrap(a))) }
CDSR_UNARY_OPS(CDSR_DEFINE_UNARY)

#define CDSR_DEFINE_BINARY(name) \
    CDSR_API cdsr_tensor cdsr_tensor_##name(cdsr_tensor a, cdsr_tensor b) { CDSR_TENSOR_FN(at::name(unwrap(a), unwrap(b))) }
CDSR_BINARY_OPS(CDSR_DEFINE_BINARY)

#define CDSR_DEFINE_SCALAR(name) \
    CDSR_API cdsr_tensor cdsr_tensor_##name##_scalar(cdsr_tensor a, double b) { CDSR_TENSOR_FN(at::name(unwrap(a), at::Scalar(b))) }
CDSR_SCALAR_OPS(CDSR_DEFINE_SCALAR)

CDSR_API cdsr_tensor cdsr_tensor_rsub_scalar(cdsr_tensor a, double b) { CDSR_TENSOR_FN(at::rsub(unwrap(a), at::Scalar(b))) }
CDSR_API cdsr_tensor cdsr_tensor_rdiv_scalar(cdsr_tensor a, double b) { CDSR_TENSOR_FN(at::reciprocal(unwrap(a)).mul(b)) }
