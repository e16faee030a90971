// Packs the publishable packages once per test run, the way they would be published:
// `pnpm pack` (which turns workspace: ranges into real versions), and for the native backend
// what `napi artifacts` + `napi prepublish` do at release time — the .node file goes into the
// per-platform package, and that package becomes an optionalDependency of
// @neurite/backend-native. Nothing in the repo is modified: staging happens in a temp dir.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = new URL('../../../../', import.meta.url).pathname.replace(/\/$/, '');
export const PACKAGES = ['tensor', 'datasets', 'layers', 'losses', 'optimizers', 'backend-native'];
const NATIVE_DIR = join(repoRoot, 'packages/backend-native');

export function packageDir(name) {
  return join(repoRoot, 'packages', name);
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** napi-rs's platform suffix for this machine (only the targets Neurite builds). */
export function platformTriple() {
  const base = `${process.platform}-${process.arch}`;
  if (process.platform !== 'linux') return base;
  return `${base}-${process.report.getReport().header.glibcVersionRuntime ? 'gnu' : 'musl'}`;
}

/** Throws one clear message when a package was not built: the tests test dist/, not src/. */
export function assertBuilt() {
  const missing = [];
  for (const name of PACKAGES) {
    const pkg = readJson(join(packageDir(name), 'package.json'));
    for (const target of exportTargets(pkg.exports)) {
      if (!existsSync(join(packageDir(name), target))) missing.push(`packages/${name}/${target.replace(/^\.\//, '')}`);
    }
  }
  if (missing.length) {
    throw new Error(`not built: ${missing.join(', ')} is missing; run \`pnpm build\` at the repo root first`);
  }
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

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function packOne(cwd, dest, tool = 'pnpm') {
  const before = new Set(readdirSync(dest));
  run(tool, tool === 'pnpm' ? ['pack', '--pack-destination', dest] : ['pack', '--pack-destination', dest, '--silent'], cwd);
  const created = readdirSync(dest).filter((f) => f.endsWith('.tgz') && !before.has(f));
  if (created.length !== 1) throw new Error(`${tool} pack in ${cwd} produced ${created.length} tarballs`);
  return join(dest, created[0]);
}

/** The per-platform binary package, as `napi artifacts` would fill npm/<triple>/. */
function packBinary(dest, version) {
  const triple = platformTriple();
  const file = `neurite.${triple}.node`;
  const binary = [join(NATIVE_DIR, file), join(repoRoot, 'native/node', file)].find(existsSync);
  if (!binary) throw new Error(`not built: ${file} is missing; run \`pnpm build\` (builds the native addon) first`);
  const stage = join(dest, `stage-${triple}`);
  cpSync(join(NATIVE_DIR, 'npm', triple), stage, { recursive: true });
  cpSync(binary, join(stage, file));
  const pkg = readJson(join(stage, 'package.json'));
  pkg.version = version; // napi prepublish keeps the platform packages at the main version
  writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2));
  return { name: pkg.name, tarball: packOne(stage, dest, 'npm') };
}

/** Adds the platform package as an optionalDependency, as `napi prepublish` does. */
function withOptionalBinary(tarball, dest, binaryName) {
  const stage = join(dest, 'stage-backend-native');
  mkdirSync(stage);
  run('tar', ['-xzf', tarball, '-C', stage]);
  const manifest = join(stage, 'package', 'package.json');
  const pkg = readJson(manifest);
  pkg.optionalDependencies = { ...pkg.optionalDependencies, [binaryName]: pkg.version };
  writeFileSync(manifest, JSON.stringify(pkg, null, 2));
  rmSync(tarball);
  return packOne(join(stage, 'package'), dest, 'npm');
}

/**
 * Tarballs by package name, shared by every test file of one `node --test` run (they are its
 * children, so they share a parent pid). Test files run one at a time (see package.json).
 * One folder is reused from run to run, unless another run that is still alive holds it.
 */
export function packAll() {
  assertBuilt();
  const run = process.ppid;
  let dest = join(tmpdir(), 'neurite-tarballs');
  const held = existsSync(join(dest, 'index.json')) ? readJson(join(dest, 'index.json')).run : null;
  if (held === run) return readJson(join(dest, 'index.json')).tarballs;
  if (held !== null && held !== run && alive(held)) dest = `${dest}-${run}`;
  const index = join(dest, 'index.json');
  if (existsSync(index)) return readJson(index).tarballs;
  removeStale();
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const tarballs = {};
  for (const name of PACKAGES) {
    const pkg = readJson(join(packageDir(name), 'package.json'));
    tarballs[pkg.name] = packOne(packageDir(name), dest);
  }
  const native = readJson(join(NATIVE_DIR, 'package.json'));
  const binary = packBinary(dest, native.version);
  tarballs[binary.name] = binary.tarball;
  tarballs[native.name] = withOptionalBinary(tarballs[native.name], dest, binary.name);
  writeFileSync(index, JSON.stringify({ run, tarballs }, null, 2));
  return tarballs;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function removeStale() {
  const hour = 60 * 60 * 1000;
  for (const d of readdirSync(tmpdir())) {
    if (!d.startsWith('neurite-tarballs-') && !d.startsWith('neurite-install-')) continue;
    const full = join(tmpdir(), d);
    try {
      if (Date.now() - statSync(full).mtimeMs > hour) rmSync(full, { recursive: true, force: true });
    } catch {}
  }
}
