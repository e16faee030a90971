#!/usr/bin/env node
// kill -9 at random moments during model saves, through the API and the CLI, and checks that
// a complete model always loads from the target and no temporary folders are left:
//   node scripts/kill-saves.mjs [--api 100] [--cli 100] [--verbose]
// The work is in apps/cli/test/kill/run.ts (its fast version runs in the CLI's test suite).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../apps/cli/', import.meta.url));
const run = fileURLToPath(new URL('../apps/cli/test/kill/run.ts', import.meta.url));
const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', run, ...process.argv.slice(2)], {
  cwd: cli,
  stdio: 'inherit',
});
process.exitCode = r.status ?? 1;
