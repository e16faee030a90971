import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const NODE_BUILTINS = /^(node:|fs$|path$|zlib$|stream$|os$|child_process$|url$|util$|buffer$)/;
// Packages allowed in the browser path, by the exact specifier used.
const BROWSER_PACKAGES = new Set(['@neurite/tensor', 'papaparse', 'fast-png', 'jpeg-js', 'mnist']);

/** Every import specifier reachable from a source file through relative imports. */
function graph(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms), ...text.matchAll(/import\('([^']+)'\)/g)].map(
    (m) => m[1],
  );
  seen.set(file, specs);
  for (const s of specs) if (s.startsWith('.')) graph(join(dirname(file), s), seen);
  return seen;
}

describe('the browser-safe entry', () => {
  it('reaches no Node built-in and only browser-safe packages', () => {
    const g = graph(join(src, 'index.ts'));
    expect(g.size).toBeGreaterThan(10);
    for (const [file, specs] of g) {
      expect(file.includes('/src/node/'), file).toBe(false);
      for (const s of specs.filter((s) => !s.startsWith('.'))) {
        expect(NODE_BUILTINS.test(s), `${file} imports ${s}`).toBe(false);
        expect(BROWSER_PACKAGES.has(s), `${file} imports ${s}`).toBe(true);
      }
    }
  });

  it('the node entry does reach the file loaders (the scan sees imports)', () => {
    const specs = [...graph(join(src, 'node/index.ts')).values()].flat();
    expect(specs).toContain('node:fs/promises');
    expect(specs).toContain('h5wasm/node');
  });
});
