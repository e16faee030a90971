import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@neurite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense, encodeSafetensors, FolderError, ModelFormatError, Sequential } from '../src/index.ts';
import { checkSaveTarget, loadModelSync, saveModelSync } from '../src/node.ts';

const root = mkdtempSync(join(tmpdir(), 'neurite-folders-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
const fresh = () => {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir);
  return dir;
};

function model(seed: number): Sequential {
  return new Sequential({ inputUnits: 3, seed, dtype: 'float64' })
    .add(new Dense(2, { activation: 'relu' }))
    .add(new Dense(1))
    .build();
}

const W1 = (m: Sequential) => Array.from(m.params().W1.data);

/** A pid that is certainly not running: a child that has exited. */
const deadPid = (() => {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid as number;
})();

/** Every file under dir, with its bytes, to prove a refused save changed nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = readFileSync(join(d, e.name), 'latin1');
    }
  };
  walk(dir, '');
  return out;
}

describe('a save never deletes what Neurite did not write', () => {
  it("refuses a folder holding the user's files, with or without overwrite, and keeps them", () => {
    const dir = join(fresh(), 'thesis');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'thesis.tex'), '\\documentclass{article}');
    writeFileSync(join(dir, 'sub', 'data.csv'), 'a,b\n1,2\n');
    const before = snapshot(dir);
    for (const overwrite of [false, true]) {
      expect(() => saveModelSync(model(1), dir, { overwrite })).toThrow(FolderError);
      expect(() => saveModelSync(model(1), dir, { overwrite })).toThrow(
        /'.*thesis' is not a Neurite model folder \(it holds (sub\/, thesis\.tex|thesis\.tex, sub\/)\).*choose a new or empty folder/,
      );
    }
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(join(dir, '..'))).toEqual(['thesis']);
  });

  it('refuses a model folder that also holds a file of the user', () => {
    const dir = join(fresh(), 'm');
    saveModelSync(model(1), dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(() => saveModelSync(model(2), dir, { overwrite: true })).toThrow(/holds notes\.txt/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(W1(loadModelSync(dir))).toEqual(W1(model(1)));
  });

  it('refuses a regular file, a symbolic link and a foreign model.json where the folder would go', () => {
    const parent = fresh();
    const file = join(parent, 'model');
    writeFileSync(file, 'not a folder');
    expect(() => saveModelSync(model(1), file, { overwrite: true })).toThrow(/is a file, not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
    const real = join(parent, 'real');
    mkdirSync(real);
    symlinkSync(real, join(parent, 'link'));
    expect(() => saveModelSync(model(1), join(parent, 'link'), { overwrite: true })).toThrow(/is a symbolic link/);
    const tfjs = join(parent, 'tfjs');
    mkdirSync(tfjs);
    writeFileSync(join(tfjs, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: {} }));
    expect(() => saveModelSync(model(1), tfjs, { overwrite: true })).toThrow(/model\.json that is not a Neurite model's/);
    expect(readdirSync(parent).sort()).toEqual(['link', 'model', 'real', 'tfjs']);
  });

  it('replaces a model only when asked (overwrite), and an empty folder freely', () => {
    const dir = join(fresh(), 'm');
    mkdirSync(dir);
    saveModelSync(model(1), dir);
    expect(() => saveModelSync(model(2), dir)).toThrow(/already holds a model \(2 layers, saved .*\); pass \{ overwrite: true \}/);
    expect(() => checkSaveTarget(dir)).toThrow(FolderError);
    expect(W1(loadModelSync(dir))).toEqual(W1(model(1)));
    expect(checkSaveTarget(dir, { overwrite: true }).kind).toBe('model');
    saveModelSync(model(2), dir, { overwrite: true });
    expect(W1(loadModelSync(dir))).toEqual(W1(model(2)));
    expect(readdirSync(join(dir, '..'))).toEqual(['m']);
  });

  it("writes an application's files in the same save; only a save naming them may replace them", () => {
    const dir = join(fresh(), 'm');
    saveModelSync(model(1), dir, { files: { 'app.json': '{"v":1}' } });
    expect(readdirSync(dir).sort()).toEqual(['app.json', 'model.json', 'weights.safetensors']);
    expect(() => saveModelSync(model(2), dir, { overwrite: true })).toThrow(/holds app\.json/);
    saveModelSync(model(2), dir, { overwrite: true, files: { 'app.json': new TextEncoder().encode('{"v":2}') } });
    expect(readFileSync(join(dir, 'app.json'), 'utf8')).toBe('{"v":2}');
    expect(() => saveModelSync(model(2), dir, { overwrite: true, files: { '../x': '' } })).toThrow(/must be a plain file name/);
    expect(() => saveModelSync(model(2), dir, { overwrite: 'yes' as never })).toThrow(
      /options\.overwrite must be true or false, received "yes"/,
    );
    expect(() => saveModelSync(model(2), dir, { overWrite: true } as never)).toThrow(
      /unknown key 'overWrite' \(did you mean 'overwrite'\?\)/,
    );
  });
});

describe('what a crashed save leaves is recovered or removed by the next save or load', () => {
  const stamp = (kind: 'tmp' | 'old', pid: number) => `.m.neurite-${kind}-${pid}-${Date.now()}-0`;

  it('a crash between the two renames: the load puts the old model back', () => {
    const parent = fresh();
    const dir = join(parent, 'm');
    saveModelSync(model(1), dir);
    // What kill -9 after "rename m aside" leaves: the old model aside and the complete new one.
    const old = join(parent, stamp('old', deadPid));
    cpSync(dir, old, { recursive: true });
    rmSync(dir, { recursive: true });
    saveModelSync(model(2), join(parent, 'scratch'));
    cpSync(join(parent, 'scratch'), join(parent, stamp('tmp', deadPid)), { recursive: true });
    rmSync(join(parent, 'scratch'), { recursive: true });
    expect(W1(loadModelSync(dir))).toEqual(W1(model(1)));
    expect(readdirSync(parent)).toEqual(['m']);
  });

  it('the next save recovers too, and then asks for overwrite as usual', () => {
    const parent = fresh();
    const dir = join(parent, 'm');
    saveModelSync(model(1), join(parent, stamp('old', deadPid)));
    expect(() => saveModelSync(model(2), dir)).toThrow(/already holds a model/);
    expect(W1(loadModelSync(dir))).toEqual(W1(model(1)));
    saveModelSync(model(2), dir, { overwrite: true });
    expect(W1(loadModelSync(dir))).toEqual(W1(model(2)));
    expect(readdirSync(parent)).toEqual(['m']);
  });

  it("removes dead writers' temporary folders, in this version's names and the earlier ones", () => {
    const parent = fresh();
    const dir = join(parent, 'm');
    saveModelSync(model(1), dir);
    const dead = [
      stamp('tmp', deadPid),
      stamp('old', deadPid),
      `.m.tmp-${deadPid}-17`,
      `.m.tmp-${deadPid}-17.old`,
      `.m.partial-${deadPid}`,
      `.m.old-${deadPid}`,
    ];
    for (const name of dead) {
      mkdirSync(join(parent, name));
      writeFileSync(join(parent, name, 'weights.safetensors'), new Uint8Array(1000));
    }
    // Not ours to remove: a save still running (its pid is alive), another folder's leftovers, lookalikes.
    const alive = `.m.neurite-tmp-${process.ppid}-1-0`;
    const kept = [alive, `.other.neurite-tmp-${deadPid}-1-0`, '.m.backup', `.m.neurite-tmp-x-1-0`];
    for (const name of kept) mkdirSync(join(parent, name));
    loadModelSync(dir);
    expect(readdirSync(parent).sort()).toEqual(['m', ...kept].sort());
    saveModelSync(model(2), dir, { overwrite: true });
    expect(readdirSync(parent).sort()).toEqual(['m', ...kept].sort());
  });

  it.skipIf(!existsSync('/proc/self/stat'))('a writer killed but not yet reaped (a zombie) counts as gone', async () => {
    // python forks a child that exits at once and is never waited for: a zombie, which still answers kill(pid, 0).
    const { spawn } = await import('node:child_process');
    const parent = spawn('python3', [
      '-c',
      'import os, time\npid = os.fork()\nif pid == 0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(30)',
    ]);
    try {
      const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
      for (let i = 0; i < 200 && !readFileSync(`/proc/${pid}/stat`, 'latin1').includes(') Z'); i++)
        await new Promise((r) => setTimeout(r, 10));
      const dir = join(fresh(), 'm');
      saveModelSync(model(4), join(dir, '..', `.m.neurite-old-${pid}-1-0`));
      expect(W1(loadModelSync(dir))).toEqual(W1(model(4)));
      expect(readdirSync(join(dir, '..'))).toEqual(['m']);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it("an old folder of the CLI's earlier scheme is recovered when the model is missing", () => {
    const parent = fresh();
    saveModelSync(model(3), join(parent, `.m.old-${deadPid}`));
    expect(W1(loadModelSync(join(parent, 'm')))).toEqual(W1(model(3)));
    expect(readdirSync(parent)).toEqual(['m']);
  });
});

describe('loading refuses files that are not regular files, and sizes the files do not hold', () => {
  const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

  it.skipIf(!hasMkfifo)('a FIFO as model.json or weights is refused by name, without blocking', () => {
    for (const file of ['model.json', 'weights.safetensors']) {
      const dir = join(fresh(), 'm');
      saveModelSync(model(1), dir);
      rmSync(join(dir, file));
      execFileSync('mkfifo', [join(dir, file)]);
      expect(() => loadModelSync(dir)).toThrow(ModelFormatError);
      expect(() => loadModelSync(dir)).toThrow(
        new RegExp(`'.*${file.replace('.', '\\.')}' is a named pipe \\(FIFO\\), not a regular file`),
      );
    }
  });

  it.skipIf(!existsSync('/dev/zero'))('/dev/zero linked as the weights is refused by name', () => {
    const dir = join(fresh(), 'm');
    saveModelSync(model(1), dir);
    rmSync(join(dir, 'weights.safetensors'));
    symlinkSync('/dev/zero', join(dir, 'weights.safetensors'));
    expect(() => loadModelSync(dir)).toThrow(
      /'.*weights\.safetensors' is a character device, not a regular file; expected a safetensors weights file/,
    );
  });

  it('a model.json declaring a (10000, 20000) W1 beside small weights is refused before anything that size is allocated', () => {
    const dir = join(fresh(), 'm');
    saveModelSync(model(1), dir);
    const path = join(dir, 'model.json');
    const json = JSON.parse(readFileSync(path, 'utf8'));
    json.inputShape = [20000, null];
    json.layers[0].units = 10000;
    writeFileSync(path, JSON.stringify(json));
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    expect(() => loadModelSync(dir)).toThrow(
      /model\.json's Dense.* declares a weight 'W' of shape \(10000, 20000\) \(200000000 values, 1\.49 GiB as float64\), but the file's tensors hold 11 values in all/,
    );
    // Drawing 1.5 GiB of random weights takes seconds; the refusal takes a millisecond or so.
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('safetensors entries sharing one span are refused before any tensor is made', () => {
    const base = encodeSafetensors({ W: tensor(new Array(1024).fill(1), 'float64') });
    const n = Number(new DataView(base.buffer).getBigUint64(0, true));
    const header: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++) header[`W${i}`] = { dtype: 'F64', shape: [1024], data_offsets: [0, 8192] };
    let text = JSON.stringify(header);
    text += ' '.repeat((8 - (text.length % 8)) % 8);
    const head = new TextEncoder().encode(text);
    const bytes = new Uint8Array(8 + head.length + 8192);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(head.length), true);
    bytes.set(head, 8);
    bytes.set(base.subarray(8 + n), 8 + head.length);
    const dir = join(fresh(), 'm');
    saveModelSync(model(1), dir);
    writeFileSync(join(dir, 'weights.safetensors'), bytes);
    expect(() => loadModelSync(dir)).toThrow(/tensors 'W\d+' and 'W\d+' overlap/);
    expect(statSync(join(dir, 'weights.safetensors')).size).toBe(bytes.length);
  });
});
