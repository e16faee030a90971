import { execFileSync } from 'node:child_process';

/**
 * The python that has onnx (and onnxruntime, torch) for the checks that need it:
 * NEURITE_ONNX_PYTHON, else python3. Without those modules the checks are skipped, and
 * their titles say why.
 */
export const PYTHON = process.env.NEURITE_ONNX_PYTHON ?? 'python3';

const known = new Map<string, boolean>();

export function pythonHas(...modules: string[]): boolean {
  const key = modules.join(',');
  if (!known.has(key)) {
    try {
      execFileSync(PYTHON, ['-c', `import ${key}`], { stdio: 'ignore' });
      known.set(key, true);
    } catch {
      known.set(key, false);
    }
  }
  return known.get(key) as boolean;
}

/** A test title that says why it is skipped when python lacks the modules. */
export function needsPython(title: string, ...modules: string[]): string {
  return pythonHas(...modules)
    ? title
    : `${title} (skipped: ${PYTHON} has no ${modules.join(', ')}; pip install ${modules.join(' ')} or set NEURITE_ONNX_PYTHON)`;
}

/** Runs `code` with `args`; returns its stdout. */
export function python(code: string, args: readonly string[] = [], input?: string): string {
  return execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
}
