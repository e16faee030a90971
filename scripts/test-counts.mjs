// How scripts/test-all.mjs reads each runner's own count of tests. The final line must add up
// what the runners count, tests and nothing else, so each parser reads the runner's test
// counters and never its suite, file or step counters. Tested in scripts/test/test-counts.test.mjs.

// Deno and cargo colour their summaries; counts are read from the plain text.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

export const plain = (text) => text.replace(ANSI, '');

/**
 * vitest's JSON report. Its "suites" are describe blocks and files (numFailedTestSuites counts
 * every describe that holds a failed test, so adding it counted one failure up to four times).
 * A failed file with no failed test in it (an import error, a failing beforeAll: its tests
 * never ran) is a failure vitest reports only as a file, so it counts as one.
 */
export function vitestCounts(report) {
  let brokenFiles = 0;
  for (const file of report.testResults ?? []) {
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed').length;
    if (file.status === 'failed' && failedTests === 0) brokenFiles++;
  }
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenFiles,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

function sumLines(text, re) {
  const total = { passed: 0, failed: 0, skipped: 0 };
  let found = false;
  for (const m of plain(text).matchAll(re)) {
    found = true;
    total.passed += Number(m.groups.passed);
    total.failed += Number(m.groups.failed);
    total.skipped += Number(m.groups.skipped ?? 0);
  }
  return found ? total : null;
}

/** `deno test`: "ok | 12 passed (3 steps) | 0 failed | 1 ignored (40ms)"; steps are not tests. */
export const denoCounts = (text) =>
  sumLines(
    text,
    /^(?:ok|FAILED) \| (?<passed>\d+) passed(?: \(\d+ steps?\))? \| (?<failed>\d+) failed(?: \(\d+ steps?\))?(?: \| (?<skipped>\d+) ignored)?/gm,
  );

/** `cargo test`: one "test result:" line per test binary and for the doc tests; ignored ones are skipped. */
export const cargoCounts = (text) =>
  sumLines(text, /^test result: \w+\. (?<passed>\d+) passed; (?<failed>\d+) failed; (?<skipped>\d+) ignored/gm);

/** `node --test` (TAP reporter): the "# pass", "# fail", "# skipped" and "# todo" trailer. */
export function tapCounts(text) {
  const t = plain(text);
  const count = (key) => Number(t.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
  if (!/^# pass \d+$/m.test(t)) return null;
  return { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') };
}

/**
 * A suite's counts from its runner's output and exit status. A non-zero exit without a
 * reported failure (a crash, a compile error, a runner that printed nothing) is one failure,
 * so it can never pass as green; `cleanPass` marks checks (lint, tsc) that count as one test.
 */
export function suiteCounts(counts, status, { cleanPass = false } = {}) {
  const c = counts ?? { passed: cleanPass && status === 0 ? 1 : 0, failed: 0, skipped: 0 };
  if (status !== 0 && c.failed === 0) return { ...c, passed: cleanPass ? 0 : c.passed, failed: 1, crashed: true };
  return c;
}

/** The plain closing line "N passed, N failed[, N skipped]" (scripts/conformance.mjs and the like); the last one counts. */
export function plainCounts(text) {
  const lines = [...plain(text).matchAll(/^(?:[\w-]+: )?(?<passed>\d+) passed, (?<failed>\d+) failed(?:, (?<skipped>\d+) skipped)?$/gm)];
  const m = lines.at(-1);
  return m ? { passed: Number(m.groups.passed), failed: Number(m.groups.failed), skipped: Number(m.groups.skipped ?? 0) } : null;
}
