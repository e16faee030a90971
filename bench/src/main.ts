import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { useDigitFiles } from './cnn/data.ts';
import { IsolatedRunner } from './isolate.ts';
import { fullTiming, quickTiming } from './measure.ts';
import { describePeak, measurePeak } from './peak.ts';
import { cnnLosses, legend, rssTable, table, trainingTables, usePeak } from './report.ts';
import { runners } from './runners/index.ts';
import { useRealCatData } from './train/real-data.ts';
import { isIsolated, isTraining, workloads } from './workloads.ts';

/*
 * Usage: pnpm --filter @neurite/bench bench [--quick] [--only <substring>] [--runners js,numpy] [--real-data]
 * Prints markdown tables; a full unfiltered run also rewrites results/latest.md, other runs
 * write results/partial.md (git-ignored) so a CI smoke run never clobbers the committed numbers.
 */

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    runners: { type: 'string' },
    'real-data': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`bench [--quick] [--only <substring> ...] [--runners ${runners.map((r) => r.name).join(',')}] [--real-data]`);
  console.log(`workloads:\n${workloads.map((w) => `  ${w.id}  ${w.title}`).join('\n')}`);
  process.exit(0);
}

const only = values.only ?? [];
const all = values['real-data']
  ? await useRealCatData(workloads).catch((error: Error) => {
      console.error(`bench: ${error.message}`);
      process.exit(2);
    })
  : workloads;
const matching = all.filter((w) => only.length === 0 || only.some((s) => `${w.id} ${w.title}`.toLowerCase().includes(s.toLowerCase())));
// The LeNet workloads' digits and initial weights, as files every runner reads (cnn/data.ts).
const selected = await useDigitFiles(matching).catch((error: Error) => {
  console.error(`bench: the LeNet workloads need the digits (the mnist package): ${error.message}`);
  process.exit(2);
});
if (selected.length === 0) {
  console.error(`bench: --only ${only.join(', ')} matches no workload; ids: ${workloads.map((w) => w.id).join(', ')}`);
  process.exit(2);
}
const wanted = values.runners?.split(',').map((s) => s.trim());
const unknown = wanted?.filter((name) => !runners.some((r) => r.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`bench: --runners: unknown ${unknown.join(', ')}; expected some of ${runners.map((r) => r.name).join(', ')}`);
  process.exit(2);
}
const chosen = runners.filter((r) => !wanted || wanted.includes(r.name));
const timing = values.quick ? quickTiming : fullTiming;
const log = (line: string) => console.error(line);

// The FMA peak first, on an otherwise idle process tree (it keeps both cores busy for ~10 s).
log('measuring the FMA peak (bench/peak/fma_peak.c)');
const peak = measurePeak();
usePeak(peak);
log(describePeak(peak));
const loadAtStart = os.loadavg()[0];
const started = await Promise.all(chosen.map((entry) => IsolatedRunner.start(entry)));
for (const r of started) if (r.report.skipped) log(`${r.report.name}: column skipped: ${r.report.skipped}`);
const active = started.filter((r) => !r.report.skipped);
// Workload-major: the cells of one row are measured close together in time (see isolate.ts).
for (const w of selected.filter((w) => !isIsolated(w))) {
  log(w.title);
  for (const r of active) await r.run(w, timing);
}
await Promise.all(started.map((r) => r.stop()));
// Training and convolutions: a fresh child per (workload, runner), one at a time, so each child's
// peak RSS is that workload's alone and no other child competes for the two cores.
for (const w of selected.filter(isIsolated)) {
  log(w.title);
  for (const r of active) {
    const child = await IsolatedRunner.start(chosen.find((e) => e.name === r.report.name) as (typeof chosen)[number]);
    if (child.report.skipped) r.report.cells.set(w.id, { ok: false, reason: `failed: ${child.report.skipped}` });
    else {
      await child.run(w, timing);
      r.report.cells.set(w.id, child.report.cells.get(w.id) ?? { ok: false, reason: 'failed: no cell' });
    }
    await child.stop();
  }
}
const results = started.map((r) => r.report);

const failures = results.flatMap((r) =>
  [...r.cells].flatMap(([id, c]) => (!c.ok && !c.reason.startsWith('n/a') ? [`${r.name} ${id}: ${c.reason}`] : [])),
);
const load = `1-min load average ${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0].toFixed(1)} at end, on ${os.cpus().length} CPUs`;
const micro = selected.filter((w) => !isTraining(w));
const convs = selected.filter((w) => w.spec.kind === 'conv' || w.spec.kind === 'cnn');
const lenets = selected.filter((w) => w.spec.kind === 'cnn');
const training = selected.filter(isTraining);
const data = values['real-data'] ? "training on the course's cat images (--real-data)" : 'training on seeded random data';
const mode = `${values.quick ? 'quick (fewer repeats: smoke test, not numbers to quote)' : 'full'}; ${training.length ? `${data}; ` : ''}${load}`;
const markdown = [
  '# Neurite benchmark',
  '',
  ...(micro.length ? [table(micro, results), ''] : []),
  ...(convs.length ? [rssTable(convs, results), ''] : []),
  ...(lenets.length ? [cnnLosses(lenets, results), ''] : []),
  ...(training.length ? [trainingTables(training, results), ''] : []),
  legend(results, only.length ? `${mode}, --only ${only.join(' ')}` : mode, describePeak(peak)),
  ...(failures.length ? ['', '## Failures', '', ...failures.map((f) => `- ${f}`)] : []),
  '',
].join('\n');
console.log(markdown);

const dir = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const file = !values.quick && only.length === 0 && !wanted && !values['real-data'] ? 'latest.md' : 'partial.md';
writeFileSync(`${dir}${file}`, markdown);
log(`written to bench/results/${file}`);
if (failures.length) process.exitCode = 1;
