/**
 * Checks a packed release set (the tarballs in one folder) before anything is published:
 * each manifest as npm will read it, the Neurite dependencies between them, and each
 * per-platform binary's architecture and C library. Returns the problems, one line each.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TARGETS } from '../../packages/backend-native/scripts/targets.mjs';
import { PLATFORM_PREFIX, platformOf } from './set.mjs';

const EXACT = /^\d+\.\d+\.\d+(?:-[\w.]+)?$/;
const DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];
// ELF e_machine of each npm `cpu`.
const MACHINE = { x64: 62, arm64: 183 };

export function manifestOf(tarball) {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8', maxBuffer: 1 << 24 }));
}

function listing(tarball) {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8', maxBuffer: 1 << 24 })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
}

function binaryProblems(tarball, platform, file) {
  const bytes = execFileSync('tar', ['-xzOf', tarball, `package/${file}`], { maxBuffer: 1 << 28 });
  const { cpu, libc } = { cpu: TARGETS[platform].triple.startsWith('aarch64') ? 'arm64' : 'x64', libc: platform.split('-')[2] };
  const problems = [];
  if (bytes.readUInt32BE(0) !== 0x7f454c46) return [`${file}: not an ELF file`];
  if (bytes.readUInt16LE(18) !== MACHINE[cpu])
    problems.push(`${file}: ELF machine ${bytes.readUInt16LE(18)}, expected ${MACHINE[cpu]} (${cpu})`);
  const glibc = bytes.includes('libc.so.6');
  if (libc === 'gnu' && !glibc) problems.push(`${file}: does not link glibc's libc.so.6`);
  if (libc === 'musl' && glibc) problems.push(`${file}: links glibc's libc.so.6, not musl's libc`);
  return problems;
}

export function checkSet(dir, index) {
  const problems = [];
  const versions = new Map(index.packages.map((p) => [p.name, p.version]));
  for (const entry of index.packages) {
    const tarball = join(dir, entry.file);
    const pkg = manifestOf(tarball);
    const files = listing(tarball);
    const where = `${entry.name}@${entry.version}`;
    for (const field of DEP_FIELDS) {
      for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
        if (range.startsWith('workspace:')) problems.push(`${where}: ${field}.${dep} is still "${range}"`);
        if (!dep.startsWith('@neurite/')) continue;
        if (!versions.has(dep)) {
          const shippedElsewhere = field === 'optionalDependencies' && index.missing.includes(platformOf(dep));
          if (!shippedElsewhere) problems.push(`${where}: depends on ${dep}, which is not in the set`);
        } else if (EXACT.test(range) && range !== versions.get(dep)) {
          problems.push(`${where}: ${field}.${dep} is ${range}, the set has ${versions.get(dep)}`);
        }
      }
    }
    const stray = files.filter((f) => /\.test\.ts$|tsconfig|vitest\.config/.test(f) || (f.endsWith('.node') && !platformOf(entry.name)));
    if (stray.length) problems.push(`${where}: ships ${stray.join(', ')}`);
    if (!files.includes('LICENSE')) problems.push(`${where}: no LICENSE`);
    const platform = platformOf(entry.name);
    if (platform) {
      if (!files.includes(pkg.main)) problems.push(`${where}: its binary ${pkg.main} is not in the tarball`);
      else problems.push(...binaryProblems(tarball, platform, pkg.main).map((p) => `${where}: ${p}`));
    }
    if (entry.name === '@neurite/backend-native') {
      const optional = pkg.optionalDependencies ?? {};
      for (const p of Object.keys(TARGETS)) {
        if (optional[`${PLATFORM_PREFIX}${p}`] !== pkg.version) {
          problems.push(`${where}: optionalDependencies lacks ${PLATFORM_PREFIX}${p}@${pkg.version}`);
        }
      }
      if (pkg.scripts?.install || pkg.scripts?.postinstall) problems.push(`${where}: has an install script`);
    }
  }
  return problems;
}
