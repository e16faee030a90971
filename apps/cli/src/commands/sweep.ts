import type { Command } from 'commander';
import { chooseBackend } from '../backends.ts';
import { readConfig } from '../config.ts';
import { loadData } from '../data/load.ts';
import { InterruptedError, UsageError } from '../errors.ts';
import { trainLoop } from '../loop.ts';
import { classificationMetrics, predictClasses, table } from '../metrics.ts';
import { buildModel, type History, targetsFor } from '../model.ts';
import { addSettings, flagOf, givenSettings, SETTINGS, type SettingKey } from '../options.ts';
import { writeCostPlot } from '../plots.ts';
import { emit, makeReporter } from '../progress.ts';
import { mergeSettings, type Resolved, resolveSettings } from '../resolve.ts';
import { formatSeconds, percent } from './train.ts';

const EXAMPLES = `
Examples:
  $ neurite sweep --hidden 1,2,3,4,5,20,50 --iterations 5000           the course's hidden-layer sizes on the flower
  $ neurite sweep --data cats:train_catvnoncat.h5,test_catvnoncat.h5 --model logistic \\
      --lr 0.01,0.001,0.0001 --iterations 1500 --plot lr.png           the course's learning rates
  $ neurite sweep --layers "20,7,5;10,5;4" --optimizer gd,adam --json   every combination (3 x 2 runs)
`;

export function registerSweep(program: Command): void {
  const command = program
    .command('sweep')
    .description('train one model per combination of settings and compare final cost and train/test accuracy')
    .option('-c, --config <file>', 'read settings from a .json or .yaml file (lists sweep; flags override it)');
  addSettings(command, { keys: SETTINGS.map((s) => s.key).filter((k) => k !== 'resume' && k !== 'out' && k !== 'overwrite'), sweep: true });
  command.addHelpText('after', EXAMPLES).action(async (_options: unknown, cmd: Command) => sweepCommand(cmd));
}

interface RunResult {
  label: string;
  settings: Resolved;
  cost: number;
  train: number;
  test?: number;
  seconds: number;
  history: History;
}

async function sweepCommand(cmd: Command): Promise<void> {
  const configPath = cmd.opts().config as string | undefined;
  const given = mergeSettings(configPath ? readConfig(configPath, { sweep: true }) : {}, givenSettings(cmd)) as Record<string, unknown>;
  const swept = SETTINGS.filter((s) => s.sweepable && Array.isArray(given[s.key])).map((s) => s.key);
  const axes = swept.filter((k) => (given[k] as unknown[]).length > 1);
  const grid = cartesian(swept.map((k) => (given[k] as unknown[]).map((v) => [k, v] as const)));
  if (axes.length === 0) throw new UsageError('sweep: give at least one setting with several values, e.g. --lr 0.1,0.01 or --hidden 1,2,3');
  if (grid.length > 200) throw new UsageError(`sweep: ${grid.length} combinations is too many (at most 200); give fewer values`);
  const first = resolveSettings({ ...given, ...Object.fromEntries(grid[0]) });
  const backend = await chooseBackend(first.backend);
  const data = await loadData({
    data: first.data,
    testData: first.testData,
    testSplit: first.testSplit,
    label: first.label,
    dtype: first.dtype,
  });
  const json = first.json;
  if (!json && !first.quiet)
    process.stdout.write(
      `Sweeping ${axes.map(flagOf).join(' x ')} (${grid.length} runs) on ${data.description}, backend ${backend.name}\n`,
    );

  let stopRequested = false;
  let stoppedBy: 'SIGINT' | 'SIGTERM' = 'SIGINT';
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (!stopRequested) stoppedBy = signal;
    stopRequested = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const results: RunResult[] = [];
  try {
    for (const [i, combo] of grid.entries()) {
      if (stopRequested) break;
      const s = resolveSettings({ ...given, ...Object.fromEntries(combo) });
      const label = axes.map((k) => `${flagOf(k).slice(2)} ${String(combo.find(([key]) => key === k)?.[1])}`).join(', ');
      const model = buildModel(s, data.X.shape[0], data.classes.length, data.input);
      const X = model.prepareInput(data.X);
      const test = data.test ? { X: model.prepareInput(data.test.X), Y: targetsFor(model, data.test.Y) } : undefined;
      const history: History = { iterations: [], costs: [], testCosts: [] };
      const run = await trainLoop({
        model,
        X,
        Y: targetsFor(model, data.Y),
        labels: data.Y,
        validation: test && data.test ? { ...test, labels: data.test.Y } : undefined,
        settings: s,
        done: 0,
        history,
        reporter: makeReporter('quiet', s.unit),
        stopRequested: () => stopRequested,
      });
      if (run.interrupted) break;
      const k = data.classes.length;
      const train = classificationMetrics(predictClasses(model.predictProba(X)), data.Y.data, k).accuracy;
      const testAcc =
        data.test && test ? classificationMetrics(predictClasses(model.predictProba(test.X)), data.test.Y.data, k).accuracy : undefined;
      const result: RunResult = { label, settings: s, cost: run.lastCost, train, test: testAcc, seconds: run.seconds, history };
      results.push(result);
      if (json) {
        emit({
          event: 'run',
          run: i + 1,
          of: grid.length,
          settings: Object.fromEntries(combo.filter(([k]) => axes.includes(k))),
          cost: result.cost,
          trainAccuracy: train,
          testAccuracy: testAcc,
          seconds: run.seconds,
        });
      } else if (!first.quiet) {
        const testText = testAcc === undefined ? '' : `, test ${percent(testAcc)}`;
        process.stdout.write(
          `[${i + 1}/${grid.length}] ${label}: cost ${result.cost.toFixed(6)}, train ${percent(train)}${testText} (${formatSeconds(run.seconds)})\n`,
        );
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (first.plot && results.length)
    await writeCostPlot(
      first.plot,
      results.map((r) => ({ name: r.label, history: r.history })),
      first.unit,
    );
  if (!json) process.stdout.write(`\n${formatTable(results, axes)}`);
  if (!json && first.plot) process.stdout.write(`Wrote cost curves to ${first.plot}\n`);
  if (results.length < grid.length)
    throw new InterruptedError(`sweep interrupted by ${stoppedBy} after ${results.length} of ${grid.length} runs`, stoppedBy);
}

function formatTable(results: RunResult[], axes: SettingKey[]): string {
  const hasTest = results.some((r) => r.test !== undefined);
  const header = [...axes.map((k) => flagOf(k).slice(2)), 'final cost', 'train acc', ...(hasTest ? ['test acc'] : []), 'time'];
  const rows = results.map((r) => [
    ...axes.map((k) => format((r.settings as unknown as Record<string, unknown>)[k])),
    r.cost.toFixed(6),
    percent(r.train),
    ...(hasTest ? [r.test === undefined ? '-' : percent(r.test)] : []),
    formatSeconds(r.seconds),
  ]);
  return table([header, ...rows]);
}

function format(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

function cartesian<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}
