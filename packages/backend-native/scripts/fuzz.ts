/**
 * The differential fuzz in full: random op programs on the js backend and on native (every op
 * through Rust, or as shipped), compared op by op within each op's error bound (test/fuzz.ts).
 * Run: npx tsx --conditions=source scripts/fuzz.ts [--programs 10000] [--backend native-all]
 *   [--start 0] [--small]
 * Prints every failing program and a count of the ops run by kind and size; exits 1 on any failure.
 */
import { describeFailure, FULL_OPTIONS, runProgram, TEST_OPTIONS } from '../test/fuzz.ts';
import '../test/setup.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const programs = Number(option('programs', '10000'));
const start = Number(option('start', '0'));
const backend = option('backend', 'native-all');
const opts = args.includes('--small') ? TEST_OPTIONS : FULL_OPTIONS;

const kinds = new Map<string, { ops: number; big: number }>();
let failures = 0;
let ops = 0;
const began = performance.now();
for (let p = 0; p < programs; p++) {
  // Half float32, half float64, each program its own seed.
  const dtype = p % 2 === 0 ? 'float32' : 'float64';
  const failure = runProgram(start + p, dtype, backend, opts, (name, elements) => {
    ops++;
    const kind = name.split(' ')[0];
    const k = kinds.get(kind) ?? { ops: 0, big: 0 };
    k.ops++;
    // 32,768 elements: where the kernels start splitting work across threads.
    if (elements >= 32_768) k.big++;
    kinds.set(kind, k);
  });
  if (failure) {
    failures++;
    console.log(`FAIL ${describeFailure(failure)}`);
  }
  if ((p + 1) % 500 === 0) {
    const s = ((performance.now() - began) / 1000).toFixed(0);
    console.error(`${p + 1}/${programs} programs, ${ops} ops, ${failures} failed, ${s} s`);
  }
}
console.log(`\n| op | ops | with >= 32768 elements |\n|---|---|---|`);
for (const [kind, k] of [...kinds].sort((a, b) => b[1].ops - a[1].ops)) console.log(`| ${kind} | ${k.ops} | ${k.big} |`);
console.log(`\n${programs} programs (${ops} ops) on js vs ${backend}: ${failures} failed`);
process.exit(failures ? 1 : 0);
