#!/usr/bin/env bash
# The main job end to end on a fresh Debian 12 machine (idempotent): set up the native pieces, build, then run
# the training demo (train a small attention model, compare with popularity, checkpoint round trip).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/setup.sh
dotnet build Cdsr.sln -c Release -v q -nologo
dotnet samples/TrainDemo/bin/Release/net10.0/TrainDemo.dll --out artifacts/demo/train-demo.safetensors
