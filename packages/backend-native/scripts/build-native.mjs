#!/usr/bin/env node
/**
 * Builds the Rust addon into packages/backend-native/neurite.<platform>.node.
 *
 *     node scripts/build-native.mjs                              # this machine's platform (pnpm build)
 *     node scripts/build-native.mjs --target linux-arm64-gnu     # a cross build (see scripts/targets.mjs)
 *     node scripts/build-native.mjs --target all --release       # every platform, as scripts/release.mjs does
 *
 * --release makes a missing OpenBLAS an error for the platforms that ship with it (build.rs
 * would otherwise fall back to the pure-Rust GEMM with a warning). Each missing tool fails
 * before cargo starts, with the command that installs it.
 *
 * Without a Rust toolchain, the host build is skipped with a warning (a developer can still
 * work on the js backend; @neurite/tensor then says in one line that native did not load),
 * except in CI (CI=true), where the addon is required.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostPlatform, TARGETS } from './targets.mjs';

// The package's own @napi-rs/cli, also when run from outside its scripts (scripts/release.mjs).
const local = new URL('../node_modules/.bin/napi', import.meta.url).pathname;
const NAPI = existsSync(local) ? local : 'napi';
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const host = hostPlatform();
const requested = value('--target') ?? host;
const platforms = requested === 'all' ? Object.keys(TARGETS) : requested.split(',');
const release = flag('--release');

function fail(message) {
  console.error(`backend-native: ${message}`);
  process.exit(1);
}

const cargo = spawnSync('cargo', ['--version'], { stdio: 'ignore' });
if (cargo.error || cargo.status !== 0) {
  const message = 'cargo not found; skipping the native addon (the js backend will be used). Install Rust from rustup to build it.';
  if (process.env.CI === 'true' || release || requested !== host) fail(`${message}\nThe native addon is required here.`);
  console.warn(`backend-native: ${message}`);
  process.exit(0);
}

function has(tool) {
  const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
  return !r.error;
}

function installedTargets() {
  const r = spawnSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n') : null;
}

/** Every reason a platform cannot be built here, each with the command that fixes it. */
function missing(platform, target) {
  const problems = [];
  if (platform !== host) {
    const installed = installedTargets();
    if (installed && !installed.includes(target.triple)) problems.push(`Rust target ${target.triple} (rustup target add ${target.triple})`);
  }
  for (const tool of target.tools) if (!has(tool)) problems.push(`${tool} (${target.setup})`);
  if (target.zig && !has('zig') && spawnSync('python3', ['-m', 'ziglang', 'version'], { stdio: 'ignore' }).status !== 0) {
    problems.push(`zig (${target.setup})`);
  }
  for (const file of target.files ?? []) if (!existsSync(file)) problems.push(`${file} (${target.setup})`);
  return problems;
}

for (const platform of platforms) {
  // A developer's own machine builds even when it is not a platform Neurite publishes.
  const target = TARGETS[platform] ?? (platform === host ? { triple: 'the host', gemm: 'openblas', tools: [] } : undefined);
  if (!target) fail(`unknown platform '${platform}': expected one of ${Object.keys(TARGETS).join(', ')}, or all`);
  const problems = missing(platform, target);
  if (problems.length) fail(`cannot build ${platform} here; missing ${problems.join('; ')}`);
  const napiArgs = ['build', '--platform', '--release', '--manifest-path', '../../native/node/Cargo.toml', '--output-dir', '.', '--no-js'];
  napiArgs.push('--dts', '../../native/target/binding.d.ts');
  if (platform !== host) napiArgs.push('--target', target.triple);
  if (target.zig) napiArgs.push('--cross-compile');
  const env = { ...process.env, ...target.env };
  if (release && target.gemm === 'openblas') env.NEURITE_REQUIRE_OPENBLAS = '1';
  console.log(`backend-native: building neurite.${platform}.node (${target.triple}, GEMM: ${target.gemm})`);
  const napi = spawnSync(NAPI, napiArgs, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (napi.status !== 0) fail(`napi build for ${platform} failed (exit ${napi.status ?? napi.signal})`);
}
