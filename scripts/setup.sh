#!/usr/bin/env bash
# Sets up a fresh clone: pnpm, system libraries, numpy (reference tests), dependencies, builds.
# Safe to run again; each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

PNPM_VERSION=12.21.0
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

# OpenBLAS for the native backend's BLAS provider; Chromium for the demo's browser tests
# (only when asked: it is large and the main command does not need it).
packages=(libopenblas-dev)
[ "${NEURITE_WITH_BROWSER:-0}" = 1 ] && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: apt-get install ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: warning: missing system packages ${missing[*]} (install them as root); continuing"
  fi
fi

# The cross toolchains (arm64 gcc and OpenBLAS, qemu, zig, rustup targets, the arm64 Node and
# Deno) for `pnpm test --cross`: only when asked, since they take minutes to fetch (CI asks).
[ "${NEURITE_WITH_CROSS:-0}" = 1 ] && bash scripts/setup-cross.sh

if ! python3 -c 'import numpy' >/dev/null 2>&1; then
  echo "setup: installing numpy (reference values for tests and the benchmark)"
  python3 -m pip install -q numpy >/dev/null 2>&1 || echo "setup: warning: numpy not installed; numpy-backed checks will be skipped"
fi

if ! python3 -c 'import onnx' >/dev/null 2>&1; then
  echo "setup: installing onnx (onnx.checker for @neurite/onnx's exported files)"
  python3 -m pip install -q onnx >/dev/null 2>&1 || echo "setup: warning: onnx not installed; the onnx.checker test will be skipped"
fi

pnpm install --frozen-lockfile --reporter=append-only
pnpm build
