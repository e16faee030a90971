import { setBackend } from '@neurite/tensor';
import { assertPrinted } from '@neurite/tensor/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { catFilesPresent, loadCats, missingCatMessage } from '../course/data.ts';
import { model } from '../course/week2-logistic-regression.ts';
import { BACKENDS } from './backends.ts';
import { week2Costs } from './published.ts';

const present = catFilesPresent();
if (!present) console.warn(`week 2 tests skipped: ${missingCatMessage()}`);

describe.each(BACKENDS)('week 2: logistic regression on the cat images (%s backend)', (backend) => {
  beforeAll(() => {
    setBackend(backend);
  });

  it.skipIf(!present)('reproduces every published cost (2000 iterations) and both accuracies', async () => {
    const data = await loadCats();
    const lines: string[] = [];
    const run = model(data, 2000, 0.005, (l) => lines.push(l));
    expect(run.costs).toHaveLength(20);
    // The course printed these to 6 decimals (rounded or truncated: assertPrinted accepts both).
    run.costs.forEach((c, i) => {
      assertPrinted(c, week2Costs[i].toFixed(6), `iteration ${i * 100}`);
    });
    expect(lines[0]).toBe('Cost after iteration 0: 0.693147');
    expect(lines[19]).toBe('Cost after iteration 1900: 0.140872');
    expect(run.trainAccuracy).toBe(99.04306220095694);
    expect(run.testAccuracy).toBe(70);
  });
});
