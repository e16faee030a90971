/**
 * The CLI's exit codes are part of its interface, so scripts can tell a typo in a command
 * from a missing file from a run that diverged: 2 for a bad invocation, 1 for a file or
 * training failure, 130 for Ctrl-C (the shell's convention for SIGINT).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

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

/** A run that cannot go on (NaN cost, a model that does not fit the data): exit 1. */
export class TrainingError extends CliError {
  override name = 'TrainingError';
  constructor(message: string, hint?: string) {
    super(message, EXIT.failure, hint);
  }
}

/** Ctrl-C: the run stopped cleanly (and saved a checkpoint when it was training). */
export class InterruptedError extends CliError {
  override name = 'InterruptedError';
  constructor(message: string) {
    super(message, EXIT.interrupted);
  }
}
