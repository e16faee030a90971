import { Dense, Sequential } from '@neurite/layers';
import type { OptimizerName } from '@neurite/optimizers';
import type { Config } from './config.ts';

const OPTIMIZER: Record<Config['optimizer'], OptimizerName> = {
  adam: 'adam',
  momentum: 'momentum',
  sgd: 'gradientDescent',
  rmsprop: 'rmsprop',
};

/**
 * The playground's network as a @neurite/layers Sequential: the hidden layers with the
 * chosen activation (He init for the ReLU family, Glorot otherwise), a sigmoid output,
 * binary cross-entropy, and the chosen optimizer, learning rate and L2 factor.
 */
export function buildModel(config: Config): Sequential {
  const relu = config.activation === 'relu' || config.activation === 'leakyRelu';
  const model = new Sequential({
    inputUnits: 2,
    seed: config.seed,
    layers: [
      ...config.layers.map(
        (units) => new Dense(units, { activation: config.activation, kernelInitializer: relu ? 'heNormal' : 'glorotNormal' }),
      ),
      new Dense(1, { activation: 'sigmoid', kernelInitializer: 'glorotNormal' }),
    ],
  });
  model.build();
  model.compile({ loss: 'binaryCrossEntropy', optimizer: OPTIMIZER[config.optimizer], learningRate: config.lr, l2: config.l2 });
  return model;
}
