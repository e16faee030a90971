// The summary line of scripts/test-all.mjs counts what the runners count. The reports below are
// in each runner's own format (vitest 4.1's JSON reporter, deno 2.9, cargo 1.95, node 20's TAP).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cargoCounts, denoCounts, plainCounts, suiteCounts, tapCounts, vitestCounts } from '../test-counts.mjs';

const ESC = String.fromCharCode(27);

// Three files as vitest 4.1.12 reported them: a.test (2 failed tests, inside two nested
// describes and at the top level, 1 passed, 1 skipped, 1 todo), b.test (threw on import: no
// tests), c.test (its beforeAll threw: its one test is reported as skipped). vitest printed
// "Test Files 3 failed (3)" and "Tests 2 failed | 1 passed | 2 skipped | 1 todo (6)", and
// numFailedTestSuites was 5 (every describe and file on the way to a failure).
const report = {
  numTotalTestSuites: 5,
  numPassedTestSuites: 0,
  numFailedTestSuites: 5,
  numTotalTests: 6,
  numPassedTests: 1,
  numFailedTests: 2,
  numPendingTests: 2,
  numTodoTests: 1,
  testResults: [
    {
      name: 'a.test.mjs',
      status: 'failed',
      assertionResults: [{ status: 'failed' }, { status: 'passed' }, { status: 'skipped' }, { status: 'todo' }, { status: 'failed' }],
    },
    { name: 'b.test.mjs', status: 'failed', message: 'import failed', assertionResults: [] },
    { name: 'c.test.mjs', status: 'failed', message: 'hook', assertionResults: [{ status: 'skipped' }] },
  ],
};

describe('vitest JSON report', () => {
  it('counts failed tests once each, not once per enclosing describe block', () => {
    const first = { ...report, testResults: report.testResults.slice(0, 1) };
    assert.deepEqual(vitestCounts(first), { passed: 1, failed: 2, skipped: 3 });
  });

  it('counts a file that failed without a failed test (import error, failing hook) as one failure', () => {
    assert.deepEqual(vitestCounts(report), { passed: 1, failed: 4, skipped: 3 });
  });

  it('an all-green report', () => {
    const green = { numPassedTests: 1986, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, testResults: [{ status: 'passed' }] };
    assert.deepEqual(vitestCounts(green), { passed: 1986, failed: 0, skipped: 0 });
  });
});

describe('text summaries', () => {
  it('deno: tests, not steps; coloured output; ignored tests are skipped', () => {
    assert.deepEqual(denoCounts(`${ESC}[0m${ESC}[32mok${ESC}[0m | 477 passed | 0 failed ${ESC}[0m${ESC}[38;5;245m(464ms)${ESC}[0m\n`), {
      passed: 477,
      failed: 0,
      skipped: 0,
    });
    assert.deepEqual(denoCounts('FAILED | 4 passed (10 steps) | 1 failed (2 steps) | 2 ignored (8ms)\n'), {
      passed: 4,
      failed: 1,
      skipped: 2,
    });
    assert.equal(denoCounts('error: Module not found\n'), null);
  });

  it('cargo: every test binary and the doc tests add up', () => {
    const out = [
      'test result: ok. 120 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.41s',
      'test result: FAILED. 7 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s',
      'test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s',
    ].join('\n');
    assert.deepEqual(cargoCounts(out), { passed: 127, failed: 2, skipped: 1 });
  });

  it('node --test TAP trailer, with cancelled tests as failures', () => {
    const out = '# tests 9\n# suites 2\n# pass 6\n# fail 1\n# cancelled 1\n# skipped 1\n# todo 0\n# duration_ms 52\n';
    assert.deepEqual(tapCounts(out), { passed: 6, failed: 2, skipped: 1 });
    assert.equal(tapCounts('Error: Cannot find module\n'), null);
  });

  it('the plain closing line, the last one printed (conformance.mjs under emulation)', () => {
    const out = 'not ok native: exp: 1 != 2\n{"arch":"arm64"}\n57 passed, 1 failed\nnative-all: 580 passed, 2 failed, 3 skipped\n';
    assert.deepEqual(plainCounts(out), { passed: 580, failed: 2, skipped: 3 });
    assert.deepEqual(plainCounts(`${ESC}[32m12 passed, 0 failed${ESC}[0m\n`), { passed: 12, failed: 0, skipped: 0 });
    assert.equal(plainCounts('it passed, mostly\n'), null);
  });
});

describe('exit status', () => {
  it('a non-zero exit without a reported failure is one failure', () => {
    assert.deepEqual(suiteCounts(null, 1), { passed: 0, failed: 1, skipped: 0, crashed: true });
    assert.equal(suiteCounts({ passed: 5, failed: 0, skipped: 0 }, 134).failed, 1);
    assert.deepEqual(suiteCounts({ passed: 5, failed: 2, skipped: 0 }, 1), { passed: 5, failed: 2, skipped: 0 });
  });

  it('a check (lint, tsc) is one passed test when clean and one failure otherwise', () => {
    assert.deepEqual(suiteCounts(null, 0, { cleanPass: true }), { passed: 1, failed: 0, skipped: 0 });
    assert.deepEqual(suiteCounts(null, 2, { cleanPass: true }), { passed: 0, failed: 1, skipped: 0, crashed: true });
  });
});
