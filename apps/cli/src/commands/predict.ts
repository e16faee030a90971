import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { chooseBackend } from '../backends.ts';
import { UsageError } from '../errors.ts';
import { csvToX, imagesToX, isImagePath } from '../inputs.ts';
import { inputOf, loadModelFolderChecked } from '../model.ts';
import { BACKENDS, commanderParser } from '../options.ts';
import { choice, text } from '../parse.ts';
import { emit } from '../progress.ts';

const EXAMPLES = `
Examples:
  $ neurite predict --model cat-model my_cat.jpg                 prints e.g. "cat (0.93)"
  $ neurite predict --model cat-model photos/*.png --json
  $ neurite predict --model iris-model new-flowers.csv > predictions.csv
`;

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('predict the class of images (PNG/JPEG) or of the rows of a CSV file with a saved model')
    .argument('<files...>', 'image files, or one CSV file with the feature columns the model was trained on')
    .requiredOption('-m, --model <dir>', 'model folder written by neurite train --out', commanderParser(text('a folder path')))
    .option(
      '--format <format>',
      'text | csv | json (default: text for images, csv for a CSV file)',
      commanderParser(choice(['text', 'csv', 'json'] as const)),
    )
    .option('--json', 'same as --format json: one JSON object per example')
    .option('--backend <name>', 'auto | js | native', commanderParser(choice(BACKENDS)))
    .addHelpText('after', EXAMPLES)
    .action(
      async (
        files: string[],
        options: { model: string; format?: 'text' | 'csv' | 'json'; json?: boolean; backend?: (typeof BACKENDS)[number] },
      ) => {
        const images = files.filter(isImagePath);
        const csvs = files.filter((f) => extname(f).toLowerCase() === '.csv');
        const other = files.find((f) => !isImagePath(f) && extname(f).toLowerCase() !== '.csv');
        if (other) throw new UsageError(`predict: '${other}' is neither an image (.png, .jpg, .jpeg) nor a .csv file`);
        if (images.length && csvs.length) throw new UsageError('predict: give images or one CSV file, not both');
        if (csvs.length > 1) throw new UsageError(`predict: give one CSV file at a time, received ${csvs.length}`);
        await chooseBackend(options.backend);
        const loaded = await loadModelFolderChecked(options.model, '--model');
        const { input, classes } = inputOf(loaded);
        const model = loaded.model;
        let X: ReturnType<typeof imagesToX>;
        let names: string[];
        if (images.length) {
          if (input.kind !== 'image')
            throw new UsageError(
              `predict: this model takes ${input.names.length} numeric features (a CSV file), received image '${images[0]}'`,
            );
          X = imagesToX(images, input, model.dtype);
          names = images;
        } else {
          X = await csvToX(csvs[0], input, model.dtype);
          names = Array.from({ length: X.shape[1] }, (_, i) => String(i + 1));
        }
        const A = model.predictProba(X);
        const rows = rowsOf(A, classes);
        const format = options.json ? 'json' : (options.format ?? (images.length ? 'text' : 'csv'));
        const out: string[] = [];
        if (format === 'csv') out.push(`${images.length ? 'file' : 'row'},prediction,probability`);
        rows.forEach((row, j) => {
          const id = names[j];
          if (format === 'json')
            emit({
              [images.length ? 'file' : 'row']: images.length ? id : j + 1,
              prediction: row.label,
              probability: row.p,
              probabilities: row.all,
            });
          else if (format === 'csv') out.push(`${csvField(images.length ? basename(id) : id)},${csvField(row.label)},${row.p.toFixed(6)}`);
          else out.push(`${rows.length > 1 ? `${id}: ` : ''}${row.label} (${row.p.toFixed(2)})`);
        });
        if (out.length) process.stdout.write(`${out.join('\n')}\n`);
      },
    );
}

/** Each column of A as the winning class and its probability; one sigmoid unit gives P(class 1). */
function rowsOf(A: { data: ArrayLike<number>; shape: readonly number[] }, classes: string[]) {
  const [k, m] = A.shape;
  const names = k === 1 ? [classes[0] ?? '0', classes[1] ?? '1'] : Array.from({ length: k }, (_, c) => classes[c] ?? String(c));
  return Array.from({ length: m }, (_, j) => {
    const probs = k === 1 ? [1 - A.data[j], A.data[j]] : Array.from({ length: k }, (_, c) => A.data[c * m + j]);
    // The course's rule for one unit is A > 0.5; argmax gives the same except at exactly 0.5.
    let best = k === 1 ? (A.data[j] > 0.5 ? 1 : 0) : 0;
    if (k > 1) for (let c = 1; c < k; c++) if (probs[c] > probs[best]) best = c;
    return { label: names[best], p: probs[best], all: Object.fromEntries(names.map((n, c) => [n, probs[c]])) };
  });
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
