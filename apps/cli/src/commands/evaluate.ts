import { join } from 'node:path';
import type { Command } from 'commander';
import { chooseBackend } from '../backends.ts';
import { checkRecordedData } from '../data/files.ts';
import { loadData } from '../data/load.ts';
import { UsageError } from '../errors.ts';
import { classificationMetrics, formatConfusion, type Metrics, predictClasses, table } from '../metrics.ts';
import { CLI_FILE, inputOf, loadModelFolderChecked } from '../model.ts';
import { BACKENDS, commanderParser } from '../options.ts';
import { choice, text } from '../parse.ts';
import { emit } from '../progress.ts';
import { percent } from './train.ts';

const EXAMPLES = `
Examples:
  $ neurite evaluate --model cat-model --data cats:train_catvnoncat.h5,test_catvnoncat.h5
  $ neurite evaluate --model flower-model --data planar:seed=3
  $ neurite evaluate --model iris-model --data csv:iris-test.csv --label species --json
`;

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('accuracy, confusion matrix, precision, recall and F1 of a saved model on a data set')
    .requiredOption('-m, --model <dir>', 'model folder written by neurite train --out', commanderParser(text('a folder path')))
    .option(
      '-d, --data <spec>',
      "data in train's --data form; default the data the model was trained on",
      commanderParser(text('a data spec')),
    )
    .option('--label <name|index>', 'label column of a CSV file (default: the one the model was trained with)', commanderParser(text()))
    .option('--backend <name>', 'auto | js | native', commanderParser(choice(BACKENDS)))
    .option('--json', 'one JSON object per data split on stdout')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { model: string; data?: string; label?: string; backend?: (typeof BACKENDS)[number]; json?: boolean }) => {
      await chooseBackend(options.backend);
      const loaded = await loadModelFolderChecked(options.model, '--model');
      const { input, classes } = inputOf(loaded);
      const spec = options.data ?? loaded.meta?.settings.data;
      if (!spec) throw new UsageError(`--data: the model in '${options.model}' does not say what it was trained on; give --data`);
      if (options.data === undefined) checkRecordedData(spec, loaded.meta?.dataFiles, `'${join(options.model, CLI_FILE)}'`, '--data');
      const model = loaded.model;
      const data = await loadData({
        data: spec,
        label: options.label ?? loaded.meta?.settings.label,
        dtype: model.dtype,
        like: { input, classes },
      });
      if (data.X.shape[0] !== model.inputUnits) {
        throw new UsageError(`--data: '${spec}' has ${data.X.shape[0]} features per example, the model takes ${model.inputUnits}`);
      }
      // Data with its own test set (cats, mnist) is scored on both parts; anything else is one set.
      const splits: [string, typeof data.X, typeof data.Y][] = data.test
        ? [
            ['train', data.X, data.Y],
            ['test', data.test.X, data.test.Y],
          ]
        : [['data', data.X, data.Y]];
      const k = Math.max(classes.length, model.outputUnits === 1 ? 2 : model.outputUnits);
      const names = classes.length === k ? classes : Array.from({ length: k }, (_, i) => String(i));
      for (const [split, X, labels] of splits) {
        const metrics = classificationMetrics(predictClasses(model.predictProba(X)), labels.data, k);
        if (options.json) emit({ event: 'evaluation', split, model: options.model, data: data.description, ...metrics, classes: names });
        else process.stdout.write(formatMetrics(split, data.description, metrics, names));
      }
    });
}

function formatMetrics(split: string, description: string, metrics: Metrics, classes: string[]): string {
  const f = (v: number) => v.toFixed(4);
  const lines = [
    `${split === 'data' ? description : `${description}, ${split} set`} (${metrics.m} examples)`,
    `  Accuracy:  ${percent(metrics.accuracy)} (${Math.round(metrics.accuracy * metrics.m)}/${metrics.m})`,
    classes.length === 2
      ? `  Precision: ${f(metrics.precision)}   Recall: ${f(metrics.recall)}   F1: ${f(metrics.f1)}   (positive class '${classes[1]}')`
      : `  Precision: ${f(metrics.precision)}   Recall: ${f(metrics.recall)}   F1: ${f(metrics.f1)}   (macro average)`,
    '',
    '  Confusion matrix (rows: true class, columns: predicted)',
    ...indent(formatConfusion(metrics.confusion, classes)),
    '',
    ...indent(
      table([
        ['class', 'precision', 'recall', 'f1', 'support'],
        ...metrics.perClass.map((c, i) => [classes[i], f(c.precision), f(c.recall), f(c.f1), c.support]),
      ]),
    ),
    '',
  ];
  return `${lines.join('\n')}\n`;
}

function indent(block: string): string[] {
  return block
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`);
}
