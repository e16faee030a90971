/**
 * The platforms @neurite/backend-native ships a binary for, and what building each one here
 * (a Debian x86-64 machine) needs. The Rust triples are package.json's `napi.targets`; the
 * per-platform packages are npm/<platform>/. `src/platforms.ts` states the same list for
 * users (`neurite info`); test/platforms.test.ts keeps the three in agreement.
 */
export const TARGETS = {
  'linux-x64-gnu': {
    triple: 'x86_64-unknown-linux-gnu',
    gemm: 'openblas',
    tools: [],
    setup: 'apt-get install libopenblas-dev',
  },
  'linux-arm64-gnu': {
    triple: 'aarch64-unknown-linux-gnu',
    gemm: 'openblas',
    // Debian's cross gcc links it, against Debian's arm64 libopenblas.a (static, found by build.rs).
    env: { CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER: 'aarch64-linux-gnu-gcc' },
    tools: ['aarch64-linux-gnu-gcc'],
    files: ['/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.a'],
    setup:
      'dpkg --add-architecture arm64 && apt-get update && apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross libopenblas-dev:arm64',
  },
  'linux-x64-musl': {
    triple: 'x86_64-unknown-linux-musl',
    // Debian's libopenblas.a calls glibc-only functions, so musl gets the pure-Rust GEMM.
    gemm: 'pure',
    // An addon is a shared library: musl's default static C runtime cannot build one. zig (through
    // cargo-zigbuild, `napi build -x`) links it against musl with its own unwinder, so the
    // .node needs nothing but musl's libc.
    env: { CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS: '-C target-feature=-crt-static' },
    zig: true,
    tools: ['cargo-zigbuild'],
    setup: 'pip install ziglang==0.17.0 cargo-zigbuild==0.24.0',
  },
};

/** napi-rs's platform name of the running machine (linux-x64-gnu, darwin-arm64, ...). */
export function hostPlatform() {
  const base = `${process.platform}-${process.arch}`;
  if (process.platform === 'linux') return `${base}-${process.report.getReport().header.glibcVersionRuntime ? 'gnu' : 'musl'}`;
  if (process.platform === 'win32') return `${base}-msvc`;
  return base;
}
