import type { Layer } from './layer.ts';
import type { Weight } from './weight.ts';

/** A weight with its model-wide name (the key in params(), in grads and in weights.safetensors). */
export interface NamedWeight {
  key: string;
  layer: Layer;
  weight: Weight;
}

/**
 * The course's names for a model's weights:
 * - a layer that holds a weight named W is numbered among such layers, 1, 2, ..., and each
 *   of its weights is `<name><number>`: W1, b1 for the first Dense or Conv2D, W2, b2 next;
 * - any other layer with weights prefixes them with its own name, or, unnamed, with its
 *   class's name in lower camel case numbered among the layers of that class that hold
 *   weights: batchNormalization1.gamma, batchNormalization1.movingMean, scale1.gamma.
 * Keys never collide: the second kind always contains a dot, and layer names are unique.
 */
export function nameWeights(layers: readonly Layer[]): NamedWeight[] {
  const out: NamedWeight[] = [];
  const perClass = new Map<string, number>();
  const taken = new Set(layers.map((l) => l.name).filter((n) => n !== undefined));
  let numbered = 0;
  for (const layer of layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    if (weights.some((w) => w.name === 'W')) {
      numbered++;
      for (const weight of weights) out.push({ key: `${weight.name}${numbered}`, layer, weight });
      continue;
    }
    let prefix = layer.name;
    if (prefix === undefined) {
      const base = lowerCamel(layer.className);
      let n = perClass.get(base) ?? 0;
      // A user's layer may already be called batchNormalization1: skip to a free number.
      do n++;
      while (taken.has(`${base}${n}`));
      perClass.set(base, n);
      prefix = `${base}${n}`;
    }
    for (const weight of weights) out.push({ key: `${prefix}.${weight.name}`, layer, weight });
  }
  return out;
}

/** 'BatchNormalization' → 'batchNormalization'; 'my-package>Scale' → 'scale'. */
function lowerCamel(className: string): string {
  const short = className.slice(className.lastIndexOf('>') + 1).replace(/[^A-Za-z0-9_]/g, '');
  return short.length === 0 ? 'layer' : short[0].toLowerCase() + short.slice(1);
}
