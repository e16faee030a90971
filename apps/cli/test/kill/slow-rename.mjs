// Loaded with --import by scripts/kill-saves.mjs only: widens the window of a model save between
// its two renames (the old folder moved aside, the new one not yet in place) by sleeping
// NEURITE_KILL_PAUSE_MS there, so that a kill -9 lands in it. The library itself has no hook:
// this replaces fs.renameSync and updates the ES module bindings (syncBuiltinESMExports).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const pause = Number(process.env.NEURITE_KILL_PAUSE_MS ?? 200);
const rename = fs.renameSync;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
fs.renameSync = function renameThenPause(from, to) {
  rename(from, to);
  if (String(to).includes('.neurite-old-')) Atomics.wait(sleeper, 0, 0, pause);
};
syncBuiltinESMExports();
