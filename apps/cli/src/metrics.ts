/**
 * Classification metrics from predicted and true class indices: accuracy, the confusion
 * matrix (rows are true classes, columns predicted, as scikit-learn prints it) and precision,
 * recall and F1 per class. With two classes the headline precision/recall/F1 are those of the
 * positive class 1 (cat), as the course would read them; with more, their macro average.
 */
export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  m: number;
  accuracy: number;
  confusion: number[][];
  perClass: ClassMetrics[];
  precision: number;
  recall: number;
  f1: number;
}

export function classificationMetrics(predicted: ArrayLike<number>, actual: ArrayLike<number>, classes: number): Metrics {
  if (predicted.length !== actual.length)
    throw new Error(`classificationMetrics: ${predicted.length} predictions for ${actual.length} labels`);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let j = 0; j < actual.length; j++) {
    const p = predicted[j];
    const y = actual[j];
    confusion[y][p]++;
    if (p === y) correct++;
  }
  const perClass = confusion.map((row, k) => {
    const tp = row[k];
    const support = row.reduce((a, b) => a + b, 0);
    const predictedK = confusion.reduce((a, r) => a + r[k], 0);
    // 0/0 is reported as 0, scikit-learn's zero_division default, so a class never predicted scores 0.
    const precision = predictedK ? tp / predictedK : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
  const headline =
    classes === 2
      ? perClass[1]
      : {
          precision: mean(perClass.map((c) => c.precision)),
          recall: mean(perClass.map((c) => c.recall)),
          f1: mean(perClass.map((c) => c.f1)),
        };
  return {
    m: actual.length,
    accuracy: actual.length ? correct / actual.length : 0,
    confusion,
    perClass,
    precision: headline.precision,
    recall: headline.recall,
    f1: headline.f1,
  };
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

/** Class indices from the output layer: A > 0.5 for one sigmoid unit, argmax down each column otherwise. */
export function predictClasses(A: { data: ArrayLike<number>; shape: readonly number[] }): Int32Array {
  const [k, m] = A.shape;
  const out = new Int32Array(m);
  if (k === 1) {
    for (let j = 0; j < m; j++) out[j] = A.data[j] > 0.5 ? 1 : 0;
    return out;
  }
  for (let j = 0; j < m; j++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (A.data[c * m + j] > A.data[best * m + j]) best = c;
    out[j] = best;
  }
  return out;
}

/** Plain-text table: first row is the header; numbers right-aligned. */
export function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[], i: number) =>
    r
      .map((cell, c) => (typeof rows[i][c] === 'number' || /^-?[\d.]+%?$/.test(cell) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  const out = cells.map(line);
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return `${out.join('\n')}\n`;
}

export function formatConfusion(confusion: number[][], classes: string[]): string {
  const header = ['true \\ predicted', ...classes];
  return table([header, ...confusion.map((row, k) => [classes[k], ...row])]);
}
