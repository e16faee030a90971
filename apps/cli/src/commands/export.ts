import { lstatSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { formatLayerShape } from '@neurite/layers';
import { ONNX_IR_VERSION, ONNX_OPSET } from '@neurite/onnx';
import { saveOnnx } from '@neurite/onnx/node';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { loadModelFolderChecked } from '../model.ts';
import { commanderParser } from '../options.ts';
import { choice, text } from '../parse.ts';
import { emit } from '../progress.ts';

const EXAMPLES = `
Examples:
  $ neurite export --model cat-model --format onnx                 writes cat-model.onnx
  $ neurite export --model cat-model --format onnx --out cat.onnx --layout rows
  $ neurite export --model cat-model --format onnx --overwrite     replaces an earlier cat-model.onnx
Run the file with ONNX Runtime (onnxruntime-node, onnxruntime-web, Python's onnxruntime):
its input X is the model's (n_x, m) columns, or (m, n_x) rows with --layout rows.
`;

interface ExportOptions {
  model: string;
  format: 'onnx';
  out?: string;
  layout?: 'course' | 'rows';
  dtype?: 'float32' | 'float64';
  json?: boolean;
  overwrite?: boolean;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a saved model in another format (ONNX) for ONNX Runtime, PyTorch and inference services')
    .requiredOption(
      '-m, --model <dir>',
      'model folder written by neurite train --out (or saveModel)',
      commanderParser(text('a folder path')),
    )
    .requiredOption('--format <format>', 'onnx', commanderParser(choice(['onnx'] as const)))
    .option('-o, --out <file>', 'the file to write (default: <model folder>.onnx beside the folder)', commanderParser(text('a file path')))
    .option(
      '--layout <layout>',
      "course: X (n_x, m), images (m, H, W, C); rows: X (m, n_x), images NCHW, as PyTorch's exports (default course)",
      commanderParser(choice(['course', 'rows'] as const)),
    )
    .option(
      '--dtype <dtype>',
      'float32 (default, what every ONNX runtime runs) or float64',
      commanderParser(choice(['float32', 'float64'] as const)),
    )
    .option('--overwrite', 'replace the file when it already exists (without it, an existing file is refused)')
    .option('--json', 'one JSON object on stdout')
    .addHelpText('after', EXAMPLES)
    .action(async (options: ExportOptions) => {
      const folder = resolve(options.model);
      const out = resolve(options.out ?? join(dirname(folder), `${basename(folder)}.onnx`));
      // Before any work: a user's file is replaced only when they said so, as train --out does.
      checkTarget(out, options.out ? '--out' : 'the default output', options.overwrite === true);
      const { model } = await loadModelFolderChecked(options.model, '--model');
      const layout = options.layout ?? 'course';
      const bytes = saveOnnx(model, out, { layout, dtype: options.dtype ?? 'float32' });
      const shape = (s: readonly (number | null)[]) => (layout === 'rows' ? rowsShape(s) : formatLayerShape(s));
      const result = {
        file: out,
        bytes,
        format: 'onnx',
        opset: ONNX_OPSET,
        irVersion: ONNX_IR_VERSION,
        layout,
        input: { name: 'X', shape: shape(model.inputShape ?? []) },
        output: { name: 'AL', shape: shape(model.outputShape) },
      };
      if (options.json) emit(result);
      else
        process.stdout.write(
          `wrote ${out} (${bytes} bytes, ONNX opset ${ONNX_OPSET}): X ${result.input.shape} -> AL ${result.output.shape}\n`,
        );
    });
}

/** Refuses a directory always, and an existing file unless `overwrite`. */
function checkTarget(out: string, what: string, overwrite: boolean): void {
  let stat: ReturnType<typeof lstatSync> | undefined;
  try {
    stat = lstatSync(out);
  } catch {
    return;
  }
  if (stat.isDirectory()) throw new UsageError(`${what}: '${out}' is a directory`, 'give a file path such as model.onnx with --out');
  if (!overwrite)
    throw new UsageError(`${what}: '${out}' already exists`, 'give --overwrite to replace it, or choose another file with --out');
}

/** (n, m) as (m, n); (m, H, W, C) as (m, C, H, W). */
function rowsShape(s: readonly (number | null)[]): string {
  return formatLayerShape(s.length === 2 ? [s[1], s[0]] : [s[0], s[3], s[1], s[2]]);
}
