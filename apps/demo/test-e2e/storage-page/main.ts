// The e2e fixture for @neurite/layers/browser: storage.test.mjs drives these functions
// through page.evaluate. A seeded model is trained a little, so its weights are not the
// initial ones, and scored on a fixed lattice of points.
import { Dense, Dropout, Sequential } from '@neurite/layers';
import {
  deleteFromIndexedDB,
  downloadModel,
  listIndexedDB,
  loadFromIndexedDB,
  loadFromLocalStorage,
  loadModelFromFiles,
  saveToIndexedDB,
  saveToLocalStorage,
} from '@neurite/layers/browser';
import { Generator, Tensor } from '@neurite/tensor';

const g = new Generator(7);
const X = g.randn([2, 64], 'float32');
const Y = new Tensor(
  Float32Array.from({ length: 64 }, (_, j) => (X.data[j] * X.data[64 + j] > 0 ? 1 : 0)),
  [1, 64],
);
const lattice = new Generator(8).randn([2, 500], 'float32');

const predictions = (model: Sequential): number[] => Array.from(model.predictProba(lattice).data);

function trained(units = 8): Sequential {
  const model = new Sequential({ inputUnits: 2, seed: 3 })
    .add(new Dense(units, { activation: 'tanh' }))
    .add(new Dropout(0.1))
    .add(new Dense(1, { activation: 'sigmoid' }));
  model.fit(X, Y, { epochs: 20, batchSize: 16, optimizer: 'adam', learningRate: 0.02, seed: 1 });
  return model;
}

const errorOf = async (f: () => unknown): Promise<string> => {
  try {
    await f();
    return 'no error';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
};

let uploaded: number[] | string = 'nothing uploaded';
document.getElementById('upload')?.addEventListener('change', async (e) => {
  const files = (e.target as HTMLInputElement).files;
  try {
    uploaded = predictions(await loadModelFromFiles(files as FileList));
  } catch (error) {
    uploaded = `${(error as Error).name}: ${(error as Error).message}`;
  }
});

Object.assign(window, {
  neurite: {
    async saveIndexedDB(name: string, overwrite = false) {
      const model = trained();
      const info = await saveToIndexedDB(model, name, { overwrite });
      return { predictions: predictions(model), info, iteration: model.iteration };
    },
    async loadIndexedDB(name: string) {
      const model = await loadFromIndexedDB(name);
      return { predictions: predictions(model), iteration: model.iteration, list: await listIndexedDB() };
    },
    missingIndexedDB: (name: string) => errorOf(() => loadFromIndexedDB(name)),
    // Saving again under a taken name without overwrite: the error, as text.
    takenIndexedDB: (name: string) => errorOf(() => saveToIndexedDB(trained(), name)),
    takenLocal: (name: string) => errorOf(() => saveToLocalStorage(trained(), name)),
    deleteIndexedDB: (name: string) => deleteFromIndexedDB(name),
    saveLocal(name: string, overwrite = false) {
      const model = trained();
      saveToLocalStorage(model, name, { overwrite });
      return predictions(model);
    },
    loadLocal: (name: string) => predictions(loadFromLocalStorage(name)),
    // 2 × 1500 × 1500 weights, Adam's two slots: about 27 MB of float32, far past localStorage's 5 MiB.
    tooBigLocal: () =>
      errorOf(() =>
        saveToLocalStorage(new Sequential({ inputUnits: 1500, seed: 1 }).add(new Dense(1500)).add(new Dense(1)).build(), 'big'),
      ),
    download(name: string) {
      const model = trained();
      downloadModel(model, name);
      return predictions(model);
    },
    uploaded: () => uploaded,
  },
});
