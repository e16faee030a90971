import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// h5wasm is an optional peer: a child Node process in which it cannot be resolved (the hook in
// fixtures/without-h5wasm.mjs) runs the package's source as a user without h5wasm would.
const entry = fileURLToPath(new URL('../src/node/index.ts', import.meta.url));
const hook = fileURLToPath(new URL('./fixtures/without-h5wasm.mjs', import.meta.url));

function runWithoutH5wasm(script: string): unknown {
  const out = execFileSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--import', hook, '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '');
}

describe('HDF5 without h5wasm installed', () => {
  it('rejects every HDF5 call with a MissingDependencyError naming h5wasm, before looking at the file', () => {
    // The paths do not exist: the missing package, not the missing file, is what is reported.
    const script = `
      import { listHdf5Datasets, loadCatDataset, readHdf5, readHdf5Strings } from ${JSON.stringify(entry)};
      const calls = {
        readHdf5: () => readHdf5('/no/such/file.h5', 'train_set_x'),
        readHdf5Strings: () => readHdf5Strings('/no/such/file.h5', 'list_classes'),
        listHdf5Datasets: () => listHdf5Datasets('/no/such/file.h5'),
        loadCatDataset: () => loadCatDataset('/no/such/train.h5', '/no/such/test.h5'),
        again: () => readHdf5('/no/such/file.h5', 'train_set_x'),
      };
      const out = {};
      for (const [name, call] of Object.entries(calls)) {
        try { await call(); out[name] = 'resolved'; }
        catch (e) { out[name] = { name: e.name, packageName: e.packageName, message: e.message, cause: e.cause?.code }; }
      }
      console.log(JSON.stringify(out));
    `;
    const out = runWithoutH5wasm(script) as Record<string, { name: string; packageName: string; message: string; cause: string }>;
    for (const fn of ['readHdf5', 'readHdf5Strings', 'listHdf5Datasets', 'loadCatDataset', 'again']) {
      const err = out[fn];
      expect(err.name, fn).toBe('MissingDependencyError');
      expect(err.packageName, fn).toBe('h5wasm');
      expect(err.cause, fn).toBe('ERR_MODULE_NOT_FOUND');
      expect(err.message, fn).toMatch(/needs the package 'h5wasm', which is not installed: run `npm install h5wasm`/);
    }
    expect(out.readHdf5.message).toMatch(/^readHdf5 \(HDF5 files\)/);
    expect(out.loadCatDataset.message).toMatch(/^loadCatDataset \(HDF5 files\)/);
  });

  it('leaves the rest of the package working: planar, CSV', () => {
    const script = `
      import { parseCsv, planarFlower } from ${JSON.stringify(entry)};
      const { X, Y } = planarFlower({ dtype: 'float64' });
      const csv = parseCsv('x1,x2,y\\n0.5,1.5,a\\n-2,3,b\\n', { label: 'y' });
      console.log(JSON.stringify({ flower: [X.shape, Y.shape], X: Array.from(csv.X.data), classes: csv.classes }));
    `;
    // X is (n_x, m): row 0 is x1 of both rows of the CSV text, row 1 is x2.
    expect(runWithoutH5wasm(script)).toEqual({
      flower: [
        [2, 400],
        [1, 400],
      ],
      X: [0.5, -2, 1.5, 3],
      classes: ['a', 'b'],
    });
  });
});
