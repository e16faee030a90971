import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neurite, tempDir } from './harness.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);
const at = (name: string) => join(tmp.dir, name);

beforeAll(() => {
  writeFileSync(at('ragged.csv'), 'x1,x2,label\n1,2,0\n3,oops,1\n');
  writeFileSync(at('bad.yaml'), 'lr: [1, 2\n  iterations: }\n');
  writeFileSync(at('unknown.json'), '{"lr": 0.1, "learningrate": 2}');
  writeFileSync(at('badvalue.json'), '{"iterations": -3}');
  writeFileSync(at('fake.h5'), 'this is not HDF5');
  mkdirSync(at('not-a-model'));
  writeFileSync(at('not-a-model/model.json'), '{ broken');
  mkdirSync(at('user-files'));
  writeFileSync(at('user-files/notes.txt'), 'keep me');
});

/** Each case: arguments, exit code, a text the message must contain. */
const cases: [string, string[], number, RegExp][] = [
  ['an unknown flag', ['train', '--bogus'], 2, /unknown option '--bogus'/],
  ['a misspelt flag gets a suggestion', ['train', '--iteration', '5'], 2, /unknown option '--iteration'[\s\S]*Did you mean --iterations\?/],
  [
    'a learning rate that is not a number',
    ['train', '--lr', 'fast'],
    2,
    /option '--lr <rate>' argument 'fast' is invalid\. Expected a number > 0/,
  ],
  [
    'zero iterations',
    ['train', '--iterations', '0'],
    2,
    /option '-n, --iterations <count>' argument '0' is invalid\. Expected an integer >= 1/,
  ],
  [
    'an unknown model',
    ['train', '--model', 'huge'],
    2,
    /option '-m, --model <kind>' argument 'huge' is invalid\. Expected one of logistic, shallow, deep/,
  ],
  ['an unknown data set', ['train', '--data', 'mystery'], 2, /--data: unknown data 'mystery'/],
  ['a bad generator parameter', ['train', '--data', 'moons:noise=lots'], 2, /--data moons: parameter 'noise' must be a number/],
  ['both --iterations and --epochs', ['train', '--iterations', '5', '--epochs', '5'], 2, /--iterations and --epochs/],
  ['an unknown command', ['fly'], 2, /unknown command 'fly'/],
  ['an unknown key in a config file', ['train', '--config', at('unknown.json')], 2, /unknown\.json': unknown setting 'learningrate'/],
  [
    'a bad value in a config file',
    ['train', '--config', at('badvalue.json')],
    2,
    /setting 'iterations' \(--iterations\): expected an integer >= 1/,
  ],
  [
    'predict on a file that is neither image nor CSV',
    ['predict', '--model', at('x'), at('notes.txt')],
    2,
    /notes\.txt' is neither an image/,
  ],
  ['a missing CSV file', ['train', '--data', `csv:${at('missing.csv')}`], 1, /missing\.csv' does not exist/],
  ['a CSV with a bad cell', ['train', '--data', `csv:${at('ragged.csv')}`], 1, /ragged\.csv/],
  ['a config file that is not YAML', ['train', '--config', at('bad.yaml')], 1, /bad\.yaml' is not valid YAML/],
  ['a missing config file', ['train', '--config', at('none.yaml')], 1, /cannot read config file '.*none\.yaml': no such file/],
  ['a missing cat file', ['train', '--data', `cats:${at('a.h5')},${at('b.h5')}`], 1, /a\.h5' does not exist/],
  ['a cat file that is not HDF5', ['train', '--data', `cats:${at('fake.h5')},${at('fake.h5')}`], 1, /fake\.h5/],
  ['a missing model folder', ['evaluate', '--model', at('nowhere'), '--data', 'planar'], 1, /model folder '.*nowhere' does not exist/],
  ['a corrupt model.json', ['evaluate', '--model', at('not-a-model'), '--data', 'planar'], 1, /not-a-model.*model\.json.*not valid JSON/],
  ['a missing checkpoint', ['train', '--resume', at('nowhere')], 1, /nowhere' does not exist/],
  [
    'an --out folder holding other files',
    ['train', '--iterations', '5', '--out', at('user-files')],
    1,
    /--out: '.*user-files' is not a Neurite model folder \(it holds notes\.txt\)/,
  ],
];

describe.concurrent('bad invocations exit with 2 (usage) or 1 (files) and a message naming the flag or file', () => {
  for (const [what, args, code, message] of cases) {
    it(what, async () => {
      const r = await neurite(args);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(code);
      expect(r.stderr).not.toMatch(/internal error| {4}at /);
    });
  }
});

describe('a diverging run', () => {
  it('stops at the NaN with the iteration and a hint, and writes no model folder', async () => {
    const out = at('diverged');
    const r = await neurite(['train', '--data', 'blobs', '--layers', '8', '--lr', '1000', '--iterations', '500', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the cost became NaN at iteration \d+ \(learning rate 1000\)/);
    expect(r.stderr).toMatch(/hint: lower the learning rate, for example --lr 100/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('diverged'))).toEqual([]);
    expect(existsSync(at('user-files/notes.txt'))).toBe(true);
  });
});

describe('help', () => {
  it('every command has --help with examples', async () => {
    for (const command of ['train', 'evaluate', 'predict', 'sweep', 'export', 'info', 'bench']) {
      const r = await neurite([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: neurite ${command}`);
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain(`$ neurite ${command}`);
    }
  });
});
