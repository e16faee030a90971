import { createInterface } from 'node:readline';
import type { ChildRequest, InitReply } from './isolate.ts';
import type { Cell } from './measure.ts';
import { type Runner, runners } from './runners/index.ts';

/** Child-process side of isolate.ts: load one runner, then time one workload per request line. */

// stdout carries the JSON replies: libraries that chat (tfjs greets Node users) go to stderr.
const reply = (value: InitReply | Cell) => process.stdout.write(`${JSON.stringify(value)}\n`);
console.log = console.error;

let runner: Runner | undefined;
for await (const line of createInterface({ input: process.stdin })) {
  const request = JSON.parse(line) as ChildRequest;
  if (request.type === 'init') {
    const entry = runners.find((r) => r.name === request.runner);
    if (!entry) throw new Error(`child: runner ${JSON.stringify(request.runner)} is not registered in runners/index.ts`);
    runner = await entry.load();
    const skipped = await runner.init();
    const environment = skipped ? [] : ((await runner.describeEnvironment?.()) ?? []);
    reply({ description: runner.description, neurite: runner.neurite, environment, ...(skipped ? { skipped } : {}) });
  } else if (runner) {
    const cells = await runner.run([request.workload], request.timing, (l) => console.error(l));
    reply(cells.get(request.workload.id) ?? { ok: false, reason: 'failed: the runner returned no cell' });
  }
}
