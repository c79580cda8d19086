#!/usr/bin/env bash
# GPU check, for a machine with a CUDA PyTorch (its bundled libtorch C++ and CMake config) but no .NET SDK:
# builds native/ against that CUDA libtorch and runs the self-contained DeviceCheck sample (published here with
#   dotnet publish samples/DeviceCheck -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -o artifacts/devicecheck)
# which compares CPU and CUDA results of forward values and gradients through Cdsr.Torch.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pub="${1:-$root/artifacts/devicecheck}"
prefix="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')"
tlib="$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "device", torch.cuda.get_device_name(0))'
build="$(mktemp -d)"
cmake -S "$root/native" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTorch_DIR="$prefix/Torch" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$build" -j"$(nproc)" --target cdsr_torch 2>&1 | grep -E 'error|warning: unused' || true
cp "$build/libcdsr_torch.so" "$pub/libcdsr_torch.so"
chmod +x "$pub/DeviceCheck"
LD_LIBRARY_PATH="$tlib:${LD_LIBRARY_PATH:-}" "$pub/DeviceCheck" cuda
