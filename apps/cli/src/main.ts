import { run } from './cli.ts';

// `neurite train | head` closes the pipe early; that is the reader's choice, not a failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

// The process ends when the event loop drains; forcing an exit here would cut off buffered output.
process.exitCode = await run(process.argv.slice(2));
