import type { History } from './model.ts';
import { type Series, writePlot } from './plot.ts';

/** The cost curves of one or more runs: train solid, test dashed, one colour per run. */
export async function writeCostPlot(path: string, runs: { name: string; history: History }[], unit: 'iteration' | 'epoch'): Promise<void> {
  const series: Series[] = [];
  const single = runs.length === 1;
  runs.forEach((run, i) => {
    const { iterations, costs, testCosts } = run.history;
    const hasTest = testCosts.length === iterations.length && testCosts.length > 0;
    const trainName = single ? 'train' : hasTest ? `${run.name} train` : run.name;
    series.push({ name: trainName, points: iterations.map((x, j) => [x, costs[j]]), colour: single ? 0 : i });
    if (hasTest) {
      series.push({
        name: single ? 'test' : `${run.name} test`,
        points: iterations.map((x, j) => [x, testCosts[j]]),
        dashed: true,
        colour: single ? 1 : i,
      });
    }
  });
  const title = single ? `Cost, ${runs[0].name}` : 'Cost per setting';
  await writePlot(path, series, { title, xLabel: `${unit}s`, yLabel: 'cost' });
}
