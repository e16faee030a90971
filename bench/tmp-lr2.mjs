import { setBackend, Generator, Tensor } from '@neurite/tensor';
import { Sequential, Dense } from '@neurite/layers';
setBackend('native');
const g = new Generator(3);
const dt = 'float32';
const X = g.randn([12288, 209], dt); const Y = new Tensor(Float32Array.from({length:209},(_, i)=> i%2), [1, 209]);
const model = new Sequential({ inputUnits: 12288, dtype: dt, seed: 1 });
model.add(new Dense(1, { activation: 'sigmoid', kernelInitializer: 'zeros' }));
model.build();
model.compile({ loss: 'binaryCrossEntropy', optimizer: 'gradientDescent', learningRate: 0.005 });
const ts = [];
for (let r = 0; r < 21; r++) {
  const t = performance.now(); for (let i = 0; i < 200; i++) model.trainStep(X, Y, { computeCost: i % 100 === 0 }); ts.push((performance.now() - t) / 200);
}
ts.sort((a, b) => a - b); console.log('trainStep median', ts[10].toFixed(4), 'min', ts[0].toFixed(4));
