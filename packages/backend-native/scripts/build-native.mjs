#!/usr/bin/env node
// Builds the Rust addon when a Rust toolchain is present. Without one, a developer can still
// set up the workspace and train: the package then fails to load and @neurite/tensor says so
// in one line and uses the js backend. CI (CI=true) must build it, so there it is an error.
import { spawnSync } from 'node:child_process';

const cargo = spawnSync('cargo', ['--version'], { stdio: 'ignore' });
if (cargo.error || cargo.status !== 0) {
  const message =
    'backend-native: cargo not found; skipping the native addon (the js backend will be used). Install Rust from rustup to build it.';
  if (process.env.CI === 'true') {
    console.error(`${message}\nCI=true: the native addon is required here.`);
    process.exit(1);
  }
  console.warn(message);
  process.exit(0);
}
const args = [
  'build',
  '--platform',
  '--release',
  '--manifest-path',
  '../../native/node/Cargo.toml',
  '--output-dir',
  '.',
  '--no-js',
  '--dts',
  '../../native/target/binding.d.ts',
];
const napi = spawnSync('napi', args, { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(napi.status ?? 1);
