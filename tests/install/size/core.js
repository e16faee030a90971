// What a browser app pays for the core packages: every export of all four, tree-shaken together.
import * as layers from '../../../packages/layers/dist/index.js';
import * as losses from '../../../packages/losses/dist/index.js';
import * as optimizers from '../../../packages/optimizers/dist/index.js';
import * as tensor from '../../../packages/tensor/dist/index.js';

console.log(tensor, layers, losses, optimizers);
