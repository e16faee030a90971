import { type FloatDType, Generator, matmul, setBackend, type Tensor } from '@neurite/tensor';
import type { Command } from 'commander';
import { chooseBackend } from '../backends.ts';
import { UsageError } from '../errors.ts';
import { trainLoop } from '../loop.ts';
import { table } from '../metrics.ts';
import { buildModel, targetsFor } from '../model.ts';
import { commanderParser, DTYPES } from '../options.ts';
import { choice, integer, list, number, text } from '../parse.ts';
import { emit, makeReporter } from '../progress.ts';
import { resolveSettings } from '../resolve.ts';

const EXAMPLES = `
Examples:
  $ neurite bench                       every available backend, float64
  $ neurite bench --dtype float32 --backends native
  $ neurite bench --json
`;

/** GEMM shapes (m, k, n): square ones, and the course's deep model's first layer on the 209 cat images. */
const GEMMS: [number, number, number][] = [
  [64, 64, 64],
  [256, 256, 256],
  [512, 512, 512],
  [20, 12288, 209],
];

interface Row {
  backend: string;
  task: string;
  ms: number;
  gflops?: number;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description("time the available backends side by side: GEMM shapes and iterations of the course's three models (synthetic data)")
    .option(
      '--backends <names>',
      'comma-separated backends to run (default: every one that loads)',
      commanderParser(list(text('a backend name'))),
    )
    .option('--dtype <dtype>', 'float64 (default) | float32', commanderParser(choice(DTYPES)))
    .option(
      '-n, --iterations <count>',
      'training iterations timed per model (default: 20 logistic, 1000 shallow, 5 deep)',
      commanderParser(integer(1, 100000)),
    )
    .option('--min-time <seconds>', 'time each GEMM for at least this long (default 0.2)', commanderParser(number({ min: 0 })))
    .option('--json', 'one JSON object per measurement')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { backends?: string[]; dtype?: FloatDType; iterations?: number; minTime?: number; json?: boolean }) => {
      const info = await chooseBackend('auto');
      const loadable = info.registered.map((b) => b.name).filter((name) => !info.failures[name]);
      const names = options.backends ?? loadable;
      for (const name of names) {
        if (!info.registered.some((b) => b.name === name)) {
          throw new UsageError(`--backends: backend '${name}' is not available; available: ${loadable.join(', ')}`);
        }
      }
      const dtype = options.dtype ?? 'float64';
      const rows: Row[] = [];
      for (const name of names) {
        try {
          setBackend(name);
        } catch (error) {
          process.stderr.write(`neurite: skipping backend ${name}: ${(error as Error).message}\n`);
          continue;
        }
        for (const row of [...benchGemms(name, dtype, options.minTime ?? 0.2), ...(await benchModels(name, dtype, options.iterations))]) {
          rows.push(row);
          if (options.json) emit({ event: 'bench', dtype, ...row });
        }
      }
      if (!options.json) process.stdout.write(formatBench(rows, names, dtype));
    });
}

function benchGemms(backend: string, dtype: FloatDType, minTime: number): Row[] {
  const rng = new Generator(0);
  return GEMMS.map(([m, k, n]) => {
    const a = rng.randn([m, k], dtype);
    const b = rng.randn([k, n], dtype);
    const ms = timeIt(() => matmul(a, b), minTime);
    return { backend, task: `gemm ${m}x${k} * ${k}x${n}`, ms, gflops: (2 * m * k * n) / (ms * 1e6) };
  });
}

async function benchModels(backend: string, dtype: FloatDType, fixed: number | undefined): Promise<Row[]> {
  const rng = new Generator(1);
  const images = rng.rand([12288, 209], dtype);
  const cats = labels(rng, 209, dtype);
  const flower = rng.randn([2, 400], dtype);
  const flowerY = labels(rng, 400, dtype);
  // Enough iterations that each model takes a comparable fraction of a second; the tiny
  // shallow model needs many so the JIT has warmed up and the timer's resolution does not matter.
  const cases: [string, 'logistic' | 'shallow' | 'deep', Tensor, Tensor, number][] = [
    ['logistic [12288, 1], m=209', 'logistic', images, cats, 20],
    ['shallow [2, 4, 1], m=400', 'shallow', flower, flowerY, 1000],
    ['deep [12288, 20, 7, 5, 1], m=209', 'deep', images, cats, 5],
  ];
  const rows: Row[] = [];
  for (const [task, kind, X, Y, defaultIterations] of cases) {
    const iterations = fixed ?? defaultIterations;
    const s = resolveSettings({ model: kind, iterations, dtype, printEvery: 1_000_000 });
    const model = buildModel(s, X.shape[0], 2);
    const run = {
      model,
      X,
      Y: targetsFor(model, Y),
      labels: Y,
      settings: s,
      history: { iterations: [], costs: [], testCosts: [] },
      reporter: makeReporter('quiet', 'iteration'),
    };
    // A few iterations first: buffers are allocated on the first step and the JIT warms up; neither is timed.
    const warm = Math.min(3, iterations);
    await trainLoop({ ...run, settings: { ...s, total: warm }, done: 0, stopRequested: () => false });
    const result = await trainLoop({ ...run, settings: { ...s, total: warm + iterations }, done: warm, stopRequested: () => false });
    rows.push({ backend, task: `${task}, ms/iteration`, ms: (1000 * result.seconds) / iterations });
  }
  return rows;
}

function labels(rng: Generator, m: number, dtype: FloatDType): Tensor {
  const Y = rng.rand([1, m], dtype);
  for (let j = 0; j < m; j++) Y.data[j] = Y.data[j] > 0.5 ? 1 : 0;
  return Y;
}

/** Mean milliseconds per call, after one warm-up call, over at least `minTime` seconds. */
function timeIt(fn: () => unknown, minTime: number): number {
  fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < minTime * 1000 && calls < 1000);
  return elapsed / calls;
}

/** One column per backend (js first, the reference), then each other backend's speed-up over js. */
function formatBench(rows: Row[], names: string[], dtype: string): string {
  const backends = [...names].sort((a, b) => (a === 'js' ? -1 : b === 'js' ? 1 : 0));
  const others = backends.includes('js') ? backends.filter((b) => b !== 'js') : [];
  const tasks = [...new Set(rows.map((r) => r.task))];
  const header = ['task', ...backends.map((b) => `${b} ms`), ...others.map((b) => `${b} vs js`)];
  const body = tasks.map((task) => {
    const cell = (b: string) => rows.find((r) => r.backend === b && r.task === task);
    const js = cell('js');
    return [
      task,
      ...backends.map((b) => {
        const c = cell(b);
        return c ? `${c.ms.toFixed(3)}${c.gflops ? ` (${c.gflops.toFixed(1)} GFLOPS)` : ''}` : '-';
      }),
      ...others.map((b) => {
        const c = cell(b);
        return js && c ? `${(js.ms / c.ms).toFixed(1)}x` : '-';
      }),
    ];
  });
  return `Backends on this machine, ${dtype}, milliseconds per call (lower is better)\n${table([header, ...body])}`;
}
