// The wasm backend under Bun (the `bun` npm package, a devDependency): node --test e2e/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

function bunBinary() {
  try {
    return join(dirname(createRequire(join(pkg, 'package.json')).resolve('bun/package.json')), 'bin', 'bun.exe');
  } catch {
    return undefined;
  }
}

it('under Bun: the backend loads, runs 2 threads, and passes the conformance suite and the differential', { timeout: 600_000 }, () => {
  const bun = bunBinary();
  assert.ok(bun, "the bun package is missing: run 'pnpm install' (it is a devDependency of @neurite/backend-wasm)");
  const r = spawnSync(bun, ['--conditions=source', 'e2e/bun-suite.ts'], { cwd: pkg, encoding: 'utf8', timeout: 570_000 });
  assert.equal(r.status, 0, `bun exited with ${r.status ?? r.signal}: ${r.stderr}`);
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  const out = JSON.parse(line);
  assert.deepEqual(out.failures, []);
  assert.ok(out.passed >= 800, `only ${out.passed} cases ran`);
  assert.equal(out.chosen, 'wasm');
  assert.equal(out.info.shared, true, 'Bun has SharedArrayBuffer: the memory should be shared');
  assert.equal(out.info.running, 2, 'the GEMM worker did not join under Bun');
  assert.ok(out.info.parallelProducts > 0);
  console.log(`bun ${out.bun}: ${out.passed} passed; ${JSON.stringify(out.info)}`);
});
