// A real npm registry on 127.0.0.1 for the install tests: Verdaccio, in this process, on a
// port the OS picks (others run tests on this machine at the same time).
//
// What it serves:
//   - @neurite/*: only what the tests publish to it (never proxied), kept in a storage
//     folder of this run that is deleted afterwards;
//   - everything else (h5wasm, papaparse, commander, ...): proxied from the registry npm is
//     configured with (`npm config get registry`, or $NEURITE_UPLINK), and cached in a folder
//     that outlives the run (node_modules/.cache/neurite-verdaccio/uplink), so a later run
//     works with no network: when the uplink cannot be reached, Verdaccio answers from that
//     cache.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('../..', import.meta.url).pathname;
export const CACHE_ROOT = join(here, 'node_modules/.cache/neurite-verdaccio');

function uplinkUrl() {
  if (process.env.NEURITE_UPLINK) return process.env.NEURITE_UPLINK;
  try {
    const url = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (/^https?:\/\//.test(url) && !/127\.0\.0\.1|localhost/.test(url)) return url;
  } catch {}
  return 'https://registry.npmjs.org/';
}

/** Starts Verdaccio; resolves to { url, userconfig, storage, close() }. */
export async function startRegistry() {
  const { runServer } = await import('verdaccio');
  mkdirSync(join(CACHE_ROOT, 'uplink'), { recursive: true });
  const storage = mkdtempSync(join(CACHE_ROOT, 'run-'));
  const config = {
    self_path: join(storage, 'config.yaml'),
    storage,
    auth: { htpasswd: { file: join(storage, 'htpasswd'), max_users: 10 } },
    uplinks: { upstream: { url: uplinkUrl(), timeout: '60s', max_fails: 2, fail_timeout: '10m', cache: true } },
    packages: {
      '@neurite/*': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' },
      // Relative to this run's storage: the shared cache of proxied packages.
      '**': { access: '$all', publish: '$authenticated', proxy: 'upstream', storage: '../uplink' },
    },
    // The platform binaries are megabytes, and npm sends them base64-encoded.
    max_body_size: '200mb',
    publish: { allow_offline: true },
    web: { enable: false },
    log: { type: 'stdout', format: 'pretty', level: 'error' },
  };
  const server = await runServer(config);
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  const userconfig = join(storage, 'publisher.npmrc');
  const token = await addUser(url);
  writeFileSync(userconfig, `registry=${url}\n//127.0.0.1:${server.address().port}/:_authToken=${token}\n`);
  return {
    url,
    userconfig,
    storage,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => {
          if (!process.env.NEURITE_KEEP_INSTALL) rmSync(storage, { recursive: true, force: true });
          ok();
        });
      }),
  };
}

/** `npm adduser` against the fresh registry: the token the publisher uses. */
async function addUser(url) {
  const name = 'neurite-release';
  const res = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: `pw-${process.pid}-${Date.now()}`, type: 'user', roles: [] }),
  });
  const body = await res.json();
  if (!res.ok || !body.token) throw new Error(`verdaccio adduser failed: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}
