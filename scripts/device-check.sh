#!/usr/bin/env bash
# GPU check on a machine with a CUDA GPU: runs the DeviceCheck sample, which compares CPU and CUDA results of forward
# values and gradients through TorchSharp and checks that a shape error on the device is an exception, not a crash.
# The CUDA build of TorchSharp comes from NuGet with -p:CdsrCuda=true (TorchSharp-cuda-linux 0.107.0, build/TorchSharp.props);
# this project's own NuGet copy does not serve it, so the script needs a machine whose NuGet source does:
#   bash scripts/device-check.sh            (publishes samples/DeviceCheck self-contained into artifacts/devicecheck)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pub="${1:-$root/artifacts/devicecheck}"
dotnet publish "$root/samples/DeviceCheck" -c Release -r linux-x64 --self-contained -p:CdsrCuda=true -o "$pub"
"$pub/DeviceCheck" cuda
