import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { events, neurite, tempDir } from './harness.ts';

const tmp = tempDir();
afterAll(tmp.cleanup);
const at = (name: string) => join(tmp.dir, name);

describe('train --out never replaces a model without --overwrite, and says what it replaced', () => {
  it('a second run into the same --out is refused before training, and --overwrite replaces and names the old model', async () => {
    const out = at('cat-model');
    const first = await neurite(['train', '--data', 'moons', '--iterations', '20', '--out', out, '-q']);
    expect(first.code).toBe(0);
    const weights = readFileSync(join(out, 'weights.safetensors'));
    const refused = await neurite(['train', '--iterations', '10', '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /--out: '.*cat-model' already holds a model \(shallow model, 20 iterations on moons, saved \d{4}-\d\d-\d\dT[\d:.]+Z\)/,
    );
    expect(refused.stderr).toMatch(/give --overwrite to replace it, or choose another folder/);
    // Refused before any training: no cost line was printed, and the model is untouched.
    expect(refused.stdout).toBe('');
    expect(readFileSync(join(out, 'weights.safetensors')).equals(weights)).toBe(true);

    const replaced = await neurite(['train', '--iterations', '10', '--out', out, '--overwrite', '-q']);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toMatch(
      /Saved model to .*cat-model \(replaced the model that was there: shallow model, 20 iterations on moons, saved /,
    );
    expect(JSON.parse(readFileSync(join(out, 'neurite-cli.json'), 'utf8')).data).toBe('planar');
    const json = await neurite(['train', '--iterations', '10', '--out', out, '--overwrite', '--json']);
    expect(events(json.stdout).at(-1)?.replaced).toMatch(/^shallow model, 10 iterations on planar, saved /);
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('refuses a regular file or a folder of the user as --out, and --overwrite without --out', async () => {
    writeFileSync(at('notes'), 'keep me');
    const file = await neurite(['train', '--iterations', '5', '--out', at('notes'), '--overwrite']);
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(/--out: '.*notes' is a file, not a folder/);
    expect(readFileSync(at('notes'), 'utf8')).toBe('keep me');
    mkdirSync(at('thesis/sub'), { recursive: true });
    writeFileSync(at('thesis/thesis.tex'), 'x');
    writeFileSync(at('thesis/sub/data.csv'), 'a\n1\n');
    const folder = await neurite(['train', '--iterations', '5', '--out', at('thesis'), '--overwrite']);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/is not a Neurite model folder \(it holds (sub\/, thesis\.tex|thesis\.tex, sub\/)\)/);
    expect(existsSync(at('thesis/thesis.tex')) && existsSync(at('thesis/sub/data.csv'))).toBe(true);
    const alone = await neurite(['train', '--iterations', '5', '--overwrite']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--overwrite replaces the model saved in --out; give --out too/);
  });
});
