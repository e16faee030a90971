import type { History } from './model.ts';
import { type Series, writePanels } from './plot.ts';

/**
 * The cost curves of one or more runs, train solid, validation dashed, one colour per run;
 * below them the accuracy curves, when the runs recorded accuracy.
 */
export async function writeCostPlot(path: string, runs: { name: string; history: History }[], unit: 'iteration' | 'epoch'): Promise<void> {
  const series: Series[] = [];
  const accuracy: Series[] = [];
  const single = runs.length === 1;
  runs.forEach((run, i) => {
    const { iterations, costs, testCosts } = run.history;
    pair(series, run.name, i, single, iterations, costs, testCosts);
    const { accuracies = [], testAccuracies = [] } = run.history;
    if (accuracies.length === iterations.length && accuracies.length > 0)
      pair(accuracy, run.name, i, single, iterations, accuracies, testAccuracies);
  });
  const xLabel = `${unit}s`;
  const panels = [{ series, options: { title: single ? `Cost, ${runs[0].name}` : 'Cost per setting', xLabel, yLabel: 'cost' } }];
  if (accuracy.length > 0)
    panels.push({
      series: accuracy,
      options: { title: single ? `Accuracy, ${runs[0].name}` : 'Accuracy per setting', xLabel, yLabel: 'accuracy' },
    });
  await writePanels(path, panels);
}

/** A train curve and, when recorded at every point, its validation curve (dashed, same colour for several runs). */
function pair(out: Series[], name: string, i: number, single: boolean, xs: number[], train: number[], val: number[]): void {
  const hasVal = val.length === xs.length && val.length > 0;
  out.push({ name: single ? 'train' : hasVal ? `${name} train` : name, points: xs.map((x, j) => [x, train[j]]), colour: single ? 0 : i });
  if (hasVal) {
    out.push({
      name: single ? 'validation' : `${name} validation`,
      points: xs.map((x, j) => [x, val[j]]),
      dashed: true,
      colour: single ? 1 : i,
    });
  }
}
