import { join, resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import { chooseBackend } from '../backends.ts';
import { readConfig } from '../config.ts';
import { checkRecordedData, fingerprint } from '../data/files.ts';
import { loadData } from '../data/load.ts';
import { InterruptedError, UsageError } from '../errors.ts';
import { checkOut, freeCheckpoint } from '../folder.ts';
import { trainLoop } from '../loop.ts';
import { classificationMetrics, predictClasses } from '../metrics.ts';
import {
  buildModel,
  CLI_FILE,
  type CliMeta,
  type History,
  type LoadedModel,
  loadModelFolderChecked,
  saveModelFolder,
  targetsFor,
} from '../model.ts';
import { addSettings, flagOf, givenSettings, type SettingKey, type TrainSettings } from '../options.ts';
import { writeCostPlot } from '../plots.ts';
import { chooseReporter, emit, makeReporter } from '../progress.ts';
import { describeModel, mergeSettings, modelName, type Resolved, resolveSettings } from '../resolve.ts';

const EXAMPLES = `
Examples:
  $ neurite train                                   the course's planar model: 4 tanh units, 10000 iterations, about 90%
  $ neurite train --model logistic                  logistic regression on the same flower (about 47%)
  $ neurite train --data cats:train_catvnoncat.h5,test_catvnoncat.h5 --model deep --out cat-model
  $ neurite train --data moons:noise=0.1 --layers 8,8 --optimizer adam --iterations 2000 --plot cost.svg
  $ neurite train --data csv:iris.csv --label species --test-split 0.2 --json
  $ neurite train --config run.yaml --lr 0.5           flags override the config file
  $ neurite train --resume neurite-checkpoint         continue after Ctrl-C
`;

export const DEFAULT_CHECKPOINT = 'neurite-checkpoint';

export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description("train a model; with no options, the course's planar model on the flower data")
    .option('-c, --config <file>', 'read settings from a .json or .yaml file (flags override it)');
  addSettings(command);
  command.addHelpText('after', EXAMPLES).action(async (_options: unknown, cmd: Command) => trainCommand(cmd));
}

/** Settings a resumed run may change: how long, and where and how it reports. */
const RESUME_MAY_CHANGE: SettingKey[] = [
  'iterations',
  'epochs',
  'printEvery',
  'out',
  'overwrite',
  'plot',
  'json',
  'quiet',
  'backend',
  'resume',
];

async function trainCommand(cmd: Command): Promise<void> {
  const flags = givenSettings(cmd);
  const configPath = cmd.opts().config as string | undefined;
  const config = configPath ? readConfig(configPath) : {};
  const given = mergeSettings(config, flags);
  let resumed: LoadedModel | null = null;
  let s: Resolved;
  if (given.resume) {
    resumed = await loadModelFolderChecked(given.resume, '--resume');
    if (!resumed.meta)
      throw new UsageError(
        `--resume: '${given.resume}' has no training state (${'neurite-cli.json'}); it was not written by neurite train`,
      );
    s = resumeSettings(resumed.meta.settings, given);
    if (resumed.meta.done >= s.total) {
      throw new UsageError(
        `--resume: '${given.resume}' has already trained ${resumed.meta.done} of ${s.total} ${s.unit}s`,
        `give --${s.unit === 'epoch' ? 'epochs' : 'iterations'} more than ${resumed.meta.done} to train further`,
      );
    }
  } else {
    s = resolveSettings(given);
  }
  // Refuse a bad --out before training rather than after it. Saving back into the folder a
  // run resumed from replaces that checkpoint, which is what resuming asks for.
  if (s.overwrite && !s.out) throw new UsageError('--overwrite replaces the model saved in --out; give --out too');
  const intoResumed = (dir: string) => given.resume !== undefined && resolvePath(dir) === resolvePath(given.resume);
  const replaces = s.out ? checkOut(s.out, '--out', s.overwrite || intoResumed(s.out)) : null;
  const overwriteOf = (dir: string) => intoResumed(dir) || (dir === s.out && s.overwrite);
  if (resumed) {
    // The checkpoint names its data; read only files its training recorded, unchanged.
    const where = `--resume: '${join(given.resume as string, CLI_FILE)}'`;
    if (given.data === undefined) checkRecordedData(s.data, resumed.meta?.dataFiles, where, '--data');
    if (s.testData && given.testData === undefined) checkRecordedData(s.testData, resumed.meta?.dataFiles, where, '--test-data');
  }
  const backend = await chooseBackend(s.backend);
  const kind = chooseReporter(s);
  const data = await loadData({
    data: s.data,
    testData: s.testData,
    testSplit: s.testSplit,
    validationSplit: s.validationSplit,
    label: s.label,
    dtype: s.dtype,
  });
  const nx = data.X.shape[0];
  const model = resumed?.model ?? buildModel(s, nx, data.classes.length, data.input);
  if (model.inputUnits !== nx) throw new UsageError(`--resume: the model takes ${model.inputUnits} features, the data has ${nx}`);
  const X = model.prepareInput(data.X);
  const Y = targetsFor(model, data.Y);
  const test = data.test
    ? { X: model.prepareInput(data.test.X, 'test X'), Y: targetsFor(model, data.test.Y), labels: data.test.Y }
    : undefined;
  // Scored at every recorded pass: the --validation-split set, else the test set.
  const validation = data.validation
    ? { X: model.prepareInput(data.validation.X, 'validation X'), Y: targetsFor(model, data.validation.Y), labels: data.validation.Y }
    : test;
  const meta: CliMeta = resumed?.meta ?? {
    format: 'neurite-cli',
    version: 1,
    settings: s,
    data: data.description,
    input: data.input,
    classes: data.classes,
    done: 0,
    finished: false,
    history: { iterations: [], costs: [], testCosts: [] },
    seconds: 0,
    dataFiles: fingerprint([s.data, s.testData]),
  };
  meta.settings = s;
  const outputs = model.outputUnits;
  const reporter = makeReporter(kind, s.unit);
  const testNote =
    (test ? `, test ${test.X.shape[1]} examples` : '') +
    (data.validation ? `, validation ${data.validation.X.shape[1]} examples` : test ? ', also the validation set' : '');
  reporter.note(
    `Training ${describeModel(s, nx, outputs)} on ${data.description} (${X.shape[1]} examples${testNote}), backend ${backend.name}`,
    {
      event: 'config',
      settings: s,
      data: data.description,
      examples: X.shape[1],
      testExamples: test?.X.shape[1] ?? 0,
      validationExamples: data.validation?.X.shape[1] ?? test?.X.shape[1] ?? 0,
      backend: backend.name,
      resumedFrom: resumed ? meta.done : undefined,
    },
  );
  if (resumed) reporter.note(`Resuming from ${s.unit} ${meta.done} of ${s.total} (${given.resume})`);

  const startedAt = meta.done;
  let stopRequested = false;
  let stoppedBy: 'SIGINT' | 'SIGTERM' = 'SIGINT';
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    // The first Ctrl-C asks the loop to stop after the current pass; later ones are ignored
    // so that the checkpoint is written whole.
    if (!stopRequested) process.stderr.write(`\nStopping after this ${s.unit} and saving a checkpoint...\n`);
    if (!stopRequested) stoppedBy = signal;
    stopRequested = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let result: Awaited<ReturnType<typeof trainLoop>>;
  try {
    result = await trainLoop({
      model,
      X,
      Y,
      labels: data.Y,
      validation,
      settings: s,
      done: meta.done,
      history: meta.history,
      reporter,
      stopRequested: () => stopRequested,
    });
  } finally {
    reporter.stop();
  }
  meta.done = result.done;
  meta.finished = !result.interrupted;
  meta.seconds += result.seconds;

  if (s.plot) await writeCostPlot(s.plot, [{ name: modelName(s, nx, outputs), history: meta.history }], s.unit);
  if (result.interrupted) {
    const dir = s.out ?? given.resume ?? freeCheckpoint(DEFAULT_CHECKPOINT);
    saveModelFolder(dir, model, meta, overwriteOf(dir));
    reporter.note(
      `Interrupted at ${s.unit} ${result.done} of ${s.total}; checkpoint saved to ${dir} (weights, optimizer state, ${s.unit} count)`,
      {
        event: 'interrupted',
        done: result.done,
        total: s.total,
        checkpoint: dir,
      },
      true,
    );
    reporter.note(`Continue with: neurite train --resume ${dir}`, undefined, true);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    throw new InterruptedError(`interrupted by ${stoppedBy}; checkpoint saved to ${dir}`, stoppedBy);
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  const rose = costRose(result.firstCost, result.lastCost, s);
  if (rose && kind === 'json') emit({ event: 'warning', warning: rose, firstCost: result.firstCost, lastCost: result.lastCost });
  else if (rose) process.stderr.write(`neurite: warning: ${rose}\n`);

  const train = classificationMetrics(predictClasses(model.predictProba(X)), data.Y.data, data.classes.length);
  const testMetrics = test
    ? classificationMetrics(predictClasses(model.predictProba(test.X)), test.labels.data, data.classes.length)
    : undefined;
  const valMetrics = data.validation
    ? classificationMetrics(predictClasses(model.predictProba(validation!.X)), data.validation.Y.data, data.classes.length)
    : undefined;
  const out = s.out ?? (resumed ? given.resume : undefined);
  if (out) saveModelFolder(out, model, meta, overwriteOf(out));
  const replaced = out && !intoResumed(out) ? replaces : null;
  const speed = result.seconds > 0 ? (result.done - startedAt) / result.seconds : 0;
  if (kind === 'json') {
    emit({
      event: 'result',
      [s.unit === 'epoch' ? 'epochs' : 'iterations']: result.done,
      cost: result.lastCost,
      trainAccuracy: train.accuracy,
      ...(testMetrics ? { testAccuracy: testMetrics.accuracy } : {}),
      ...(valMetrics ? { validationAccuracy: valMetrics.accuracy } : {}),
      seconds: round(result.seconds, 3),
      perSecond: round(speed, 1),
      ...(out ? { out } : {}),
      ...(replaced ? { replaced } : {}),
      ...(s.plot ? { plot: s.plot } : {}),
    });
    return;
  }
  const line = (label: string, metrics: typeof train) =>
    `${label}: ${percent(metrics.accuracy)} (${Math.round(metrics.accuracy * metrics.m)}/${metrics.m})`;
  const lines = [testMetrics || valMetrics ? line('Train accuracy', train) : line('Accuracy', train)];
  if (valMetrics) lines.push(line('Validation accuracy', valMetrics));
  if (testMetrics) lines.push(line('Test accuracy', testMetrics));
  // A cnn's epochs take seconds each: "0 epochs/s" would say nothing.
  const rate = speed >= 1 || speed === 0 ? `${round(speed, 1)} ${s.unit}s/s` : `${formatSeconds(1 / speed)} per ${s.unit}`;
  lines.push(`Trained ${result.done - startedAt} ${s.unit}s in ${formatSeconds(result.seconds)} (${rate})`);
  if (out) lines.push(`Saved model to ${out}${replaced ? ` (replaced the model that was there: ${replaced})` : ''}`);
  if (s.plot) lines.push(`Wrote the loss${meta.history.accuracies?.length ? ' and accuracy' : ''} plot to ${s.plot}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * A run whose cost ended well above where it started has diverged, even without a NaN (planar
 * at --lr 1e300 saturates at cost 17 and 52%). The criterion: the last pass's cost is more
 * than 10% above the first pass's of this run. Full-batch gradient descent lowers the cost at
 * every step for a small enough learning rate, and mini-batch costs move by a few percent
 * from epoch to epoch, hence the margin. The model is still saved (it is what was asked for).
 */
export function costRose(first: number, last: number, s: Resolved): string | undefined {
  if (!(last > 1.1 * first)) return undefined;
  return (
    `the cost rose from ${first.toPrecision(6)} to ${last.toPrecision(6)} over this run (learning rate ${s.lr}): training diverged; ` +
    `lower the learning rate, for example --lr ${Number((s.lr / 10).toPrecision(3))}`
  );
}

/** A resumed run keeps the checkpoint's model and data; it may only train longer or report differently. */
function resumeSettings(saved: Resolved, given: Partial<TrainSettings>): Resolved {
  for (const [key, value] of Object.entries(given) as [SettingKey, unknown][]) {
    if (RESUME_MAY_CHANGE.includes(key)) continue;
    const before = (saved as unknown as Record<string, unknown>)[key];
    if (JSON.stringify(before) !== JSON.stringify(value)) {
      throw new UsageError(
        `${flagOf(key)} cannot change when resuming: the checkpoint was trained with ${flagOf(key)} ${JSON.stringify(before ?? null)}`,
      );
    }
  }
  const total = given.iterations ?? given.epochs ?? saved.total;
  return {
    ...saved,
    total,
    printEvery: given.printEvery ?? saved.printEvery,
    out: given.out,
    plot: given.plot,
    json: given.json ?? false,
    quiet: given.quiet ?? false,
    overwrite: given.overwrite ?? false,
    backend: given.backend ?? saved.backend,
    resume: given.resume,
  };
}

export function percent(fraction: number): string {
  return `${Number((100 * fraction).toFixed(2))}%`;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

export function formatSeconds(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(2)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

export type { History };
