import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** This package's version: package.json sits one folder above both src/ and dist/. */
export function cliVersion(): string {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

/** The installed version of a Neurite package, or undefined when it is not installed. */
export function packageVersion(name: string): string | undefined {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return undefined;
  }
}
