import type { ActivationName } from '@neurite/layers';
import { float, type GraphBuilder, int } from './graph.ts';

/** SELU's constants as Neurite computes them (and PyTorch, Keras); ONNX attributes hold them in float32. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * A = g(Z) as ONNX nodes at opset 17, where `axis` is the features' (softmax's) axis. Ops
 * exist for all but gelu and silu, which are composed as PyTorch's exporter composes them at
 * this opset (and as fromOnnx recognizes them): gelu(z) = z·(erf(z/√2) + 1)·0.5,
 * silu(z) = z·sigmoid(z). Returns the output's name (Z itself for 'linear').
 */
export function emitActivation(g: GraphBuilder, prefix: string, act: ActivationName, alpha: number, Z: string, axis: number): string {
  switch (act) {
    case 'linear':
      return Z;
    case 'sigmoid':
      return g.node('Sigmoid', [Z], prefix, 'A');
    case 'tanh':
      return g.node('Tanh', [Z], prefix, 'A');
    case 'relu':
      return g.node('Relu', [Z], prefix, 'A');
    case 'leakyRelu':
      return g.node('LeakyRelu', [Z], prefix, 'A', { alpha: float(alpha) });
    case 'elu':
      return g.node('Elu', [Z], prefix, 'A', { alpha: float(alpha) });
    case 'selu':
      return g.node('Selu', [Z], prefix, 'A', { alpha: float(SELU_ALPHA), gamma: float(SELU_SCALE) });
    case 'softplus':
      return g.node('Softplus', [Z], prefix, 'A');
    case 'softmax':
      return g.node('Softmax', [Z], prefix, 'A', { axis: int(axis) });
    case 'gelu': {
      const scaled = g.node('Div', [Z, g.scalar(`${prefix}/sqrt2`, Math.SQRT2)], prefix, 'gelu_scaled');
      const erf = g.node('Erf', [scaled], prefix, 'gelu_erf');
      const shifted = g.node('Add', [erf, g.scalar(`${prefix}/one`, 1)], prefix, 'gelu_shifted');
      const product = g.node('Mul', [Z, shifted], prefix, 'gelu_product');
      return g.node('Mul', [product, g.scalar(`${prefix}/half`, 0.5)], prefix, 'A');
    }
    case 'silu':
    case 'swish': {
      const s = g.node('Sigmoid', [Z], prefix, 'silu_sigmoid');
      return g.node('Mul', [Z, s], prefix, 'A');
    }
  }
}
