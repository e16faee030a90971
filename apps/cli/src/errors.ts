/**
 * The CLI's exit codes are part of its interface, so scripts can tell a typo in a command
 * from a missing file from a run that diverged: 2 for a bad invocation, 1 for a file or
 * training failure, 128 + the signal's number when a signal stopped it (the shell's convention:
 * 130 for Ctrl-C's SIGINT, 143 for SIGTERM).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

/** The exit code for a run stopped by `signal`. */
export function signalExit(signal: 'SIGINT' | 'SIGTERM'): number {
  return signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
}

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** An unknown flag, a bad value, a missing argument: exit 2, the message names the flag. */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string, hint?: string) {
    super(message, EXIT.usage, hint);
  }
}

/** A missing, unreadable or corrupt file: exit 1, the message names the file. */
export class FileError extends CliError {
  override name = 'FileError';
  constructor(
    readonly path: string,
    message: string,
    hint?: string,
  ) {
    super(message, EXIT.failure, hint);
  }
}

/** FileError for `path` as the one-argument error class @neurite/tensor/node's readers take. */
export function fileErrorFor(path: string): new (message: string) => Error {
  return class extends FileError {
    constructor(message: string) {
      super(path, message);
    }
  };
}

/** A run that cannot go on (NaN cost, a model that does not fit the data): exit 1. */
export class TrainingError extends CliError {
  override name = 'TrainingError';
  constructor(message: string, hint?: string) {
    super(message, EXIT.failure, hint);
  }
}

/** Ctrl-C or SIGTERM: the run stopped cleanly (and saved a checkpoint when it was training). */
export class InterruptedError extends CliError {
  override name = 'InterruptedError';
  constructor(message: string, signal: 'SIGINT' | 'SIGTERM' = 'SIGINT') {
    super(message, signalExit(signal));
  }
}
