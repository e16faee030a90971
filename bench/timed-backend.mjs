// The profile scripts' timer: the active backend's every method wrapped through a second backend
// registered under another name, so each call's time is the kernel's own (copies and N-API
// included). `calls` collects [method, ms] in call order; empty it with `calls.length = 0`.
import { backendInfo, getBackend, registerBackend, setBackend } from '@neurite/tensor';

export function timeActiveBackend() {
  const inner = getBackend();
  const name = backendInfo().name;
  const calls = [];
  const timed = { name: `${name}-timed` };
  const methods = new Set();
  for (let o = inner; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const k of Object.getOwnPropertyNames(o)) if (k !== 'constructor' && k !== 'name') methods.add(k);
  }
  for (const k of methods) {
    const f = inner[k];
    if (typeof f !== 'function') {
      timed[k] = f;
      continue;
    }
    timed[k] = (...args) => {
      const s = performance.now();
      const r = f.apply(inner, args);
      calls.push([k, performance.now() - s]);
      return r;
    };
  }
  registerBackend(timed.name, () => timed, -1);
  setBackend(timed.name);
  return { name, calls };
}

export const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
