import { listBackends } from '../src/index.ts';

/**
 * A vitest setup file for every workspace project (setupFiles, after any file that registers
 * backends): runs @neurite/tensor's backend discovery once with its `require` of
 * @neurite/backend-native switched off, then restores the environment, so that processes the
 * tests spawn discover as a user's would.
 *
 * Under vitest that require cannot work: vitest starts its workers with `--conditions source`,
 * so it resolved to backend-native's src/index.ts, TypeScript that Node 20 cannot compile
 * ("did not load (Unexpected token '{'); using the js backend", once per test file, and the
 * suite silently on js). It found the package even from packages that do not depend on it,
 * because pnpm's bin shims put node_modules/.pnpm/node_modules, a link to every workspace
 * package, on NODE_PATH. Projects that run on native register it through vite instead
 * (backend-native/test/as-installed.ts); discovery itself is tested in real processes
 * (backend-native's loader.test.ts, tests/install).
 */
const before = process.env.NEURITE_NO_AUTOLOAD;
process.env.NEURITE_NO_AUTOLOAD = '1';
try {
  listBackends(); // discovery runs once per module instance; this is that once
} finally {
  if (before === undefined) delete process.env.NEURITE_NO_AUTOLOAD;
  else process.env.NEURITE_NO_AUTOLOAD = before;
}
