import { NeuriteError } from '@neurite/tensor';
import { Activation } from './activation-layer.ts';
import { BatchNormalization } from './batch-norm.ts';
import { Conv2D } from './conv2d.ts';
import { Dense } from './dense.ts';
import { Dropout } from './dropout.ts';
import { Flatten } from './flatten.ts';
import type { Layer, LayerConfig } from './layer.ts';
import { nameClass, registeredName } from './names.ts';
import { AveragePool2D, GlobalAveragePooling2D, MaxPool2D } from './pooling.ts';
import { Unflatten } from './unflatten.ts';

/**
 * A layer class as the registry keeps it: its constructor takes the config (or it has a
 * static `fromConfig` that does).
 */
export type LayerClass = (abstract new (...args: never[]) => Layer) & { fromConfig?(config: LayerConfig): Layer };

const BUILT_IN: readonly LayerClass[] = [
  Dense,
  Dropout,
  Activation,
  Flatten,
  Unflatten,
  BatchNormalization,
  Conv2D,
  MaxPool2D,
  AveragePool2D,
  GlobalAveragePooling2D,
];
const classes = new Map<string, LayerClass>(BUILT_IN.map((cls) => [registeredName(cls) as string, cls]));

/**
 * Registers a layer class under `name`, so that model files naming it load. Use a
 * 'package>Name' key for your own layers (as Keras does), so that they never clash with
 * another package's or with a built-in. Registering the same class again is a no-op;
 * another class under a taken name is an error.
 *
 *     registerLayer('my-package>Scale', Scale);
 *
 * Loading calls `Scale.fromConfig(config)` when the class has one, `new Scale(config)`
 * otherwise, with the config its `getConfig()` saved; the constructor validates it.
 */
export function registerLayer(name: string, cls: LayerClass): void {
  if (typeof name !== 'string' || name.trim() !== name || name === '' || /[\s"]/.test(name)) {
    throw new NeuriteError(
      `registerLayer: name must be a non-empty string without spaces, such as 'my-package>Scale', received ${JSON.stringify(name)}`,
    );
  }
  if (typeof cls !== 'function') throw new NeuriteError(`registerLayer('${name}'): expected a Layer class, received ${typeof cls}`);
  const taken = classes.get(name);
  if (taken === cls) return;
  if (taken) {
    const hint = BUILT_IN.includes(taken) ? `'${name}' is a built-in layer; register yours as 'my-package>${name}'` : 'pick another name';
    throw new NeuriteError(`registerLayer: '${name}' is already registered to another class (${taken.name}); ${hint}`);
  }
  const previous = registeredName(cls);
  if (previous !== undefined && classes.get(previous) === cls) {
    throw new NeuriteError(`registerLayer: ${cls.name} is already registered as '${previous}'`);
  }
  classes.set(name, cls);
  nameClass(cls, name);
}

/** The class registered under `name`, or undefined. */
export function getLayerClass(name: string): LayerClass | undefined {
  return classes.get(name);
}

/** The names of every registered layer class, built-in ones first. */
export function registeredLayers(): string[] {
  return [...classes.keys()];
}

/** The registered name of a layer's class, or an error saying how to register it. */
export function layerTypeOf(layer: Layer, where: string): string {
  const name = registeredName(layer.constructor);
  if (name === undefined || classes.get(name) !== layer.constructor) {
    throw new NeuriteError(
      `${where}: ${layer.constructor.name} is not a registered layer class, so a saved model could not be loaded; call registerLayer('my-package>${layer.constructor.name}', ${layer.constructor.name}) first`,
    );
  }
  return name;
}
