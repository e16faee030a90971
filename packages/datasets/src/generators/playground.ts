import { invalid, positiveInt } from '../util.ts';
import { common, type Labeled, Points } from './points.ts';
import type { GeneratorOptions } from './sklearn.ts';

export interface XorOptions extends GeneratorOptions {
  /**
   * Label noise as in TensorFlow Playground (0 to 0.5, default 0): the label is taken
   * at the point moved by uniform(-5, 5)·noise in each coordinate, so points near the
   * axes may carry the other quadrant's label; the points themselves stay put.
   */
  noise?: number;
}

/**
 * TensorFlow Playground's XOR: points uniform in [-5, 5]², pushed 0.3 away from the
 * axes; label 1 where x·y >= 0 (first and third quadrants), else 0.
 */
export function xor(options: XorOptions = {}): Labeled {
  const fn = 'xor';
  const { m, rng, dtype, noise } = common(options, fn);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rng.random();
  const pad = (v: number) => v + (v > 0 ? 0.3 : -0.3);
  const p = new Points(2, m);
  for (let i = 0; i < m; i++) {
    const x = pad(uniform(-5, 5));
    const y = pad(uniform(-5, 5));
    const nx = uniform(-5, 5) * noise;
    const ny = uniform(-5, 5) * noise;
    p.set(i, (x + nx) * (y + ny) >= 0 ? 1 : 0, x, y);
  }
  return p.toTensors(dtype);
}

export interface SpiralOptions extends GeneratorOptions {
  /** Number of arms, one class each (default 2, as in TensorFlow Playground). */
  classes?: number;
  /** Uniform(-1, 1)·noise added to each coordinate (default 0; the Playground's slider goes to 0.5). */
  noise?: number;
  /** Radius of the arms' ends (default 5). */
  radius?: number;
  /** How many turns each arm makes (default 1.75). */
  turns?: number;
  /** Shuffle the examples (default false: arm by arm, like the Playground). */
  shuffle?: boolean;
}

/**
 * TensorFlow Playground's spiral, generalised to K arms: arm k has m/K points
 * (the first arms take the remainder) at r = 5·i/n, t = 1.75·2π·i/n + 2πk/K.
 * Points are (r·sin t, r·cos t) plus uniform noise; label k.
 */
export function spiral(options: SpiralOptions = {}): Labeled {
  const fn = 'spiral';
  const { m, rng, dtype, noise } = common(options, fn);
  const K = positiveInt(options.classes ?? 2, fn, 'classes');
  if (K > m) throw invalid(fn, 'classes', `at most m = ${m}`, K);
  const radius = options.radius ?? 5;
  const turns = options.turns ?? 1.75;
  if (!(radius > 0) || !Number.isFinite(radius)) throw invalid(fn, 'radius', 'a finite number > 0', radius);
  if (!(turns > 0) || !Number.isFinite(turns)) throw invalid(fn, 'turns', 'a finite number > 0', turns);
  const p = new Points(2, m);
  let col = 0;
  for (let k = 0; k < K; k++) {
    const n = Math.floor(m / K) + (k < m % K ? 1 : 0);
    const delta = (2 * Math.PI * k) / K;
    for (let i = 0; i < n; i++, col++) {
      const r = (i / n) * radius;
      const t = ((turns * i) / n) * 2 * Math.PI + delta;
      const x = r * Math.sin(t) + (2 * rng.random() - 1) * noise;
      const y = r * Math.cos(t) + (2 * rng.random() - 1) * noise;
      p.set(col, k, x, y);
    }
  }
  if (options.shuffle) p.shuffle(rng);
  return p.toTensors(dtype);
}
