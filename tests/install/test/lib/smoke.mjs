// The program the native install tests run: which backend a fresh install gets, where its
// addon came from, and one product that must be right on either backend.
// A 37x29 by 29x23 product checked against a plain triple loop (either backend must give
// the same numbers to 1e-12: float64, K = 29, |entries| of a few units).
export const SMOKE = `
import { backendInfo, Generator, matmul } from '@neurite/tensor';
const rng = new Generator(0);
const A = rng.randn([37, 29], 'float64');
const B = rng.randn([29, 23], 'float64');
const C = matmul(A, B).data;
let maxError = 0;
for (let i = 0; i < 37; i++)
  for (let j = 0; j < 23; j++) {
    let s = 0;
    for (let k = 0; k < 29; k++) s += A.data[i * 29 + k] * B.data[k * 23 + j];
    maxError = Math.max(maxError, Math.abs(s - C[i * 23 + j]));
  }
const info = backendInfo();
let native = null;
if (info.name === 'native') native = (await import('@neurite/backend-native')).nativeInfo();
console.log(JSON.stringify({ backend: info.name, maxError, from: native?.from ?? null, gemm: native?.gemmProviders ?? null, failure: info.failures.native ?? null }));
`;
