import { describe, expect, it } from 'vitest';
import { ENV } from './harness.ts';
import { type KillReport, killApiSaves, killCliSaves } from './kill/run.ts';

/**
 * The fast version of `node scripts/kill-saves.mjs` (100 kills through the API and 100 through
 * the CLI): a few kill -9 at random moments of saves over an existing model, and a few inside
 * the window between the save's two renames, widened on purpose (kill/slow-rename.mjs). Each
 * time a complete model loads from the target, one of the two being saved (for the CLI with
 * its neurite-cli.json), and the load leaves no temporary folder.
 */
function expectSound(r: KillReport, kills: number): void {
  expect(r.failures).toEqual([]);
  expect(r.kills).toBe(kills);
  expect(r.loaded[0] + r.loaded[1]).toBe(kills);
  // In the window every kill found the target missing: the case that used to lose the model.
  if (r.mode === 'window') expect(r.targetMissing).toBe(kills);
}

// Each kill starts a process, so the suite keeps to a few: the API in both modes, the CLI in
// the window (at random moments a CLI run is nearly always killed before its save; the full
// script covers that).
describe('kill -9 during a save never leaves the user without a model', () => {
  for (const mode of ['window', 'random'] as const) {
    it(`through the API (${mode})`, async () => expectSound(await killApiSaves({ kills: 2, mode }), 2), 60_000);
  }
  it('through the CLI (window)', async () => expectSound(await killCliSaves({ kills: 2, mode: 'window', env: ENV }), 2), 90_000);
});
