#!/usr/bin/env node
// Runs every suite in the repo — vitest (all packages), Deno, cargo, browser end-to-end —
// and ends with one line "N passed, N failed, N skipped" summed over all of them.
// A suite that exits non-zero without reporting a failure counts as one failure, so a crash
// can never pass as green.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// Deno and cargo colour their summaries; counts are read from the plain text.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const results = [];
const only = process.argv.slice(2);

function run(name, cmd, args, cwd, parse) {
  if (only.length && !only.some((o) => name.includes(o))) return;
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')} (in ${cwd.replace(root, '') || '.'})`);
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28, env: process.env });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  process.stdout.write(output);
  const counts = parse(output.replace(ANSI, '')) ?? { passed: 0, failed: 0, skipped: 0 };
  if (res.status !== 0 && counts.failed === 0) {
    console.log(`${name}: exited with ${res.status ?? res.signal} without reporting a failure; counting it as one`);
    counts.failed = 1;
    if (parse.length === 0) counts.passed = 0;
  }
  results.push({ name, ...counts });
}

function sumMatches(output, re) {
  let passed = 0;
  let failed = 0;
  let found = false;
  for (const m of output.matchAll(re)) {
    found = true;
    passed += Number(m.groups.passed);
    failed += Number(m.groups.failed);
  }
  return found ? { passed, failed, skipped: 0 } : null;
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

// 0. Static checks count as suites, so a lint or type error shows in the final line too.
// A check passes as one test when it exits 0; run() counts a non-zero exit as one failure.
const passIfClean = () => ({ passed: 1, failed: 0, skipped: 0 });
run('lint (biome)', 'pnpm', ['exec', 'biome', 'check', '.'], root, passIfClean);
run('typecheck (tsc)', 'pnpm', ['exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only'], root, passIfClean);

// 1. vitest: one run over every package's project.
mkdirSync(join(root, '.test-results'), { recursive: true });
const vitestJson = join(root, '.test-results', 'vitest.json');
run('vitest', 'pnpm', ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`], root, () => {
  if (!existsSync(vitestJson)) return null;
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  return { passed: r.numPassedTests, failed: r.numFailedTests + (r.numFailedTestSuites ?? 0), skipped: r.numPendingTests + r.numTodoTests };
});

// 2. Package suites that are not vitest: Deno, cargo, browser end-to-end.
for (const { dir, pkg } of workspacePackages()) {
  const scripts = pkg.scripts ?? {};
  if (scripts['test:deno']) {
    run(`deno ${pkg.name}`, 'pnpm', ['run', '--silent', 'test:deno'], dir, (out) =>
      sumMatches(out, /(?:ok|FAILED) \| (?<passed>\d+) passed(?: \(\d+ steps?\))? \| (?<failed>\d+) failed/g),
    );
  }
  if (scripts['test:cargo']) {
    run(`cargo ${pkg.name}`, 'pnpm', ['run', '--silent', 'test:cargo'], dir, (out) =>
      sumMatches(out, /test result: \w+\. (?<passed>\d+) passed; (?<failed>\d+) failed/g),
    );
  }
  if (scripts['test:e2e']) {
    run(`e2e ${pkg.name}`, 'pnpm', ['run', '--silent', 'test:e2e'], dir, (out) => {
      const pass = out.match(/^# pass (\d+)$/m);
      const fail = out.match(/^# fail (\d+)$/m);
      const skip = out.match(/^# skipped (\d+)$/m);
      return pass ? { passed: Number(pass[1]), failed: Number(fail?.[1] ?? 0), skipped: Number(skip?.[1] ?? 0) } : null;
    });
  }
}

console.log('\n=== summary');
for (const r of results) console.log(`${r.name}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
const total = results.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
