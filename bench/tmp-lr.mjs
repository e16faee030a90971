import { matmul, setBackend, Generator, sigmoid } from '@neurite/tensor';
import { nativeBinding } from '@neurite/backend-native';
setBackend('native');
const b = nativeBinding();
const g = new Generator(3);
const dt = process.argv[2] ?? 'float32';
const w = g.randn([1, 12288], dt), X = g.randn([12288, 209], dt), dZ = g.randn([1, 209], dt);
const provs = (process.argv[3] ?? 'auto,openblas,pure,small').split(',');
const cases = { fwd: () => matmul(w, X), dW: () => matmul(dZ, X, { transB: true }), sig: () => sigmoid(dZ) };
const ts = {};
for (let r = 0; r < 21; r++) for (const p of provs) for (const [c, f] of Object.entries(cases)) {
  b.setGemmProvider(p);
  for (let i = 0; i < 3; i++) f();
  const t = performance.now(); for (let i = 0; i < 50; i++) f(); (ts[p + ' ' + c] ??= []).push((performance.now() - t) / 50);
}
for (const [k, s] of Object.entries(ts)) { s.sort((a, b) => a - b); console.log(dt, k, 'median', s[10].toFixed(4), 'min', s[0].toFixed(4)); }
