/**
 * The native backend under Deno: the .node addon loads through node:module's createRequire
 * (Deno needs --allow-ffi for it), then a smoke suite and the tensor package's conformance
 * cases run on it. Run from packages/backend-native:
 *
 *     deno test --conditions=source --allow-read --allow-env --allow-ffi --allow-sys deno/
 */

import { ALWAYS_NATIVE, createNativeBackend, nativeBinding, nativeInfo, neuriteBackend } from '@neurite/backend-native';
import { backendInfo, Generator, jsBackend, matmul, registerBackend, setBackend, sum, tanh, tensor } from '@neurite/tensor';
import { conformanceCases } from '@neurite/tensor/testing';

registerBackend(neuriteBackend.name, neuriteBackend.load, neuriteBackend.priority);
registerBackend('native-all', () => createNativeBackend(nativeBinding(), ALWAYS_NATIVE, 'native-all'), -1);

function assert(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

Deno.test('native: the addon loads and is the default backend', () => {
  const info = nativeInfo();
  assert(info.from.endsWith('.node'), `loaded from ${info.from}`);
  assert(backendInfo().name === 'native', `active backend is ${backendInfo().name}`);
});

Deno.test('native: matmul and tanh agree with the js backend on a 64x300 problem', () => {
  const g = new Generator(3);
  const W = g.randn([64, 128], 'float64');
  const A = g.randn([128, 300], 'float64');
  setBackend('native');
  const got = sum(tanh(matmul(W, A)), 1).data;
  setBackend('js');
  const want = sum(tanh(matmul(W, A)), 1).data;
  for (let i = 0; i < want.length; i++) assert(Math.abs(got[i] - want[i]) < 1e-10, `row ${i}: ${got[i]} vs ${want[i]}`);
});

Deno.test('native: bad input through the binding throws and Deno goes on', () => {
  let message = '';
  try {
    nativeBinding().gemm(false, false, Number.NaN, 1, 1, 1, new Float32Array(1), new Float32Array(1), 0, new Float32Array(1));
  } catch (e) {
    message = (e as Error).message;
  }
  assert(message.includes('m must be a non-negative integer, received NaN'), message);
  const y = tensor([[1, 2]]);
  assert(jsBackend.name === 'js' && y.size === 2, 'still alive');
});

for (const c of conformanceCases('native-all')) Deno.test(`conformance native-all: ${c.name}`, c.fn);
