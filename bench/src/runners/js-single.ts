import { setBackend, setThreads } from '@neurite/tensor';
import type { Workload } from '../workloads.ts';
import { prepareNeurite } from './neurite-workload.ts';
import { inProcess } from './types.ts';

/** The js backend held to the calling thread: what browsers, Deno and `NEURITE_THREADS=1` get. */
export const jsSingleRunner = inProcess({
  name: 'js-1t',
  description: "Neurite's js backend with `setThreads(1)`: one thread, as in browsers and Deno",
  neurite: true,
  async init() {
    setBackend('js');
    setThreads(1);
    return undefined;
  },
  async prepare(w: Workload) {
    return prepareNeurite('js', w);
  },
});
