#!/usr/bin/env node
// Runs every suite in the repo — lint, tsc, vitest (all packages, the docs), Deno, cargo, node
// --test, browser end-to-end — and ends with one line "N passed, N failed, N skipped" summed
// over all of them, each runner's own count of tests (scripts/test-counts.mjs).
//
//   node scripts/test-all.mjs                 every suite once, on this machine's defaults
//   node scripts/test-all.mjs --matrix        and the native suites again under other OpenBLAS
//                                             kernel families, GEMM providers and thread counts
//                                             (scripts/test-matrix.mjs; what CI runs)
//   node scripts/test-all.mjs --cross         and the other platforms' binaries: built, checked,
//                                             arm64 conformance under qemu (scripts/test-cross.mjs;
//                                             needs bash scripts/setup-cross.sh; CI runs it)
//   node scripts/test-all.mjs --cross --cross-full cross
//                                             only those, with the kernels' thread sweeps on
//                                             the cross targets too (minutes under qemu)
//   node scripts/test-all.mjs vitest deno     only the suites whose name contains a word
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cargoCounts, denoCounts, plainCounts, suiteCounts, tapCounts, vitestCounts } from './test-counts.mjs';
import { crossMissing, crossSuites } from './test-cross.mjs';
import { MATRIX, matrixEnv } from './test-matrix.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const withMatrix = args.includes('--matrix');
const withCross = args.includes('--cross') || args.includes('--cross-full');
const only = args.filter((a) => !a.startsWith('--'));
const results = [];
const started = Date.now();

function run(name, cmd, cmdArgs, cwd, parse, { env = {}, cleanPass = false } = {}) {
  if (only.length && !only.some((o) => name.includes(o))) return;
  const shownEnv = Object.entries(env).map(([k, v]) => `${k}=${v} `);
  console.log(`\n=== ${name}: ${shownEnv.join('')}${cmd} ${cmdArgs.join(' ')} (in ${cwd.replace(root, '') || '.'})`);
  const t0 = Date.now();
  const res = spawnSync(cmd, cmdArgs, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 28,
    env: { ...process.env, ...env },
  });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  process.stdout.write(output);
  const counts = suiteCounts(parse(output), res.status ?? 1, { cleanPass });
  if (counts.crashed) console.log(`${name}: exited with ${res.status ?? res.signal} without reporting a failure; counting it as one`);
  results.push({ name, seconds: (Date.now() - t0) / 1000, ...counts });
}

function workspacePackages() {
  const dirs = [];
  for (const group of ['packages', 'apps', 'tests']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const d of readdirSync(base)) if (existsSync(join(base, d, 'package.json'))) dirs.push(join(base, d));
  }
  for (const d of ['bench', 'examples']) if (existsSync(join(root, d, 'package.json'))) dirs.push(join(root, d));
  return dirs.map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }));
}

/** One vitest run (all projects, or the given files), counted from its JSON report. */
function vitest(name, files = [], env = {}) {
  const json = join(root, '.test-results', `${name.replace(/[^\w.-]+/g, '_')}.json`);
  rmSync(json, { force: true });
  const reporters = ['--reporter=default', '--reporter=json', `--outputFile.json=${json}`];
  run(
    name,
    'pnpm',
    ['exec', 'vitest', 'run', ...reporters, ...files],
    root,
    () => (existsSync(json) ? vitestCounts(JSON.parse(readFileSync(json, 'utf8'))) : null),
    { env },
  );
}

mkdirSync(join(root, '.test-results'), { recursive: true });

// 0. Static checks count as one test each when they exit 0.
run('lint (biome)', 'pnpm', ['exec', 'biome', 'check', '.'], root, () => null, { cleanPass: true });
run('typecheck (tsc)', 'pnpm', ['exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only'], root, () => null, { cleanPass: true });

// 1. vitest: one run over every package's project, the README docs included.
vitest('vitest');

// 1b. The other platforms' binaries, before the install tests, so that the release set they
// publish has every platform (scripts/release.mjs --targets built).
if (withCross) {
  const parsers = { clean: () => null, tap: tapCounts, plain: plainCounts, cargo: cargoCounts };
  const missing = crossMissing();
  if (missing.length) console.log(`cross: ${missing.join(', ')} missing: run bash scripts/setup-cross.sh first`);
  for (const s of crossSuites({ full: args.includes('--cross-full') }))
    run(s.name, s.cmd, s.args, s.cwd, parsers[s.parse], { env: s.env, cleanPass: s.parse === 'clean' });
}

// 2. Package suites that are not vitest: Deno, cargo, browser end-to-end, node --test.
for (const { dir, pkg } of workspacePackages()) {
  const scripts = pkg.scripts ?? {};
  if (scripts['test:deno']) run(`deno ${pkg.name}`, 'pnpm', ['run', '--silent', 'test:deno'], dir, denoCounts);
  if (scripts['test:cargo']) run(`cargo ${pkg.name}`, 'pnpm', ['run', '--silent', 'test:cargo'], dir, cargoCounts);
  if (scripts['test:e2e']) run(`e2e ${pkg.name}`, 'pnpm', ['run', '--silent', 'test:e2e'], dir, tapCounts);
}
run('scripts (node --test)', process.execPath, ['--test', '--test-reporter=tap', 'scripts/test/'], root, tapCounts);

// 3. The kernel paths other machines take: the native suites under each matrix entry.
if (withMatrix) {
  for (const entry of MATRIX) {
    const env = matrixEnv(entry);
    if (entry.suite === 'cargo') {
      run(`matrix ${entry.name} cargo`, 'pnpm', ['run', '--silent', 'test:cargo'], join(root, 'packages/backend-native'), cargoCounts, {
        env,
      });
    } else vitest(`matrix ${entry.name}`, entry.files, env);
  }
}

console.log('\n=== summary');
for (const r of results) {
  console.log(`${r.name}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''} (${r.seconds.toFixed(0)} s)`);
}
const total = results.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});
console.log(`total time ${((Date.now() - started) / 60000).toFixed(1)} min`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
