// The platforms this machine cannot be (packages/backend-native/scripts/targets.mjs), built and
// checked here: scripts/test-all.mjs --cross runs these suites (CI does), after
// `bash scripts/setup-cross.sh` has installed the toolchains.
//
//   linux-arm64-gnu  cross-built with OpenBLAS; the whole native conformance suite (both the
//                    shipped backend and every op through Rust) under qemu-aarch64 on the
//                    official arm64 Node and Deno from npm; the kernels' cargo tests under qemu
//                    (without the thread sweeps unless --cross-full, see SKIP).
//   linux-x64-musl   built with the pure-Rust GEMM; the kernels' cargo tests built for musl
//                    (static executables, which run on this glibc machine); its ELF needs
//                    (musl's libc alone) and a load through musl's own dynamic loader. No musl
//                    build of Node or Deno exists to run it in (README, "Platforms").
//
// Each entry: { name, cmd, args, cwd, env, parse } for test-all's run(); `parse` names a counter
// of scripts/test-counts.mjs ('clean': a build, one test when it exits 0).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TARGETS } from '../packages/backend-native/scripts/targets.mjs';

const root = new URL('..', import.meta.url).pathname;
const NATIVE = join(root, 'packages/backend-native');
const CACHE = join(root, 'native/target/cross');
/** Where scripts/setup-cross.sh unpacks the arm64 runtimes (their versions are set there). */
export const ARM64_NODE = join(CACHE, 'node-arm64/bin/node');
export const ARM64_DENO = join(CACHE, 'deno-arm64/deno');

const arm64 = TARGETS['linux-arm64-gnu'];
const cargoKernels = (triple, skip) => [
  ...['test', '--release', '--manifest-path', join(root, 'native/Cargo.toml'), '-p', 'neurite-kernels', '--target', triple],
  ...(skip.length ? ['--', ...skip.flatMap((s) => ['--skip', s])] : []),
];

// The kernels' sweeps of every thread split and panel edge: the split arithmetic is the same
// code on every target and is swept on the host three times (cargo, and two matrix entries).
// They are most of the cargo time (on the loaded 2-core machine: about 175 of 210 s built for
// musl, and more than 10 minutes under qemu), so CI leaves them out on the cross targets and
// `--cross-full` puts them back. Cargo's --skip matches substrings of test names.
const SWEEPS = ['every_split_at_its_edges_on_every_thread_count', 'every_size_around_the_thread_boundaries'];
const SKIP = {
  musl: [...SWEEPS, 'boundaries::broadcast_binary_and_where_at_every_split', 'boundaries::unary_and_clip_at_every_split'],
  // Under emulation every boundaries:: sweep is minutes; OpenBLAS's arm64 kernels are still
  // checked against the definition (gemm::tests::every_provider_matches_the_definition).
  arm64: [...SWEEPS, 'boundaries::'],
};

/** Says what to run when setup-cross.sh has not been, instead of a list of confusing failures. */
export function crossMissing() {
  return [ARM64_NODE, ARM64_DENO].filter((f) => !existsSync(f));
}

/** The suites; `full` runs the kernels' thread sweeps too (`pnpm test --cross --cross-full cross`). */
export function crossSuites({ full = false } = {}) {
  const binary = join(NATIVE, 'neurite.linux-arm64-gnu.node');
  // qemu-aarch64 with no -L: the arm64 loader and libraries come from dpkg's multiarch
  // folders (/lib/ld-linux-aarch64.so.1); -L /usr/aarch64-linux-gnu pairs a mismatched
  // ld.so with libc and threaded programs hang (../shared/design/TOOLCHAIN.md).
  const conformance = { NEURITE_NATIVE_BINARY: binary, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  return [
    ...['linux-arm64-gnu', 'linux-x64-musl'].map((platform) => ({
      name: `cross build ${platform}`,
      cmd: process.execPath,
      args: ['scripts/build-native.mjs', '--target', platform, '--release'],
      cwd: NATIVE,
      parse: 'clean',
    })),
    {
      name: 'cross binaries (readelf, musl loader)',
      cmd: process.execPath,
      args: ['--test', '--test-reporter=tap', 'scripts/cross/'],
      cwd: root,
      parse: 'tap',
    },
    {
      name: 'cross arm64 conformance (qemu, node)',
      cmd: 'qemu-aarch64',
      args: [ARM64_NODE, 'scripts/conformance.mjs', '--expect-gemm', 'openblas'],
      cwd: NATIVE,
      env: conformance,
      parse: 'plain',
    },
    {
      name: 'cross arm64 conformance (qemu, deno)',
      cmd: 'qemu-aarch64',
      args: [
        ARM64_DENO,
        'run',
        '--allow-read',
        '--allow-env',
        '--allow-ffi',
        '--allow-sys',
        'scripts/conformance.mjs',
        '--expect-gemm',
        'openblas',
      ],
      cwd: NATIVE,
      env: conformance,
      parse: 'plain',
    },
    {
      name: 'cross arm64 cargo (qemu)',
      cmd: 'cargo',
      args: cargoKernels(arm64.triple, full ? [] : SKIP.arm64),
      cwd: root,
      env: { ...arm64.env, CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER: 'qemu-aarch64', NEURITE_REQUIRE_OPENBLAS: '1' },
      parse: 'cargo',
    },
    {
      name: 'cross musl cargo',
      cmd: 'cargo',
      args: cargoKernels(TARGETS['linux-x64-musl'].triple, full ? [] : SKIP.musl),
      cwd: root,
      parse: 'cargo',
    },
  ];
}
