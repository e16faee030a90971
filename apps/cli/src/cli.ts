import { Command, CommanderError } from 'commander';
import { registerBench } from './commands/bench.ts';
import { registerEvaluate } from './commands/evaluate.ts';
import { registerExport } from './commands/export.ts';
import { registerInfo } from './commands/info.ts';
import { registerPredict } from './commands/predict.ts';
import { registerSweep } from './commands/sweep.ts';
import { registerTrain } from './commands/train.ts';
import { CliError, EXIT, InterruptedError, UsageError } from './errors.ts';
import { cliVersion } from './versions.ts';

export function buildProgram(): Command {
  const program = new Command('neurite')
    .description("Train, evaluate and use Neurite models from the command line; starts with the deep-learning course's three models.")
    .version(cliVersion(), '-V, --version')
    .helpOption('-h, --help', 'show help for a command')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help for usage and examples)')
    // Commander exits with 1 on a bad invocation; we exit with 2 (see run below), so scripts can tell.
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`neurite: ${text.replace(/^error: /, 'error: ')}`) })
    .addHelpText(
      'after',
      `
Examples:
  $ neurite train                                   the course's planar model, about 90% accuracy
  $ neurite train --data cats:train_catvnoncat.h5,test_catvnoncat.h5 --model deep --out cat-model
  $ neurite predict --model cat-model my_cat.jpg
  $ neurite sweep --hidden 1,2,3,4,5,20,50 --iterations 5000
  $ neurite export --model cat-model --format onnx            for ONNX Runtime
  $ neurite info
`,
    );
  program.command('help [command]', { hidden: true }).action((name?: string) => {
    const sub = name ? program.commands.find((c) => c.name() === name) : undefined;
    if (name && !sub) {
      const known = program.commands.filter((c) => c.name() !== 'help').map((c) => c.name());
      throw new UsageError(`help: unknown command '${name}'`, `commands: ${known.join(', ')}`);
    }
    (sub ?? program).outputHelp();
  });
  registerTrain(program);
  registerEvaluate(program);
  registerPredict(program);
  registerSweep(program);
  registerExport(program);
  registerInfo(program);
  registerBench(program);
  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and --version "fail" with exit code 0 by commander's design.
    if (error.exitCode === 0) return EXIT.ok;
    return EXIT.usage;
  }
  if (error instanceof InterruptedError) {
    process.stderr.write(`neurite: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    process.stderr.write(`neurite: error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    return error.exitCode;
  }
  // Errors from the library (NeuriteError and its subclasses) name what is wrong already.
  if (
    error instanceof Error &&
    /Error$/.test(error.name) &&
    error.name !== 'Error' &&
    !(error instanceof TypeError || error instanceof RangeError)
  ) {
    process.stderr.write(`neurite: error: ${error.message}\n`);
    return EXIT.failure;
  }
  process.stderr.write(`neurite: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failure;
}
