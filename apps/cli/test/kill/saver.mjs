// The API side of scripts/kill-saves.mjs. `saver.mjs refs <dir>` saves the two models to
// <dir>/ref-1 and <dir>/ref-2 and exits; `saver.mjs loop <target>` saves them in turn over
// <target>, forever, until the runner kills it with SIGKILL (it prints "ready" first).
// Plain JavaScript, so that it runs on the built packages without a TypeScript loader.
import { Dense, Sequential } from '@neurite/layers';
import { saveModelSync } from '@neurite/layers/node';

/**
 * The course's L-layer network on the cat images, 12288 -> 20 -> 7 -> 5 -> 1 (246,000 float64
 * weights, 2 MB on disk), its weights drawn from `seed`.
 */
function deepModel(seed) {
  const model = new Sequential({ inputUnits: 12288, dtype: 'float64', seed });
  for (const units of [20, 7, 5]) model.add(new Dense(units, { activation: 'relu', kernelInitializer: { name: 'courseDeep' } }));
  model.add(new Dense(1, { activation: 'sigmoid', kernelInitializer: { name: 'courseDeep' } }));
  return model.build();
}

const [command, path] = process.argv.slice(2);
const models = [deepModel(1), deepModel(2)];
if (command === 'refs') {
  for (const [i, m] of models.entries()) saveModelSync(m, `${path}/ref-${i + 1}`);
} else {
  process.stdout.write('ready\n');
  for (let i = 0; ; i++) saveModelSync(models[i % 2], path, { overwrite: true });
}
