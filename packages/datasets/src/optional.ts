import { NeuriteError } from '@neurite/tensor';

/** A feature needs a package that is not installed; `packageName` is what to install. */
export class MissingDependencyError extends NeuriteError {
  override name = 'MissingDependencyError';
  constructor(
    readonly packageName: string,
    readonly feature: string,
    cause?: unknown,
  ) {
    super(
      `${feature} needs the package '${packageName}', which is not installed: run \`npm install ${packageName}\` (or pnpm add / yarn add) beside @neurite/datasets`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/** Node ("Cannot find package"), Deno ("Could not find"/"not found"), bundlers ("Failed to resolve"). */
const NOT_FOUND = /cannot find (package|module)|could not find|failed to resolve|not found|unable to resolve/i;

/**
 * Runs a dynamic import of an optional package (a literal specifier in the
 * caller's dynamic import, so that bundlers see it) and turns "not installed" into a MissingDependencyError.
 * Any other failure (the package is there but broken) keeps its own error.
 */
export async function importOptional<T>(load: () => Promise<T>, packageName: string, feature: string): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    const message = err instanceof Error ? err.message : String(err);
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || NOT_FOUND.test(message);
    if (missing && message.includes(packageName)) throw new MissingDependencyError(packageName, feature, err);
    throw err;
  }
}
