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
