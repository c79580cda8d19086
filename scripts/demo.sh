#!/usr/bin/env bash
# The main job end to end on a fresh Debian 12 machine (idempotent): set up the native pieces, build, make a
# seeded synthetic two-domain Amazon-format dump, build it into a benchmark dataset (k-core, leave-one-out,
# 100 sampled negatives), print its statistics, run the training demo (a small attention model against
# popularity, with a checkpoint round trip), then train SASRec and GRU4Rec with `cdsr train` and print the
# papers' comparison table. Everything it writes goes under artifacts/demo/. About 3 minutes on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/artifacts/demo"

bash scripts/setup.sh
dotnet build Cdsr.sln -c Release -v q -nologo
cdsr() { dotnet Cdsr.Cli/bin/Release/net10.0/cdsr.dll "$@"; }

rm -rf "$out/raw" "$out/synthetic"
mkdir -p "$out"
cdsr data generate --out "$out/raw" --seed 7 --users 3000 --gzip
cdsr data build --format amazon2018 \
  --domain-a "$out/raw/Clothing_Shoes_and_Jewelry.json.gz" --meta-a "$out/raw/meta_Clothing_Shoes_and_Jewelry.json.gz" \
  --domain-b "$out/raw/Sports_and_Outdoors.json.gz" --meta-b "$out/raw/meta_Sports_and_Outdoors.json.gz" \
  --name-a Cloth --name-b Sport --kcore-user 5 --kcore-item 5 --split loo --negatives 100 --seed 7 \
  --out "$out/synthetic"
cdsr data stats --data "$out/synthetic"

dotnet samples/TrainDemo/bin/Release/net10.0/TrainDemo.dll --out "$out/train-demo.safetensors"

# Baselines on the synthetic dataset: train (validation picks the best epoch), test that checkpoint on the stored
# 100-negative candidates, and print the papers' table.
rm -rf "$out/runs"
cdsr train --model sasrec --data "$out/synthetic" --out "$out/runs/sasrec" --epochs 8 --seed 1 --quiet
cdsr train --model gru4rec --data "$out/synthetic" --out "$out/runs/gru4rec" --epochs 8 --seed 1 --quiet
cdsr runs compare "$out/runs/sasrec" "$out/runs/gru4rec" --metrics HR@10,NDCG@10,MRR
