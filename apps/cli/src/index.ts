/** @neurite/cli: the `neurite` command, also callable from code (for tests and wrappers). */
export { buildProgram, run } from './cli.ts';
export { CliError, EXIT, FileError, InterruptedError, TrainingError, UsageError } from './errors.ts';
export { renderSvg, type Series, writePlot } from './plot.ts';
