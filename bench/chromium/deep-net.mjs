#!/usr/bin/env node
// The course page's deep cat network [12288, 20, 7, 5, 1], 2,500 iterations of full-batch
// gradient descent on the course's train_catvnoncat.h5, trained in headless Chromium by the demo
// site itself (apps/demo, built by Vite), as a visitor would: on a cross-origin-isolated page
// (the WebAssembly backend on every core) and on a plain one (wasm on one thread). The time is the
// page's own "Time" for the training, medians of --repeats runs, interleaved.
//
//   node bench/chromium/deep-net.mjs [--repeats 3] [--iterations 2500]
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { DATASETS, DIST, ensureBuilt, launch, serve } from '../../apps/demo/test-e2e/harness.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const repeats = arg('repeats', 3);
const iterations = arg('iterations', 2500);
const load0 = loadavg()[0];

ensureBuilt();
const modes = [
  { name: 'wasm, all threads (COOP/COEP page)', headers: undefined },
  { name: 'wasm, 1 thread (plain page)', headers: {} },
];
const servers = await Promise.all(modes.map((m) => serve(DIST, m.headers)));
const browser = await launch();

async function trainOnce(url) {
  const page = await browser.newPage();
  await page.goto(`${url}course.html#cats`);
  await page.setInputFiles('#h5-input', [join(DATASETS, 'train_catvnoncat.h5'), join(DATASETS, 'test_catvnoncat.h5')]);
  await page.waitForFunction(() => /Loaded: 209/.test(document.getElementById('drop-status')?.textContent ?? ''), null, {
    timeout: 60_000,
  });
  const card = '.model[data-model="deep"]';
  await page.fill(`${card} .iters`, String(iterations));
  const backend = `${await page.getAttribute('#cat-backend', 'data-backend')} x${await page.getAttribute('#cat-backend', 'data-threads')}`;
  await page.click(`${card} .train`);
  await page.waitForSelector(`${card} [data-acc="test"]`, { timeout: 1_800_000 });
  const text = await page.textContent(`${card} .result`);
  const seconds = Number(/Time([\d.]+)s/.exec(text.replace(/\s+/g, ''))?.[1]);
  const test = await page.textContent(`${card} [data-acc="test"]`);
  await page.close();
  return { seconds, backend, test };
}

const runs = modes.map(() => []);
for (let r = 0; r < repeats; r++) {
  for (let i = 0; i < modes.length; i++) {
    const run = await trainOnce(servers[i].url);
    runs[i].push(run);
    console.error(`${modes[i].name} run ${r + 1}: ${run.seconds} s (${run.backend}), test accuracy ${run.test}`);
  }
}
await browser.close();
for (const s of servers) await s.close();

const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const lines = [
  '# Deep cat network in headless Chromium (the demo course page)',
  '',
  `${iterations} iterations of [12288, 20, 7, 5, 1] on train_catvnoncat.h5, trained by apps/demo's cat worker.`,
  '',
  '| page | backend | median s | ms/iteration | runs (s) | test accuracy |',
  '| --- | --- | ---: | ---: | --- | --- |',
  ...modes.map((m, i) => {
    const s = median(runs[i].map((r) => r.seconds));
    return `| ${m.name} | ${runs[i][0].backend} | ${s.toFixed(1)} | ${((1000 * s) / iterations).toFixed(2)} | ${runs[i].map((r) => r.seconds).join(', ')} | ${runs[i][0].test} |`;
  }),
  '',
  `- date: ${new Date().toISOString()}; ${cpus().length} CPUs (${cpus()[0]?.model}); 1-min load average ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end`,
  `- Chromium: ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'}; ${repeats} runs per page, interleaved`,
];
const out = lines.join('\n');
console.log(out);
writeFileSync(new URL('../results/chromium-deep.md', import.meta.url), `${out}\n`);
