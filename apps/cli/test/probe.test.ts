import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, neurite, start, tempDir } from './harness.ts';
import { inProcess } from './in-process.ts';

/**
 * A bad-input probe: about a hundred hostile invocations (bad flags and values, bad files,
 * tampered checkpoints, combinations, environment variables, signals). Each must end with the
 * documented exit code (2 a bad invocation, 1 a bad file or a failed run, 130/143 a signal)
 * and a message naming what was wrong; never an internal error, a stack trace or a hang.
 *
 * Most run in this process through `run(argv)`, the function bin/neurite.js calls (a spawned
 * process each would add a minute to the suite); the environment and signal cases need their
 * own process, since the backend registry reads the environment once.
 */
const tmp = tempDir();
afterAll(tmp.cleanup);
const at = (name: string) => join(tmp.dir, name);
const json = (name: string, value: unknown) => writeFileSync(at(name), typeof value === 'string' ? value : JSON.stringify(value));

/** A checkpoint's neurite-cli.json with one key changed. */
// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary keys of a JSON file
function tamper(name: string, edit: (meta: Record<string, any>) => void): string {
  const dir = at(name);
  cpSync(at('ckpt'), dir, { recursive: true });
  const path = join(dir, 'neurite-cli.json');
  const meta = JSON.parse(readFileSync(path, 'utf8'));
  edit(meta);
  writeFileSync(path, JSON.stringify(meta));
  return dir;
}

beforeAll(async () => {
  writeFileSync(at('ok.csv'), 'x1,x2,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n');
  writeFileSync(at('header.csv'), 'x1,x2,label\n');
  writeFileSync(at('empty.csv'), '');
  writeFileSync(at('oneclass.csv'), 'x1,label\n1,a\n2,a\n');
  writeFileSync(at('ragged.csv'), 'x1,x2,label\n1,2,0\n3\n');
  writeFileSync(at('text.csv'), 'x1,x2,label\n1,two,0\n3,4,1\n');
  writeFileSync(at('notes.txt'), 'not data');
  writeFileSync(at('fake.png'), 'not a PNG');
  writeFileSync(at('fake.h5'), 'not HDF5');
  mkdirSync(at('folder'));
  json('list.json', [1, 2]);
  json('string-lr.json', { lr: 'fast' });
  json('resume.json', { resume: 'x' });
  json('unknown.json', { learningrate: 2 });
  json('negative.json', { iterations: -3 });
  json('nested.json', { layers: [[4, 'x']] });
  json('broken.json', '{ "lr": ');
  writeFileSync(at('broken.yaml'), 'lr: [1, 2\n  x: }\n');
  writeFileSync(at('scalar.yaml'), '42\n');
  mkdirSync(at('no-model'));
  mkdirSync(at('corrupt-model'));
  writeFileSync(at('corrupt-model/model.json'), '{ broken');
  const made = await inProcess(['train', '--iterations', '50', '--out', at('ckpt'), '--quiet']);
  if (made.code !== 0) throw new Error(`could not make the checkpoint: ${made.stderr}`);
}, 120_000);

/** [what, argv (a function, for paths made in beforeAll), exit code, the message must match]. */
type Case = [string, () => string[], number, RegExp];
const flag = (what: string, argv: string[], message: RegExp, code = 2): Case => [what, () => argv, code, message];

const FLAGS: Case[] = [
  flag('an unknown flag', ['train', '--bogus'], /unknown option '--bogus'/),
  flag('an unknown flag before the command', ['--bogus'], /unknown option '--bogus'/),
  flag('an unknown command', ['fly'], /unknown command 'fly'/),
  flag('help for an unknown command', ['help', 'fly'], /help: unknown command 'fly'/),
  flag('a flag without its value', ['train', '--lr'], /option '--lr <rate>' argument missing/),
  flag('a stray argument', ['train', '-n', '2', 'extra'], /too many arguments for 'train'/),
  flag('--lr negative', ['train', '--lr', '-1'], /--lr <rate>' argument '-1' is invalid\. Expected a number > 0/),
  flag('--lr zero', ['train', '--lr', '0'], /--lr <rate>' argument '0' is invalid/),
  flag('--lr NaN', ['train', '--lr', 'NaN'], /--lr <rate>' argument 'NaN' is invalid/),
  flag('--lr Infinity', ['train', '--lr', 'Infinity'], /--lr <rate>' argument 'Infinity' is invalid/),
  flag('--lr overflowing to Infinity', ['train', '--lr', '1e999'], /argument '1e999' is invalid/),
  flag('--lr empty', ['train', '--lr', ''], /--lr <rate>' argument '' is invalid/),
  flag('--lr a word', ['train', '--lr', 'fast'], /argument 'fast' is invalid\. Expected a number > 0/),
  flag('--iterations fractional', ['train', '-n', '1.5'], /--iterations <count>' argument '1\.5' is invalid\. Expected an integer >= 1/),
  flag('--iterations negative', ['train', '-n', '-5'], /--iterations <count>' argument '-5' is invalid/),
  flag('--iterations zero', ['train', '-n', '0'], /--iterations <count>' argument '0' is invalid/),
  flag('--iterations beyond 2^53', ['train', '-n', '1e20'], /argument '1e20' is invalid/),
  flag('--epochs zero', ['train', '--epochs', '0'], /--epochs <count>' argument '0' is invalid/),
  flag('--iterations and --epochs', ['train', '--iterations', '5', '--epochs', '5'], /--iterations and --epochs/),
  flag('--batch-size zero', ['train', '--batch-size', '0'], /--batch-size <size>' argument '0' is invalid/),
  flag('--batch-size a word', ['train', '--batch-size', 'all'], /--batch-size <size>' argument 'all' is invalid/),
  flag('--l2 negative', ['train', '--l2', '-0.1'], /--l2 <lambda>' argument '-0\.1' is invalid/),
  flag('--dropout 1', ['train', '--dropout', '1'], /--dropout <rate>' argument '1' is invalid/),
  flag('--dropout on the logistic model', ['train', '--model', 'logistic', '--dropout', '0.5'], /--dropout needs hidden layers/),
  flag('--model unknown', ['train', '--model', 'huge'], /argument 'huge' is invalid\. Expected one of logistic, shallow, deep/),
  flag('--activation unknown', ['train', '--activation', 'softplus'], /argument 'softplus' is invalid\. Expected one of relu, tanh/),
  flag('--init unknown', ['train', '--init', 'random'], /argument 'random' is invalid\. Expected one of small/),
  flag('--optimizer unknown', ['train', '--optimizer', 'sgd'], /argument 'sgd' is invalid\. Expected one of gd, momentum/),
  flag(
    '--backend unknown',
    ['train', '--backend', 'gpu'],
    /--backend <name>' argument 'gpu' is invalid\. Expected one of auto, js, native/,
  ),
  flag('--dtype unknown', ['train', '--dtype', 'float16'], /argument 'float16' is invalid\. Expected one of float64, float32/),
  flag('--seed negative', ['train', '--seed', '-1'], /--seed <n>' argument '-1' is invalid/),
  flag('--seed beyond 2^32 - 1', ['train', '--seed', '4294967296'], /argument '4294967296' is invalid/),
  flag('--layers with an empty item', ['train', '--layers', '4,,4'], /--layers <sizes>' argument '4,,4' is invalid/),
  flag('--layers negative', ['train', '--layers', '-4'], /--layers <sizes>' argument '-4' is invalid/),
  flag('--layers zero', ['train', '--layers', '0'], /--layers <sizes>' argument '0' is invalid/),
  flag('--layers words', ['train', '--layers', 'a,b'], /--layers <sizes>' argument 'a,b' is invalid/),
  flag('--hidden zero', ['train', '--hidden', '0'], /--hidden <units>' argument '0' is invalid/),
  flag('--hidden too large', ['train', '--hidden', '1000000'], /argument '1000000' is invalid\. Expected an integer in \[1, 100000\]/),
  flag('--hidden and --layers', ['train', '--hidden', '4', '--layers', '4'], /--hidden and --layers both set hidden sizes/),
  flag('--test-split 1', ['train', '--test-split', '1'], /--test-split <fraction>' argument '1' is invalid/),
  flag('--test-split negative', ['train', '--test-split', '-0.1'], /--test-split <fraction>' argument '-0\.1' is invalid/),
  flag('--print-every zero', ['train', '--print-every', '0'], /--print-every <n>' argument '0' is invalid/),
  flag('--print-every negative', ['train', '--print-every', '-1'], /--print-every <n>' argument '-1' is invalid/),
  flag('--out empty', ['train', '--out', ''], /--out <dir>' argument '' is invalid/),
  flag('--plot as a folder', ['train', '--plot', 'plots/', '-n', '3'], /--plot: expected a file ending in \.svg or \.png/),
  flag('--plot as a bitmap', ['train', '--plot', 'cost.bmp', '-n', '3'], /--plot: expected a file ending in \.svg or \.png/),
  flag('--data empty', ['train', '--data', ''], /--data <spec>' argument '' is invalid/),
  flag('--data unknown', ['train', '--data', 'mystery'], /--data: unknown data 'mystery'/),
  flag(
    '--data parameter unknown',
    ['train', '--data', 'moons:bogus=1'],
    /--data moons: unknown parameter 'bogus', expected one of m, seed, noise/,
  ),
  flag('--data parameter not a number', ['train', '--data', 'moons:noise=lots'], /--data moons: parameter 'noise' must be a number/),
  flag(
    '--data parameter out of range',
    ['train', '--data', 'moons:noise=-1'],
    /--data moons: noise must be a finite number >= 0, received -1/,
  ),
  flag('--data with no examples', ['train', '--data', 'moons:m=0'], /--data moons: /),
  flag('--data of one class (blobs)', ['train', '--data', 'blobs:centers=1'], /--data blobs:centers=1: all 200 examples are of one class/),
  flag('--data of one class (spiral)', ['train', '--data', 'spiral:classes=1'], /all 400 examples are of one class/),
  flag('--data csv without a file', ['train', '--data', 'csv:'], /--data csv: expected csv:<file>/),
  flag('sweep --hidden words', ['sweep', '--hidden', 'a,b'], /--hidden <units>' argument 'a,b' is invalid/),
  flag('sweep --hidden empty', ['sweep', '--hidden', ''], /--hidden <units>' argument '' is invalid/),
  flag('sweep --lr with a negative value', ['sweep', '--lr', '0.1,-1'], /Item 2: expected a number > 0, received '-1'/),
  flag('sweep --iterations and --epochs', ['sweep', '--iterations', '1,2', '--epochs', '1'], /--iterations and --epochs/),
  flag('evaluate without --model', ['evaluate'], /required option '-m, --model <dir>' not specified/),
  flag('predict without --model', ['predict'], /required option '-m, --model <dir>' not specified/),
  flag('info with an unknown flag', ['info', '--bogus'], /unknown option '--bogus'/),
  flag('bench with an unknown flag', ['bench', '--bogus'], /unknown option '--bogus'/),
];

const FILES: Case[] = [
  ['a missing CSV', () => ['train', '--data', `csv:${at('missing.csv')}`], 1, /missing\.csv' does not exist/],
  ['a folder as CSV', () => ['train', '--data', `csv:${at('folder')}`], 1, /folder' is a folder, expected a file/],
  ['an empty CSV', () => ['train', '--data', `csv:${at('empty.csv')}`], 1, /empty\.csv': the file is empty/],
  ['a CSV with only a header', () => ['train', '--data', `csv:${at('header.csv')}`], 1, /header\.csv': there are no data rows/],
  [
    'a CSV of one class',
    () => ['train', '--data', `csv:${at('oneclass.csv')}`],
    2,
    /has a single class 'a'; a classifier needs two or more/,
  ],
  ['a ragged CSV', () => ['train', '--data', `csv:${at('ragged.csv')}`], 1, /ragged\.csv/],
  ['a CSV with a word among numbers', () => ['train', '--data', `csv:${at('text.csv')}`], 1, /text\.csv/],
  [
    'an unknown label column',
    () => ['train', '--data', `csv:${at('ok.csv')}`, '--label', 'nope'],
    1,
    /label column 'nope' not found \(columns: x1, x2, label\)/,
  ],
  [
    'a label index out of range',
    () => ['train', '--data', `csv:${at('ok.csv')}`, '--label', '99'],
    1,
    /label column index 99 is out of range/,
  ],
  ['a missing MNIST folder', () => ['train', '--data', `mnist:${at('nowhere')}`], 1, /--data mnist: folder '.*nowhere' does not exist/],
  ['a missing cat file', () => ['train', '--data', `cats:${at('a.h5')},${at('b.h5')}`], 1, /a\.h5' does not exist/],
  ['a cat file that is not HDF5', () => ['train', '--data', `cats:${at('fake.h5')},${at('fake.h5')}`], 1, /fake\.h5/],
  ['a missing config', () => ['train', '--config', at('none.yaml')], 1, /cannot read config file '.*none\.yaml': no such file/],
  [
    'a folder as config',
    () => ['train', '--config', at('folder')],
    1,
    /--config: '.*folder' is a folder, not a regular file; expected a \.json or \.yaml config file/,
  ],
  [
    'a config that is a list',
    () => ['train', '--config', at('list.json')],
    1,
    /list\.json' must hold an object of settings, received a list/,
  ],
  [
    'a config that is a number',
    () => ['train', '--config', at('scalar.yaml')],
    1,
    /scalar\.yaml' must hold an object of settings, received number/,
  ],
  ['a config that is not JSON', () => ['train', '--config', at('broken.json')], 1, /broken\.json' is not valid JSON/],
  ['a config that is not YAML', () => ['train', '--config', at('broken.yaml')], 1, /broken\.yaml' is not valid YAML/],
  ['a config with an unknown key', () => ['train', '--config', at('unknown.json')], 2, /unknown setting 'learningrate'/],
  [
    'a config with a string learning rate',
    () => ['train', '--config', at('string-lr.json')],
    2,
    /setting 'lr' \(--lr\): expected a number > 0, received 'fast'/,
  ],
  [
    'a config with negative iterations',
    () => ['train', '--config', at('negative.json')],
    2,
    /setting 'iterations' \(--iterations\): expected an integer >= 1/,
  ],
  ['a config with nested layers', () => ['train', '--config', at('nested.json')], 2, /setting 'layers' \(--layers\)/],
  ['a config naming --resume', () => ['train', '--config', at('resume.json')], 2, /unknown setting 'resume'/],
  [
    'a missing model folder',
    () => ['evaluate', '--model', at('nowhere'), '--data', 'planar'],
    1,
    /model folder '.*nowhere' does not exist/,
  ],
  ['a file as model folder', () => ['evaluate', '--model', at('ok.csv')], 1, /ok\.csv' is not a folder; a model is a folder/],
  [
    'a folder without model.json',
    () => ['evaluate', '--model', at('no-model')],
    1,
    /no-model' is not a model folder: '.*model\.json' is missing/,
  ],
  [
    'a corrupt model.json',
    () => ['evaluate', '--model', at('corrupt-model'), '--data', 'planar'],
    1,
    /corrupt-model.*model\.json.*not valid JSON/,
  ],
  ['evaluate on data of another width', () => ['evaluate', '--model', at('ckpt'), '--data', 'gaussian:cov=1,classes=2'], 0, /Accuracy/],
  ['predict without inputs', () => ['predict', '--model', at('ckpt')], 2, /missing required argument 'files'/],
  ['predict on a text file', () => ['predict', '--model', at('ckpt'), at('notes.txt')], 2, /notes\.txt' is neither an image/],
  [
    'predict an image with a features model',
    () => ['predict', '--model', at('ckpt'), at('fake.png')],
    2,
    /this model takes 2 numeric features \(a CSV file\), received image/,
  ],
  ['predict on a missing CSV', () => ['predict', '--model', at('ckpt'), at('missing.csv')], 1, /missing\.csv/],
  ['predict on a CSV of other columns', () => ['predict', '--model', at('ckpt'), at('text.csv')], 1, /text\.csv/],
  ['a missing checkpoint', () => ['train', '--resume', at('nowhere')], 1, /nowhere' does not exist/],
];

const CHECKPOINTS: Case[] = [
  [
    'total not a number',
    () => ['train', '--resume', tamper('c-total', (m) => (m.settings.total = 'abc'))],
    1,
    /corrupt: settings\.total: expected an integer >= 1, received 'abc'/,
  ],
  [
    'done negative',
    () => ['train', '--resume', tamper('c-done', (m) => (m.done = -1))],
    1,
    /corrupt: done: expected an integer in \[0, 50\], received -1/,
  ],
  [
    'done past total',
    () => ['train', '--resume', tamper('c-past', (m) => (m.done = 51))],
    1,
    /corrupt: done: expected an integer in \[0, 50\]/,
  ],
  [
    'lr a string',
    () => ['train', '--resume', tamper('c-lr', (m) => (m.settings.lr = '0.1'))],
    1,
    /corrupt: settings\.lr: expected 0\.1 \(a number\), received "0\.1"/,
  ],
  [
    'an unknown optimizer',
    () => ['train', '--resume', tamper('c-opt', (m) => (m.settings.optimizer = 'sgd'))],
    1,
    /corrupt: settings\.optimizer: expected one of gd/,
  ],
  [
    'an unknown unit',
    () => ['train', '--resume', tamper('c-unit', (m) => (m.settings.unit = 'day'))],
    1,
    /corrupt: settings\.unit: expected one of iteration, epoch/,
  ],
  [
    'settings missing',
    () => ['train', '--resume', tamper('c-settings', (m) => delete m.settings)],
    1,
    /corrupt: settings: expected an object, received nothing/,
  ],
  [
    'one class',
    () => ['train', '--resume', tamper('c-classes', (m) => (m.classes = ['only']))],
    1,
    /corrupt: classes: expected a list of at least 2 class names/,
  ],
  [
    'history of unequal lists',
    () => ['train', '--resume', tamper('c-hist', (m) => m.history.costs.pop())],
    1,
    /corrupt: history: iterations, costs and testCosts must have the same length/,
  ],
  [
    'a wrong format tag',
    () => ['train', '--resume', tamper('c-format', (m) => (m.format = 'other'))],
    1,
    /corrupt: format: expected "neurite-cli"/,
  ],
  [
    'an empty object',
    () => [
      'train',
      '--resume',
      tamper('c-empty', (m) => {
        for (const k of Object.keys(m)) delete m[k];
      }),
    ],
    1,
    /corrupt: format/,
  ],
  [
    'already trained as long as asked',
    () => ['train', '--resume', at('ckpt'), '--iterations', '50'],
    2,
    /has already trained 50 of 50 iterations[\s\S]*more than 50/,
  ],
  ['changing the model on resume', () => ['train', '--resume', at('ckpt'), '--lr', '0.5'], 2, /--lr cannot change when resuming/],
];

const RUNS: Case[] = [
  [
    'a run that diverges to NaN',
    () => ['train', '--data', 'blobs', '--layers', '8', '--lr', '1000', '-n', '300'],
    1,
    /the cost became NaN at iteration \d+ \(learning rate 1000\)/,
  ],
  [
    'a run whose cost rises (lr 1e300)',
    () => ['train', '--lr', '1e300', '-n', '300', '-q'],
    0,
    /warning: the cost rose from 0\.693048 to [\d.]+ over this run/,
  ],
];

describe('the bad-input probe: exit codes and messages that name the problem', () => {
  for (const [group, cases] of [
    ['flags', FLAGS],
    ['files', FILES],
    ['checkpoints', CHECKPOINTS],
    ['runs', RUNS],
  ] as const) {
    describe(group, () => {
      for (const [what, argv, code, message] of cases) {
        it(what, async () => {
          const r = await inProcess(argv());
          expect(`${r.stderr}${r.stdout}`).toMatch(message);
          expect(r.code).toBe(code);
          expect(r.stderr).not.toMatch(/internal error| {4}at /);
        });
      }
    });
  }
});

/** In a process of its own: the variables are read once per process. */
const ENVIRONMENT: [string, Record<string, string>, string[], number, RegExp][] = [
  [
    'NEURITE_BACKEND unknown',
    { NEURITE_BACKEND: 'gpu' },
    ['train', '-n', '2'],
    2,
    /NEURITE_BACKEND="gpu": unknown backend; expected one of auto, js, native/,
  ],
  ['NEURITE_BACKEND unknown, for info', { NEURITE_BACKEND: 'cuda' }, ['info'], 2, /NEURITE_BACKEND="cuda": unknown backend/],
  [
    'NEURITE_BACKEND=native without a binary',
    { NEURITE_BACKEND: 'native', NEURITE_NATIVE_BINARY: '/nonexistent/neurite.node' },
    ['train', '-n', '2'],
    2,
    /NEURITE_BACKEND=native: /,
  ],
  [
    'NEURITE_GEMM unknown',
    { NEURITE_GEMM: 'bogus' },
    ['train', '-n', '2'],
    2,
    /NEURITE_GEMM="bogus": unknown GEMM provider; expected one of auto, openblas, pure/,
  ],
  [
    'NEURITE_GEMM_CALIBRATION unknown',
    { NEURITE_GEMM_CALIBRATION: 'sometimes' },
    ['train', '-n', '2'],
    2,
    /NEURITE_GEMM_CALIBRATION="sometimes": expected one of on, off, fresh/,
  ],
  [
    'NEURITE_THREADS zero',
    { NEURITE_THREADS: '0' },
    ['train', '-n', '2'],
    2,
    /NEURITE_THREADS="0": expected an integer number of threads from 1 to 16/,
  ],
  ['NEURITE_THREADS a word', { NEURITE_THREADS: 'many' }, ['train', '-n', '2'], 2, /NEURITE_THREADS="many"/],
  [
    'RAYON_NUM_THREADS a word: a warning',
    { RAYON_NUM_THREADS: 'x' },
    ['train', '-n', '2'],
    0,
    /warning: RAYON_NUM_THREADS="x" is not a positive integer/,
  ],
  ['a valid NEURITE_GEMM and backend', { NEURITE_GEMM: 'pure', NEURITE_BACKEND: 'js' }, ['train', '-n', '2'], 0, /backend js/],
];

describe.concurrent('the environment, in processes of their own', () => {
  for (const [what, env, argv, code, message] of ENVIRONMENT) {
    it(what, async () => {
      const r = await neurite(argv, { env });
      expect(`${r.stderr}${r.stdout}`).toMatch(message);
      expect(r.code).toBe(code);
      expect(r.stderr).not.toMatch(/internal error| {4}at /);
    });
  }
});

describe('signals', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal} during training saves a checkpoint and exits ${code}`, async () => {
      const dir = at(`signal-${signal}`);
      const child = start(['train', '--iterations', '1000000', '--print-every', '100', '--out', dir]);
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (d) => String(d).includes('Cost after iteration 100:') && resolve());
        child.on('close', () => reject(new Error('exited before iteration 100')));
      });
      child.kill(signal);
      const r = await finish(child);
      expect(r.code).toBe(code);
      expect(r.stderr).toContain(`interrupted by ${signal}; checkpoint saved to ${dir}`);
      expect(JSON.parse(readFileSync(join(dir, 'neurite-cli.json'), 'utf8')).finished).toBe(false);
    });
  }
});
