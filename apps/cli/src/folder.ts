import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FileError } from './errors.ts';

/**
 * Writes a model folder so that it is either the old one or the complete new one, never a
 * mix: everything goes into a sibling temporary folder, which then replaces the target by
 * rename. A failure or Ctrl-C while writing leaves only the temporary folder, which is removed.
 */
export async function writeFolderAtomically(dir: string, write: (tmp: string) => Promise<void> | void): Promise<void> {
  const target = resolve(dir);
  checkReplaceable(target);
  const parent = dirname(target);
  const tmp = join(parent, `.${basename(target)}.partial-${process.pid}`);
  const old = join(parent, `.${basename(target)}.old-${process.pid}`);
  try {
    mkdirSync(parent, { recursive: true });
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    await write(tmp);
    // A folder cannot be renamed over a non-empty one: move the old aside first, then drop it.
    if (existsSync(target)) renameSync(target, old);
    renameSync(tmp, target);
    rmSync(old, { recursive: true, force: true });
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(old)) renameSync(old, target);
    if (error instanceof FileError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new FileError(dir, `cannot write model folder '${dir}': ${reason}`);
  }
}

/** Replacing a folder is only safe when it is a model folder (or empty): never delete a user's other files. */
export function checkReplaceable(target: string): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new FileError(target, `'${target}' exists and is not a folder; choose another --out`);
  const entries = readdirSync(target);
  if (entries.length > 0 && !entries.includes('model.json')) {
    throw new FileError(target, `'${target}' is a non-empty folder that is not a Neurite model; choose another --out or empty it`);
  }
}
