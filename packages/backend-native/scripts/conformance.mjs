#!/usr/bin/env node
/**
 * @neurite/tensor's conformance cases on the native backend, with nothing but Node or Deno
 * and the installed packages: no vitest, no esbuild, no other native tool. This is how a
 * binary for another platform is checked under emulation, e.g. the arm64 addon with the
 * arm64 Node from npm:
 *
 *     NEURITE_NATIVE_BINARY=neurite.linux-arm64-gnu.node qemu-aarch64 node-arm64/bin/node scripts/conformance.mjs
 *
 * Both the backend as shipped ('native': tiny ops stay in TypeScript) and 'native-all' (every
 * op through the Rust kernels) run. Prints one line per failure, a JSON line describing the
 * addon, and "N passed, N failed"; exits 1 on any failure. `--expect-gemm openblas` also fails
 * (as one more case) when the addon was built without that GEMM provider, so a cross build that
 * silently fell back to the pure-Rust GEMM cannot pass for the one that ships.
 */
import { ALWAYS_NATIVE, createNativeBackend, nativeBinding, nativeInfo, neuriteBackend } from '@neurite/backend-native';
import { registerBackend } from '@neurite/tensor';
import { conformanceCases } from '@neurite/tensor/testing';

registerBackend(neuriteBackend.name, neuriteBackend.load, neuriteBackend.priority);
registerBackend('native-all', () => createNativeBackend(nativeBinding(), ALWAYS_NATIVE, 'native-all'), -1);

const args = process.argv.slice(2);
const expectGemm = args.includes('--expect-gemm') ? args[args.indexOf('--expect-gemm') + 1] : undefined;
let passed = 0;
let failed = 0;
for (const backend of ['native', 'native-all']) {
  for (const c of conformanceCases(backend)) {
    try {
      c.fn();
      passed++;
    } catch (error) {
      failed++;
      console.log(`not ok ${backend}: ${c.name}: ${String(error?.message ?? error).split('\n')[0]}`);
    }
  }
}
const info = nativeInfo();
const runtime = typeof Deno === 'undefined' ? `node ${process.version}` : `deno ${Deno.version.deno}`;
console.log(JSON.stringify({ runtime, arch: process.arch, from: info.from, gemmProviders: info.gemmProviders, threads: info.threads }));
if (expectGemm) {
  if (info.gemmProviders.includes(expectGemm)) passed++;
  else {
    failed++;
    console.log(`not ok the addon has no ${expectGemm} GEMM provider (it has ${info.gemmProviders.join(', ')})`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
if (failed) process.exitCode = 1;
