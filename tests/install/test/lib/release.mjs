// The release set under test: built by test/run.mjs with scripts/release.mjs from what
// `pnpm build` left (every platform binary that is built), published to the run's local
// registry. Test files read where it is from the environment run.mjs sets.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = new URL('../../../../', import.meta.url).pathname.replace(/\/$/, '');
/** The packages a user installs by name (the per-platform binaries come with backend-native). */
export const LIBRARIES = ['tensor', 'layers', 'losses', 'optimizers', 'datasets', 'onnx', 'backend-native', 'backend-wasm'];

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function packageDir(name) {
  return join(repoRoot, 'packages', name);
}

/** napi-rs's platform name of this machine. */
export function platformTriple() {
  const base = `${process.platform}-${process.arch}`;
  if (process.platform !== 'linux') return base;
  return `${base}-${process.report.getReport().header.glibcVersionRuntime ? 'gnu' : 'musl'}`;
}

/** Every file the exports map promises outside the workspace-only `source` condition. */
export function exportTargets(exports) {
  const out = [];
  const walk = (value, condition) => {
    if (typeof value === 'string') {
      if (condition !== 'source' && !value.endsWith('package.json')) out.push(value);
    } else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  walk(exports, '');
  return out;
}

/** Throws one clear message when a package was not built: the tests test dist/, not src/. */
export function assertBuilt() {
  const missing = [];
  for (const name of LIBRARIES) {
    const pkg = readJson(join(packageDir(name), 'package.json'));
    for (const target of exportTargets(pkg.exports)) {
      if (!existsSync(join(packageDir(name), target))) missing.push(`packages/${name}/${target.replace(/^\.\//, '')}`);
    }
  }
  const binary = `packages/backend-native/neurite.${platformTriple()}.node`;
  if (!existsSync(join(repoRoot, binary))) missing.push(binary);
  if (missing.length) throw new Error(`not built: ${missing.join(', ')} missing; run \`pnpm build\` at the repo root first`);
}

/** { dir, index, registry, tarballs: name -> path } of this run; throws outside run.mjs. */
export function releaseSet() {
  const dir = process.env.NEURITE_TEST_RELEASE;
  const registry = process.env.NEURITE_TEST_REGISTRY;
  if (!dir || !registry) {
    throw new Error(
      'run the install tests through test/run.mjs (pnpm test:e2e [files]): it builds the release set and starts the registry',
    );
  }
  const index = readJson(join(dir, 'index.json'));
  return { dir, index, registry, tarballs: Object.fromEntries(index.packages.map((p) => [p.name, join(dir, p.file)])) };
}
