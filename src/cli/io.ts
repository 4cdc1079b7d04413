/** Where the CLI's commands write, and their progress bar: injectable so tests run commands in-process. */
import { makeProgress } from './progress.js';

/** Where a command writes: injectable so tests run commands in-process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  stderr?: NodeJS.WriteStream;
}

/** The process's stdout and stderr (stderr is a TTY for the progress bar when it is a terminal). */
export const defaultIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  stderr: process.stderr,
};

/** The progress bar for a command: drawn on `io.stderr` when it is a terminal, silent otherwise (and without one). */
export function progressFor(io: Io): ReturnType<typeof makeProgress> {
  return makeProgress(io.stderr ?? ({ isTTY: false } as NodeJS.WriteStream));
}

/**
 * Resolves at the first SIGTERM or SIGINT (Ctrl-C) from now on, and stops listening for them then: what a
 * long-running command (serve, worker) waits on before it shuts down gracefully.
 * @example await untilStopSignal(); await server.close();
 */
export function untilStopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
