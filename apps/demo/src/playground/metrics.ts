/** J = −(1/m) Σ y·log ŷ + (1 − y)·log(1 − ŷ), clamped so that a confident mistake costs a finite amount on the chart. */
export function crossEntropy(AL: ArrayLike<number>, Y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < Y.length; i++) {
    const p = Math.min(Math.max(AL[i], 1e-7), 1 - 1e-7);
    s += Y[i] * Math.log(p) + (1 - Y[i]) * Math.log(1 - p);
  }
  return -s / Y.length;
}

export function accuracy(AL: ArrayLike<number>, Y: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < Y.length; i++) if (AL[i] > 0.5 === Y[i] > 0.5) hits++;
  return Y.length === 0 ? 0 : hits / Y.length;
}
