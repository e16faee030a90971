#!/usr/bin/env node
/**
 * `prepack` of every published package: refuses, in one message that says what to run
 * instead, to pack a tarball that would not install or would not work:
 *   - `npm pack` (or any client but pnpm) keeps "workspace:" ranges, which npm then cannot
 *     install (EUNSUPPORTEDPROTOCOL); pnpm replaces them with versions;
 *   - a file the manifest promises (exports, main, bin) is missing: not built yet; for a
 *     per-platform package of @neurite/backend-native, its .node binary.
 * `pnpm release` (scripts/release.mjs) packs the whole set the right way.
 */
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
// Which client runs prepack: npm_execpath is set by the client itself. The user agent alone is
// not enough: npm takes npm_config_user_agent from its environment, so `npm pack` run from a
// pnpm script (CI's test run) inherits "pnpm/..." and would pass.
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the client running prepack, never by turbo
const execpath = process.env.npm_execpath ?? '';
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the client running prepack, never by turbo
const agent = process.env.npm_config_user_agent ?? '';
const byNpm = /npm-cli\.js$/.test(execpath);
const isPnpm = !byNpm && (/pnpm[^/\\]*$/.test(execpath) || agent.startsWith('pnpm/'));
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by npm for its lifecycle scripts
const client = byNpm ? `npm/${process.env.npm_config_npm_version ?? '?'}` : agent.split(' ')[0];

function refuse(message) {
  console.error(`${pkg.name}: ${message}`);
  process.exit(1);
}

const ranges = ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
  Object.entries(pkg[field] ?? {}).filter(([, range]) => String(range).startsWith('workspace:')),
);
if (ranges.length && !isPnpm) {
  const [name, range] = ranges[0];
  refuse(
    `will not pack with ${client || 'this client'}: it would keep "${name}": "${range}" in the tarball, ` +
      'which npm then refuses to install (EUNSUPPORTEDPROTOCOL). Use `pnpm pack` (it writes versions), ' +
      'or `pnpm release` at the repo root to build every tarball into release/.',
  );
}

/** Files named by the manifest, outside the workspace-only `source` export condition. */
function promised(value, condition = '') {
  if (typeof value === 'string') return condition === 'source' || value.endsWith('package.json') ? [] : [value];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => promised(v, key));
}
const files = [...promised(pkg.exports), ...promised(pkg.bin), ...(pkg.main ? [pkg.main] : [])];
const absent = [...new Set(files)].filter((file) => !existsSync(file));
if (absent.length) {
  const platform = pkg.main?.match(/^neurite\.(.+)\.node$/)?.[1];
  refuse(
    platform
      ? `${absent[0]} is missing, so this tarball would hold no binary. Build the set with \`pnpm release\` ` +
          `(or only this one: \`pnpm release --targets ${platform}\`) at the repo root.`
      : `${absent.join(', ')} missing: run \`pnpm build\` at the repo root first (or \`pnpm release\` for every tarball).`,
  );
}
