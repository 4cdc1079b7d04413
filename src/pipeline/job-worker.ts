/**
 * One task in a worker thread, as a promise: the worker posts `{ progress }` messages while it works and one
 * `{ result }` or `{ error }` at the end. Aborting the signal terminates the worker (and the threads it started), and
 * the promise rejects with the signal's reason. An InputError thrown in the worker is an InputError here, its text and
 * field kept.
 */
import { Worker } from 'node:worker_threads';
import { InputError } from '../data/errors.js';

/** What a task's worker posts. */
export type WorkerMessage<P, R> =
  | { progress: P }
  | { result: R }
  | { error: { name: string; message: string; field?: string | undefined; input: boolean } };

/**
 * The message a worker posts for a thrown error: InputErrors (and their subclasses) marked as such, so that the
 * caller says them as they are.
 */
export function workerError(e: unknown): WorkerMessage<never, never> {
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    error: {
      name: err.name,
      message: err.message,
      field: err instanceof InputError ? err.field : undefined,
      input: err instanceof InputError,
    },
  };
}

/**
 * Runs the worker at `url` with `data`, calling `onProgress` with each progress message; resolves with its result.
 * @example
 * const staged = await runWorker(new URL('./stage-file-worker.js', import.meta.url), task, (p) => show(p), signal);
 */
export function runWorker<P, R>(url: URL, data: unknown, onProgress: (p: P) => void, signal?: AbortSignal): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason);
    const worker = new Worker(url, { workerData: data });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    // settled once the worker has exited: nothing of it runs on when the promise rejects
    let aborting = false;
    const onAbort = (): void => {
      aborting = true;
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: WorkerMessage<P, R>) => {
      if (aborting) return;
      if ('progress' in msg) {
        if (!settled) onProgress(msg.progress);
      } else if ('result' in msg) settle(() => resolve(msg.result));
      else {
        const e = msg.error;
        const err = e.input
          ? new InputError(e.message, e.field === undefined ? {} : { field: e.field })
          : new Error(e.message);
        if (!e.input) err.name = e.name;
        settle(() => reject(err));
      }
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) =>
      settle(() =>
        reject(aborting ? signal!.reason : new Error(`worker stopped (exit code ${code}) before its result`)),
      ),
    );
  });
}
