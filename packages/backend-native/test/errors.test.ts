import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendError, Tensor } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { ALWAYS_NATIVE, createNativeBackend, nativeBinding } from '../src/index.ts';

/**
 * What a user sees when native code goes wrong: a Rust panic (a kernel bug) and a kernel's
 * rejection reach JavaScript as one Error naming it, the process goes on, and nothing is printed
 * on the terminal; an invalid NEURITE_GEMM is a ValueError naming the variable and the choices.
 */
const pkg = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(pkg, '../../node_modules/.bin/tsx');

function runScript(code: string, env: Record<string, string>) {
  const r = spawnSync(tsx, ['--conditions=source', '-e', code], {
    cwd: pkg,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

// Each case that starts a process takes 1-3 s, more on a busy machine.
describe('native errors', { timeout: 60_000 }, () => {
  it('a panic in a Rust worker thread is an Error naming it, and prints nothing (even with RUST_BACKTRACE=1)', () => {
    const r = runScript(
      `import { nativeBinding } from '@neurite/backend-native';
       const b = nativeBinding();
       for (let i = 0; i < 3; i++) {
         try { b.selfTestPanic(); } catch (e) { console.log(e.message); }
       }
       const out = new Float64Array(1);
       b.gemm(false, false, 1, 1, 1, 1, new Float64Array([2]), new Float64Array([3]), 0, out);
       console.log('after', out[0]);`,
      { RUST_BACKTRACE: '1' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines.slice(0, 3)) {
      expect(line).toMatch(
        /^@neurite\/backend-native: internal error \(please report\): self-test panic in task 37 at node\/src\/lib\.rs:\d+$/,
      );
    }
    expect(lines[3]).toBe('after 6');
  });

  it("NEURITE_NATIVE_BACKTRACE=1 brings back Rust's own report, for debugging the kernels", () => {
    const r = runScript(
      `import { nativeBinding } from '@neurite/backend-native';
       try { nativeBinding().selfTestPanic(); } catch (e) { console.log('caught'); }`,
      { NEURITE_NATIVE_BACKTRACE: '1', RUST_BACKTRACE: '0' },
    );
    expect(r.stdout).toBe('caught');
    expect(r.stderr).toContain('self-test panic in task 37');
  });

  it("a kernel's rejection reaches the op caller as a BackendError naming the op", () => {
    const backend = createNativeBackend(nativeBinding(), ALWAYS_NATIVE, 'errors-test');
    const x = new Tensor(new Float32Array(6), [2, 3]);
    // An output of the wrong length: the op layer never does this, so it is Neurite's bug.
    const call = () => backend.softmax?.(x, 0, new Float32Array(5));
    expect(call).toThrow(BackendError);
    expect(call).toThrow('@neurite/backend-native (softmax): softmax: x (6 elements) and out (5 elements) must have the same length');
  });

  it('NEURITE_GEMM=bogus: the first product throws a ValueError naming the variable and the valid values', () => {
    const r = runScript(
      `import { matmul, tensor, setBackend, add } from '@neurite/tensor';
       import { nativeInfo } from '@neurite/backend-native';
       setBackend('native');
       console.log(add(tensor([1]), 1).item());
       try { matmul(tensor([[1, 2]]), tensor([[3], [4]])); console.log('no error'); }
       catch (e) { console.log(e.name + ': ' + e.message); }
       const info = nativeInfo();
       console.log(info.gemmProvider, info.gemmProblem);`,
      { NEURITE_GEMM: 'bogus' },
    );
    expect(r.stderr).toBe('');
    const choices = nativeBinding()
      .gemmProviders()
      .map((p) => `'${p}'`)
      .join(', ');
    expect(r.stdout.split('\n')).toEqual([
      '2',
      `ValueError: NEURITE_GEMM: expected one of ${choices}, received 'bogus'`,
      `none NEURITE_GEMM: expected one of ${choices}, received 'bogus'`,
    ]);
  });

  it('NEURITE_GEMM names the provider of every product', () => {
    for (const name of nativeBinding().gemmProviders()) {
      const r = runScript(
        `import { matmul, tensor, setBackend } from '@neurite/tensor';
         import { nativeInfo } from '@neurite/backend-native';
         setBackend('native');
         console.log(nativeInfo().gemmProvider, matmul(tensor([[1, 2]]), tensor([[3], [4]])).item());`,
        { NEURITE_GEMM: name },
      );
      expect(r.stdout).toBe(`${name} 11`);
    }
  });
});
