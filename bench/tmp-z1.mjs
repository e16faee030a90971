import { matmul, setBackend, Generator } from '@neurite/tensor';
import { nativeBinding } from '@neurite/backend-native';
setBackend('native');
const b = nativeBinding();
const g = new Generator(3);
const dt = process.argv[2] ?? 'float32';
const [m, k, n] = (process.argv[4] ?? '20,12288,209').split(',').map(Number);
const W = g.randn([m, k], dt), X = g.randn([k, n], dt);
const provs = (process.argv[3] ?? 'auto,openblas,pure,small').split(',');
const ts = Object.fromEntries(provs.map((p) => [p, []]));
for (let r = 0; r < 25; r++) for (const p of provs) {
  b.setGemmProvider(p);
  for (let i = 0; i < 3; i++) matmul(W, X);
  const t = performance.now(); for (let i = 0; i < 20; i++) matmul(W, X); ts[p].push((performance.now() - t) / 20);
}
for (const p of provs) { const s = ts[p].sort((a, b) => a - b); console.log(dt, m, k, n, p, 'median', s[12].toFixed(3), 'min', s[0].toFixed(3)); }
